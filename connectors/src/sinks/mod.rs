//! Where consumed events go. A sink takes a batch and returns `Ok` only once its destination
//! accepted every event (flushed to the file, the syslog message sent, HTTP 2xx without item
//! errors); the consumer acks on `Ok` and requeues on `Err`. Sinks block: the consumer runs
//! them on tokio's blocking pool.

pub mod elasticsearch;
pub mod hec;
pub mod jsonl;
pub mod syslog;

use std::time::Duration;

use crate::message::Event;

/// A destination for events.
pub trait Sink: Send {
    /// Delivers a batch, all or nothing from the consumer's point of view: on `Err` every
    /// event of the batch is requeued, so a sink must tolerate seeing some again.
    fn deliver(&mut self, events: &[Event]) -> Result<(), SinkError>;
}

/// Why a destination did not accept a batch.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("{action}")]
    Io {
        action: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{url} answered HTTP {status}: {body}")]
    Rejected {
        url: String,
        status: u16,
        body: String,
    },
    #[error("{url} is unreachable: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("{failed} of {total} bulk items failed, first: {first}")]
    ItemErrors {
        failed: usize,
        total: usize,
        first: String,
    },
    #[error("{url} answered something unexpected: {detail}")]
    Protocol { url: String, detail: String },
}

impl SinkError {
    fn io(action: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            action: action.into(),
            source,
        }
    }
}

/// An HTTP agent for the HTTP sinks.
pub fn http_agent(timeout: Duration) -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(timeout)
        .user_agent(concat!("kyoyu-connect/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Posts `body` and returns the response text when the status is 2xx.
fn post(
    agent: &ureq::Agent,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<String, SinkError> {
    let mut request = agent.post(url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    match request.send_bytes(body) {
        Ok(response) => response.into_string().map_err(|e| SinkError::Protocol {
            url: url.to_owned(),
            detail: e.to_string(),
        }),
        Err(ureq::Error::Status(status, response)) => {
            let body = response.into_string().unwrap_or_default();
            Err(SinkError::Rejected {
                url: url.to_owned(),
                status,
                body: body.chars().take(500).collect(),
            })
        }
        Err(ureq::Error::Transport(transport)) => Err(SinkError::Unreachable {
            url: url.to_owned(),
            detail: transport.to_string(),
        }),
    }
}

/// CEF severity (0-10) of an event: the object's `confidence` scaled to 0-10 when it has one,
/// else by TLP (clear 3, green 4, amber 6, amber-strict 7, red 8, unknown 5). A deletion is 1.
pub fn severity(event: &Event) -> u8 {
    if event.kind == crate::message::EventKind::Deleted {
        return 1;
    }
    if let Some(confidence) = event.confidence() {
        return (confidence + 5) / 10;
    }
    match event.tlp.as_str() {
        "clear" | "white" => 3,
        "green" => 4,
        "amber" => 6,
        "amber-strict" => 7,
        "red" => 8,
        _ => 5,
    }
}
