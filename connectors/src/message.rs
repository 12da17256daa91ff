//! One fan-out message as `schemas/amqp-message.schema.json` describes it, reduced to the
//! fields the sinks use. No AMQP client types here: the consumer hands over the message id,
//! the `type` property, the string headers and the body.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Header naming the event: `added` or `deleted`.
pub const HEADER_EVENT: &str = "kyoyu-event";
/// Header carrying the collection's alias.
pub const HEADER_COLLECTION: &str = "kyoyu-collection";
/// Header carrying the STIX id.
pub const HEADER_STIX_ID: &str = "kyoyu-stix-id";
/// Header carrying the version (the object's `modified` as written).
pub const HEADER_VERSION: &str = "kyoyu-version";
/// Header carrying TAXII `date_added` (RFC 3339, UTC).
pub const HEADER_DATE_ADDED: &str = "kyoyu-date-added";
/// Header carrying the TLP level: `clear`, `green`, `amber`, `amber-strict` or `red`.
pub const HEADER_TLP: &str = "kyoyu-tlp";

/// What happened to the object version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Added,
    Deleted,
}

impl EventKind {
    /// `added` or `deleted`, as in the `kyoyu-event` header.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Deleted => "deleted",
        }
    }
}

/// A fan-out message the consumer accepted for its sink.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    /// `<STIX id>/<version>`: the deduplication and idempotency key.
    pub message_id: String,
    /// The collection's alias.
    pub collection: String,
    pub tlp: String,
    /// TAXII `date_added`, as the header carries it.
    pub date_added: String,
    pub stix_id: String,
    /// The STIX object as published (`added`), or `{"type","id"}` of the deleted object.
    pub object: Value,
    /// `object` as text on one line, kept byte for byte from the body when the body is compact.
    raw: Box<RawValue>,
}

/// Why a message cannot be handed to a sink; such a message is rejected without requeue.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MessageError {
    #[error("the body of an 'added' message is not a JSON object: {0}")]
    InvalidBody(String),
    #[error("unknown event '{0}' (expected 'added' or 'deleted')")]
    UnknownEvent(String),
    #[error("the message has no message_id and no kyoyu-stix-id and kyoyu-version to stand in")]
    NoMessageId,
}

/// The JSON-lines record, also the Splunk HEC `event`: these keys in this order.
#[derive(Serialize)]
pub struct Record<'a> {
    pub event: EventKind,
    pub message_id: &'a str,
    pub collection: &'a str,
    pub tlp: &'a str,
    pub date_added: &'a str,
    pub object: &'a RawValue,
}

impl Event {
    /// Reads a message: `message_id` and `message_type` are the AMQP properties, `headers` the
    /// string-valued headers (others ignored), `body` the payload. Missing optional headers
    /// become empty strings; the object's own `id` stands in for `kyoyu-stix-id`.
    pub fn parse(
        message_id: Option<&str>,
        message_type: Option<&str>,
        headers: &BTreeMap<String, String>,
        body: &[u8],
    ) -> Result<Self, MessageError> {
        let header = |name: &str| headers.get(name).map(|v| v.trim().to_owned());
        let kind = match header(HEADER_EVENT).as_deref() {
            Some("added") => EventKind::Added,
            Some("deleted") => EventKind::Deleted,
            Some(other) => return Err(MessageError::UnknownEvent(other.to_owned())),
            None => match message_type {
                Some("stix-deleted") => EventKind::Deleted,
                Some("stix-object") => EventKind::Added,
                _ if body.iter().all(u8::is_ascii_whitespace) => EventKind::Deleted,
                _ => EventKind::Added,
            },
        };
        let (object, raw) = match kind {
            EventKind::Added => parse_body(body)?,
            EventKind::Deleted => (Value::Null, empty_raw()),
        };
        let mut stix_id = header(HEADER_STIX_ID)
            .or_else(|| object.get("id").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_default();
        let message_id = match message_id.map(str::trim).filter(|m| !m.is_empty()) {
            Some(m) => m.to_owned(),
            None => match (stix_id.is_empty(), header(HEADER_VERSION)) {
                (false, Some(version)) => format!("{stix_id}/{version}"),
                _ => return Err(MessageError::NoMessageId),
            },
        };
        if stix_id.is_empty() {
            stix_id = message_id
                .split_once('/')
                .map_or(message_id.as_str(), |(id, _)| id)
                .to_owned();
        }
        let (object, raw) = match kind {
            EventKind::Added => (object, raw),
            EventKind::Deleted => {
                let reference = serde_json::json!({ "type": stix_type(&stix_id), "id": stix_id });
                let raw = serde_json::value::to_raw_value(&reference)
                    .map_err(|e| MessageError::InvalidBody(e.to_string()))?;
                (reference, raw)
            }
        };
        Ok(Self {
            kind,
            message_id,
            collection: header(HEADER_COLLECTION).unwrap_or_default(),
            tlp: header(HEADER_TLP).unwrap_or_default(),
            date_added: header(HEADER_DATE_ADDED).unwrap_or_default(),
            stix_id,
            object,
            raw,
        })
    }

    /// The record the JSON-lines and HEC sinks write.
    pub fn record(&self) -> Record<'_> {
        Record {
            event: self.kind,
            message_id: &self.message_id,
            collection: &self.collection,
            tlp: &self.tlp,
            date_added: &self.date_added,
            object: &self.raw,
        }
    }

    /// The STIX type: the object's `type`, else the prefix of its id.
    pub fn stix_type(&self) -> &str {
        self.object
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_else(|| stix_type(&self.stix_id))
    }

    /// A string property of the object.
    pub fn property(&self, name: &str) -> Option<&str> {
        self.object.get(name).and_then(Value::as_str)
    }

    /// STIX `confidence` (0-100), when the object has one.
    pub fn confidence(&self) -> Option<u8> {
        self.object
            .get("confidence")
            .and_then(Value::as_u64)
            .and_then(|c| u8::try_from(c.min(100)).ok())
    }

    /// `date_added` in milliseconds since the epoch, when it parses as RFC 3339.
    pub fn date_added_millis(&self) -> Option<i64> {
        epoch_millis(&self.date_added)
    }
}

/// Milliseconds since the epoch of an RFC 3339 timestamp.
pub fn epoch_millis(timestamp: &str) -> Option<i64> {
    let parsed = OffsetDateTime::parse(timestamp.trim(), &Rfc3339).ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The type part of a STIX id (`indicator--...` -> `indicator`).
pub fn stix_type(id: &str) -> &str {
    id.split_once("--").map_or(id, |(t, _)| t)
}

fn parse_body(body: &[u8]) -> Result<(Value, Box<RawValue>), MessageError> {
    let text = std::str::from_utf8(body).map_err(|e| MessageError::InvalidBody(e.to_string()))?;
    let object: Value =
        serde_json::from_str(text).map_err(|e| MessageError::InvalidBody(e.to_string()))?;
    if !object.is_object() {
        return Err(MessageError::InvalidBody("not an object".to_owned()));
    }
    // A body that spans lines would break the one-record-per-line sinks: write it compact.
    let raw = if text.contains(['\n', '\r']) {
        serde_json::value::to_raw_value(&object)
    } else {
        RawValue::from_string(text.trim().to_owned())
    }
    .map_err(|e| MessageError::InvalidBody(e.to_string()))?;
    Ok((object, raw))
}

fn empty_raw() -> Box<RawValue> {
    RawValue::NULL.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(event: &str) -> BTreeMap<String, String> {
        [
            (HEADER_EVENT, event),
            (HEADER_COLLECTION, "energy-iocs"),
            (
                HEADER_STIX_ID,
                "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            ),
            (HEADER_VERSION, "2024-05-01T10:00:00.000Z"),
            (HEADER_DATE_ADDED, "2024-05-01T10:00:01.123456Z"),
            (HEADER_TLP, "amber"),
            ("x-unknown", "ignored"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    const MID: &str = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f/2024-05-01T10:00:00.000Z";

    #[test]
    fn an_added_message_keeps_the_body_byte_for_byte_in_the_record() {
        let body = br#"{"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","pattern":"[ipv4-addr:value = '1.2.3.4']","z":1,"a":2}"#;
        let event = Event::parse(Some(MID), Some("stix-object"), &headers("added"), body)
            .expect("valid message");
        assert_eq!(event.kind, EventKind::Added);
        let line = serde_json::to_string(&event.record()).expect("serializes");
        let expected = format!(
            r#"{{"event":"added","message_id":"{MID}","collection":"energy-iocs","tlp":"amber","date_added":"2024-05-01T10:00:01.123456Z","object":{}}}"#,
            std::str::from_utf8(body).expect("utf-8")
        );
        assert_eq!(line, expected);
        assert_eq!(event.stix_type(), "indicator");
        assert_eq!(event.date_added_millis(), Some(1_714_557_601_123));
    }

    #[test]
    fn a_tombstone_becomes_a_deletion_with_a_reference_object() {
        let event = Event::parse(Some(MID), Some("stix-deleted"), &headers("deleted"), b"")
            .expect("valid tombstone");
        assert_eq!(event.kind, EventKind::Deleted);
        let line = serde_json::to_string(&event.record()).expect("serializes");
        assert!(
            line.ends_with(r#""object":{"id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","type":"indicator"}}"#),
            "{line}"
        );
        assert!(line.starts_with(r#"{"event":"deleted","#), "{line}");
    }

    #[test]
    fn a_multi_line_body_is_written_compact() {
        let body = b"{\n  \"type\": \"indicator\",\n  \"id\": \"indicator--1\"\n}";
        let event = Event::parse(Some(MID), None, &headers("added"), body).expect("valid");
        let line = serde_json::to_string(&event.record()).expect("serializes");
        assert!(!line.contains('\n'));
        assert!(line.ends_with(r#""object":{"id":"indicator--1","type":"indicator"}}"#));
    }

    #[test]
    fn malformed_messages_are_named() {
        // (case, message id, kyoyu-event, body, expected error)
        type Case = (
            &'static str,
            Option<&'static str>,
            &'static str,
            &'static [u8],
            MessageError,
        );
        let cases: [Case; 3] = [
            (
                "added with a body that is not JSON",
                Some(MID),
                "added",
                b"nope",
                MessageError::InvalidBody(String::new()),
            ),
            (
                "unknown event",
                Some(MID),
                "updated",
                b"{}",
                MessageError::UnknownEvent("updated".to_owned()),
            ),
            (
                "no message id and no version",
                None,
                "added",
                b"{}",
                MessageError::NoMessageId,
            ),
        ];
        for (name, mid, event, body, expected) in cases {
            let mut headers = headers(event);
            if mid.is_none() {
                headers.remove(HEADER_VERSION);
            }
            let error = Event::parse(mid, None, &headers, body).expect_err(name);
            assert_eq!(
                std::mem::discriminant(&error),
                std::mem::discriminant(&expected),
                "{name}: {error}"
            );
        }
    }

    #[test]
    fn the_message_id_falls_back_to_stix_id_and_version() {
        let event =
            Event::parse(None, None, &headers("added"), br#"{"type":"indicator"}"#).expect("valid");
        assert_eq!(event.message_id, MID);
    }
}
