//! A minimal TAXII 2.1 client for the importers: "Get A Collection", "Add Objects" and
//! "Get Status" against one API root, with a Bearer token or HTTP Basic (an API key).
//! Blocking (`ureq`); deserializes only the status fields it reports.

use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value, json};

/// TAXII 2.1 media type, for Accept and Content-Type.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

/// How the importer authenticates.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// `Authorization: Bearer <jwt>`.
    Bearer(String),
    /// `Authorization: Basic base64(client_id:secret)`.
    Basic { client_id: String, secret: String },
}

impl Credentials {
    /// `CLIENT_ID:SECRET` for Basic.
    pub fn basic(pair: &str) -> Option<Self> {
        let (client_id, secret) = pair.split_once(':')?;
        Some(Self::Basic {
            client_id: client_id.to_owned(),
            secret: secret.to_owned(),
        })
    }

    fn header(&self) -> String {
        match self {
            Self::Bearer(token) => format!("Bearer {}", token.trim()),
            Self::Basic { client_id, secret } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"))
            ),
        }
    }
}

/// What went wrong talking to the hub.
#[derive(Debug, thiserror::Error)]
pub enum TaxiiError {
    #[error("the hub at {url} is unreachable: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("the hub refused the credentials (HTTP {status}): {detail}")]
    Unauthorized { status: u16, detail: String },
    #[error("collection '{collection}' was not found or is not visible to these credentials")]
    CollectionNotFound { collection: String },
    #[error("these credentials may not write to collection '{collection}'")]
    ReadOnly { collection: String },
    #[error("the hub refused the envelope (HTTP {status}): {detail}")]
    Refused { status: u16, detail: String },
    #[error("the hub failed (HTTP {status}): {detail}")]
    Server { status: u16, detail: String },
    #[error("the hub answered something that is not a TAXII {what}: {detail}")]
    Protocol { what: &'static str, detail: String },
}

impl TaxiiError {
    /// Whether the whole import must stop (as opposed to one envelope being refused).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, Self::Refused { .. })
    }
}

/// TAXII 2.1 status resource, the fields the importers report.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Status {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub success_count: u64,
    #[serde(default)]
    pub failure_count: u64,
    #[serde(default)]
    pub pending_count: u64,
    #[serde(default)]
    pub failures: Vec<StatusDetail>,
}

/// One refused object of a status resource.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatusDetail {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// A client bound to one API root.
pub struct Client {
    agent: ureq::Agent,
    api_root: String,
    authorization: String,
    /// How long to poll a pending status before reporting it as it stands.
    pub status_wait: Duration,
}

impl Client {
    /// `api_root` is the API root URL (a trailing `/` is added when missing).
    pub fn new(api_root: &str, credentials: &Credentials, timeout: Duration) -> Self {
        let mut api_root = api_root.trim().to_owned();
        if !api_root.ends_with('/') {
            api_root.push('/');
        }
        Self {
            agent: ureq::AgentBuilder::new()
                .timeout(timeout)
                .user_agent(concat!("kyoyu-connect/", env!("CARGO_PKG_VERSION")))
                .build(),
            api_root,
            authorization: credentials.header(),
            status_wait: Duration::from_secs(60),
        }
    }

    /// TAXII 2.1 "Get A Collection": checks the hub is reachable, accepts the credentials,
    /// shows the collection (by id or alias) and lets them write to it.
    pub fn check_collection(&self, collection: &str) -> Result<Value, TaxiiError> {
        let url = format!("{}collections/{collection}/", self.api_root);
        let response = self
            .agent
            .get(&url)
            .set("Accept", TAXII_MEDIA_TYPE)
            .set("Authorization", &self.authorization)
            .call();
        let body = match response {
            Ok(response) => read_json(response, "collection")?,
            Err(ureq::Error::Status(404, _)) => {
                return Err(TaxiiError::CollectionNotFound {
                    collection: collection.to_owned(),
                });
            }
            Err(error) => return Err(classify(&url, error)),
        };
        if body.get("can_write").and_then(Value::as_bool) == Some(false) {
            return Err(TaxiiError::ReadOnly {
                collection: collection.to_owned(),
            });
        }
        Ok(body)
    }

    /// TAXII 2.1 "Add Objects": posts one envelope and returns its status, polled with
    /// "Get Status" while it is pending (up to `status_wait`).
    pub fn add_objects(&self, collection: &str, objects: &[Value]) -> Result<Status, TaxiiError> {
        let url = format!("{}collections/{collection}/objects/", self.api_root);
        let body = json!({ "objects": objects }).to_string();
        let response = self
            .agent
            .post(&url)
            .set("Accept", TAXII_MEDIA_TYPE)
            .set("Content-Type", TAXII_MEDIA_TYPE)
            .set("Authorization", &self.authorization)
            .send_string(&body);
        let mut status: Status = match response {
            Ok(response) => {
                serde_json::from_value(read_json(response, "status")?).map_err(|e| {
                    TaxiiError::Protocol {
                        what: "status",
                        detail: e.to_string(),
                    }
                })?
            }
            Err(error) => return Err(classify(&url, error)),
        };
        let deadline = Instant::now() + self.status_wait;
        let mut delay = Duration::from_millis(250);
        while status.status == "pending" && status.pending_count > 0 && !status.id.is_empty() {
            if Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(delay);
            delay = (delay * 2).min(Duration::from_secs(5));
            status = self.get_status(&status.id)?;
        }
        Ok(status)
    }

    /// TAXII 2.1 "Get Status".
    pub fn get_status(&self, status_id: &str) -> Result<Status, TaxiiError> {
        let url = format!("{}status/{status_id}/", self.api_root);
        let response = self
            .agent
            .get(&url)
            .set("Accept", TAXII_MEDIA_TYPE)
            .set("Authorization", &self.authorization)
            .call()
            .map_err(|e| classify(&url, e))?;
        serde_json::from_value(read_json(response, "status")?).map_err(|e| TaxiiError::Protocol {
            what: "status",
            detail: e.to_string(),
        })
    }
}

fn read_json(response: ureq::Response, what: &'static str) -> Result<Value, TaxiiError> {
    response.into_json().map_err(|e| TaxiiError::Protocol {
        what,
        detail: e.to_string(),
    })
}

fn classify(url: &str, error: ureq::Error) -> TaxiiError {
    match error {
        ureq::Error::Status(status, response) => {
            let detail = error_detail(response);
            match status {
                401 | 403 => TaxiiError::Unauthorized { status, detail },
                500.. => TaxiiError::Server { status, detail },
                _ => TaxiiError::Refused { status, detail },
            }
        }
        ureq::Error::Transport(transport) => TaxiiError::Unreachable {
            url: url.to_owned(),
            detail: transport.to_string(),
        },
    }
}

/// The TAXII error message's description (or title), else the start of the body.
fn error_detail(response: ureq::Response) -> String {
    let text = response.into_string().unwrap_or_default();
    match serde_json::from_str::<Value>(&text) {
        Ok(body) => ["description", "title"]
            .iter()
            .find_map(|k| body.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
            .unwrap_or_else(|| truncate(&text)),
        Err(_) => truncate(&text),
    }
}

fn truncate(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(300) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}
