//! Splunk HTTP Event Collector: a batch is one POST of concatenated event objects
//! `{"time","sourcetype","source":"kyoyu","event":<record>}` with `Authorization: Splunk
//! <token>`; any 2xx accepts the batch.

use std::time::Duration;

use serde::Serialize;

use super::{Sink, SinkError, http_agent, post};
use crate::message::{Event, Record};

/// Posts events to a HEC `/services/collector/event` endpoint.
pub struct Hec {
    agent: ureq::Agent,
    url: String,
    authorization: String,
    sourcetype: String,
    index: Option<String>,
}

#[derive(Serialize)]
struct HecEvent<'a> {
    /// `date_added` in seconds since the epoch, millisecond precision.
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<f64>,
    sourcetype: &'a str,
    source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<&'a str>,
    event: Record<'a>,
}

impl Hec {
    /// `url` is the full endpoint (`https://splunk:8088/services/collector/event`).
    pub fn new(
        url: String,
        token: &str,
        sourcetype: String,
        index: Option<String>,
        timeout: Duration,
    ) -> Self {
        Self {
            agent: http_agent(timeout),
            url,
            authorization: format!("Splunk {}", token.trim()),
            sourcetype,
            index,
        }
    }

    /// The request body for a batch: one JSON object per event, newline-separated.
    pub fn body(&self, events: &[Event]) -> Vec<u8> {
        let mut body = Vec::new();
        for event in events {
            let hec = HecEvent {
                time: event.date_added_millis().map(|ms| ms as f64 / 1000.0),
                sourcetype: &self.sourcetype,
                source: "kyoyu",
                index: self.index.as_deref(),
                event: event.record(),
            };
            // Serializing borrowed strings and a raw value into memory cannot fail.
            if serde_json::to_writer(&mut body, &hec).is_ok() {
                body.push(b'\n');
            }
        }
        body
    }
}

impl Sink for Hec {
    fn deliver(&mut self, events: &[Event]) -> Result<(), SinkError> {
        let body = self.body(events);
        post(
            &self.agent,
            &self.url,
            &[
                ("Authorization", &self.authorization),
                ("Content-Type", "application/json"),
            ],
            &body,
        )
        .map(|_| ())
    }
}
