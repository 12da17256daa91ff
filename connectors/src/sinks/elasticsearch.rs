//! Elasticsearch / OpenSearch `_bulk`: an `index` action per added object with `_id` = the
//! message id (so a redelivery overwrites, never duplicates) and an ECS document
//! (`threat.indicator.*`, `event.*`, the raw STIX under `stix`); a `delete` action with the
//! same `_id` per tombstone. A response with any item error fails the batch.

use std::time::Duration;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::{Sink, SinkError, http_agent, post};
use crate::message::{Event, EventKind};
use crate::pattern::{Observable, observables_of};

/// Posts batches to `<url>/_bulk`.
pub struct Elasticsearch {
    agent: ureq::Agent,
    bulk_url: String,
    index: String,
    authorization: Option<String>,
}

/// How to authenticate to the cluster.
#[derive(Debug, Clone)]
pub enum EsAuth {
    /// `Authorization: ApiKey <key>` (the base64 `id:api_key` Elasticsearch hands out).
    ApiKey(String),
    Basic {
        username: String,
        password: String,
    },
}

impl Elasticsearch {
    /// `url` is the cluster's base URL (`http://host:9200`).
    pub fn new(url: &str, index: String, auth: Option<EsAuth>, timeout: Duration) -> Self {
        let authorization = auth.map(|auth| match auth {
            EsAuth::ApiKey(key) => format!("ApiKey {}", key.trim()),
            EsAuth::Basic { username, password } => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
            ),
        });
        Self {
            agent: http_agent(timeout),
            bulk_url: format!("{}/_bulk", url.trim().trim_end_matches('/')),
            index,
            authorization,
        }
    }

    /// The NDJSON body of a batch (ending with a newline, as `_bulk` requires).
    pub fn body(&self, events: &[Event]) -> String {
        let mut body = String::new();
        for event in events {
            let target = json!({ "_index": self.index, "_id": event.message_id });
            match event.kind {
                EventKind::Added => {
                    body.push_str(&json!({ "index": target }).to_string());
                    body.push('\n');
                    body.push_str(&document(event).to_string());
                    body.push('\n');
                }
                EventKind::Deleted => {
                    body.push_str(&json!({ "delete": target }).to_string());
                    body.push('\n');
                }
            }
        }
        body
    }
}

impl Sink for Elasticsearch {
    fn deliver(&mut self, events: &[Event]) -> Result<(), SinkError> {
        let body = self.body(events);
        let mut headers = vec![("Content-Type", "application/x-ndjson")];
        if let Some(authorization) = &self.authorization {
            headers.push(("Authorization", authorization));
        }
        let response = post(&self.agent, &self.bulk_url, &headers, body.as_bytes())?;
        check_bulk_response(&self.bulk_url, &response)
    }
}

/// Fails when the bulk response reports item errors (or is not a bulk response). A delete of a
/// document that is not there (404, `not_found`) is no error.
pub fn check_bulk_response(url: &str, response: &str) -> Result<(), SinkError> {
    let parsed: Value = serde_json::from_str(response).map_err(|e| SinkError::Protocol {
        url: url.to_owned(),
        detail: format!("not a bulk response: {e}"),
    })?;
    let items = parsed
        .get("items")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let errors: Vec<String> = items
        .iter()
        .filter_map(|item| item.as_object()?.values().next())
        .filter_map(|result| result.get("error"))
        .map(|error| match error.get("reason").and_then(Value::as_str) {
            Some(reason) => {
                let kind = error.get("type").and_then(Value::as_str).unwrap_or("error");
                format!("{kind}: {reason}")
            }
            None => error.to_string(),
        })
        .collect();
    let flagged = parsed.get("errors").and_then(Value::as_bool) == Some(true);
    if errors.is_empty() && !flagged {
        return Ok(());
    }
    Err(SinkError::ItemErrors {
        failed: errors.len().max(1),
        total: items.len(),
        first: errors
            .into_iter()
            .next()
            .unwrap_or_else(|| "errors=true without item details".to_owned()),
    })
}

/// The ECS document of an added object.
pub fn document(event: &Event) -> Value {
    let object = &event.object;
    let text = |name: &str| object.get(name).and_then(Value::as_str);
    let mut indicator = Map::new();
    let observables = observables_of(object);
    let indicator_type = match object.get("type").and_then(Value::as_str) {
        Some("indicator") => observables.first().map(Observable::stix_type),
        Some(sco) if !observables.is_empty() => Some(sco),
        _ => None,
    };
    if let Some(kind) = indicator_type {
        indicator.insert("type".into(), json!(kind));
    }
    let mut file_hashes = Map::new();
    for observable in &observables {
        match observable {
            Observable::Ipv4(ip) | Observable::Ipv6(ip) => {
                indicator.entry("ip").or_insert_with(|| json!(ip));
            }
            Observable::Url(url) => {
                insert_path(&mut indicator, &["url", "full"], json!(url));
            }
            Observable::Domain(domain) => {
                insert_path(&mut indicator, &["url", "domain"], json!(domain));
            }
            Observable::Email(email) => {
                insert_path(&mut indicator, &["email", "address"], json!(email));
            }
            Observable::FileName(name) => {
                insert_path(&mut indicator, &["file", "name"], json!(name));
            }
            Observable::FileHash { algorithm, value } => {
                if let Some(key) = ecs_hash_key(algorithm) {
                    file_hashes.entry(key).or_insert_with(|| json!(value));
                }
            }
        }
    }
    if !file_hashes.is_empty() {
        insert_path(
            &mut indicator,
            &["file", "hash"],
            Value::Object(file_hashes),
        );
    }
    if let Some(first_seen) = text("valid_from")
        .or_else(|| text("first_seen"))
        .or_else(|| text("created"))
    {
        indicator.insert("first_seen".into(), json!(first_seen));
    }
    if let Some(last_seen) = text("last_seen") {
        indicator.insert("last_seen".into(), json!(last_seen));
    }
    if let Some(modified) = text("modified") {
        indicator.insert("modified_at".into(), json!(modified));
    }
    indicator.insert(
        "confidence".into(),
        json!(ecs_confidence(event.confidence())),
    );
    if let Some(tlp) = ecs_tlp(&event.tlp) {
        insert_path(&mut indicator, &["marking", "tlp"], json!(tlp));
    }
    indicator.insert("provider".into(), json!("kyoyu"));
    if let Some(description) = text("description") {
        indicator.insert("description".into(), json!(description));
    }
    if let Some(name) = text("name") {
        indicator.insert("name".into(), json!(name));
    }
    let mut document = Map::new();
    if !event.date_added.is_empty() {
        document.insert("@timestamp".into(), json!(event.date_added));
    }
    document.insert(
        "event".into(),
        json!({
            "kind": "enrichment",
            "category": "threat",
            "type": "indicator",
            "id": event.message_id,
            "dataset": "kyoyu.stix",
        }),
    );
    document.insert("threat".into(), json!({ "indicator": indicator }));
    document.insert(
        "kyoyu".into(),
        json!({
            "collection": event.collection,
            "message_id": event.message_id,
            "stix_id": event.stix_id,
        }),
    );
    document.insert("stix".into(), object.clone());
    Value::Object(document)
}

fn insert_path(map: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut current = map;
    for key in parents {
        let entry = current
            .entry((*key).to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else { return };
        current = next;
    }
    current.entry((*last).to_owned()).or_insert(value);
}

/// ECS `threat.indicator.file.hash.*` keys.
fn ecs_hash_key(algorithm: &str) -> Option<String> {
    Some(
        match algorithm {
            "MD5" => "md5",
            "SHA1" => "sha1",
            "SHA256" => "sha256",
            "SHA384" => "sha384",
            "SHA512" => "sha512",
            "SSDEEP" => "ssdeep",
            "TLSH" => "tlsh",
            _ => return None,
        }
        .to_owned(),
    )
}

/// STIX confidence (0-100) on the ECS scale, per STIX 2.1 appendix A "None/Low/Med/High":
/// 0 None, 1-29 Low, 30-69 Medium, 70-100 High.
pub fn ecs_confidence(confidence: Option<u8>) -> &'static str {
    match confidence {
        None => "Not Specified",
        Some(0) => "None",
        Some(1..=29) => "Low",
        Some(30..=69) => "Medium",
        Some(_) => "High",
    }
}

/// ECS `threat.indicator.marking.tlp` values.
fn ecs_tlp(tlp: &str) -> Option<&'static str> {
    Some(match tlp {
        "clear" => "CLEAR",
        "white" => "WHITE",
        "green" => "GREEN",
        "amber" => "AMBER",
        "amber-strict" => "AMBER+STRICT",
        "red" => "RED",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_errors_fail_and_missing_deletes_do_not() {
        let url = "http://es/_bulk";
        let ok = r#"{"took":3,"errors":false,"items":[{"index":{"_id":"a","status":201}},{"delete":{"_id":"b","status":404,"result":"not_found"}}]}"#;
        assert!(check_bulk_response(url, ok).is_ok());
        let failed = r#"{"took":3,"errors":true,"items":[{"index":{"_id":"a","status":201}},{"index":{"_id":"b","status":400,"error":{"type":"mapper_parsing_exception","reason":"failed to parse"}}}]}"#;
        let error = check_bulk_response(url, failed).expect_err("item error");
        assert_eq!(
            error.to_string(),
            "1 of 2 bulk items failed, first: mapper_parsing_exception: failed to parse"
        );
        assert!(check_bulk_response(url, "<html>").is_err());
    }

    #[test]
    fn confidence_maps_to_the_ecs_scale() {
        let cases = [
            (None, "Not Specified"),
            (Some(0), "None"),
            (Some(29), "Low"),
            (Some(30), "Medium"),
            (Some(70), "High"),
        ];
        for (confidence, expected) in cases {
            assert_eq!(ecs_confidence(confidence), expected, "{confidence:?}");
        }
    }
}
