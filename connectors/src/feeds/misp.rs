//! MISP events to STIX 2.1: a `report` (published event) or `grouping` (unpublished) for the
//! event and an `indicator` per attribute flagged `to_ids`, ids derived from MISP uuids so a
//! re-import posts the same objects. Reads MISP JSON files (an event, a REST response, a feed
//! manifest and its event files); posts nothing.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::stix::{self, IndicatorSpec, IocKind, Tlp};
use super::{Converted, Skipped};

/// What a MISP event becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Container {
    /// A `report` for a published event, a `grouping` for an unpublished one.
    #[default]
    Auto,
    /// A `report` (published at the event's publish time, else its timestamp).
    Report,
    /// A `grouping` with context `suspicious-activity`.
    Grouping,
}

/// Why MISP input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MispError {
    #[error("reading {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not JSON")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error(
        "{path} holds neither a MISP event ({{\"Event\": ...}}), a list of events, nor a feed manifest"
    )]
    NotMisp { path: PathBuf },
}

/// The events (the objects under `"Event"`) of a MISP event file, a REST search response
/// (`{"response": [...]}` or a list), a feed's `manifest.json` (its event files are read from
/// beside it), or a directory holding a feed.
pub fn load(path: &Path) -> Result<Vec<Value>, MispError> {
    if path.is_dir() {
        let manifest = path.join("manifest.json");
        if manifest.is_file() {
            return load(&manifest);
        }
        let entries = std::fs::read_dir(path).map_err(|source| MispError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let mut events = Vec::new();
        for file in files {
            events.extend(load(&file)?);
        }
        return Ok(events);
    }
    let document = read_json(path)?;
    if let Some(events) = events_of(&document) {
        return Ok(events);
    }
    if is_manifest(&document) {
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        let mut events = Vec::new();
        if let Some(entries) = document.as_object() {
            for uuid in entries.keys() {
                let file = dir.join(format!("{uuid}.json"));
                let event_file = read_json(&file)?;
                events.extend(events_of(&event_file).ok_or(MispError::NotMisp { path: file })?);
            }
        }
        return Ok(events);
    }
    Err(MispError::NotMisp {
        path: path.to_owned(),
    })
}

fn read_json(path: &Path) -> Result<Value, MispError> {
    let text = std::fs::read_to_string(path).map_err(|source| MispError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| MispError::Json {
        path: path.to_owned(),
        source,
    })
}

fn events_of(document: &Value) -> Option<Vec<Value>> {
    if let Some(event) = document.get("Event") {
        return Some(vec![event.clone()]);
    }
    let list = document.get("response").unwrap_or(document).as_array()?;
    Some(
        list.iter()
            .filter_map(|item| item.get("Event").cloned())
            .collect(),
    )
}

fn is_manifest(document: &Value) -> bool {
    document.as_object().is_some_and(|entries| {
        !entries.is_empty()
            && entries
                .values()
                .all(|v| v.get("info").is_some() || v.get("timestamp").is_some())
    })
}

/// Converts events; attributes that are not `to_ids`, deleted, of a type with no STIX pattern
/// mapping, or with a malformed value are skipped with the reason.
pub fn convert(events: &[Value], container: Container) -> Converted {
    let mut out = Converted::default();
    for event in events {
        convert_event(event, container, &mut out);
    }
    out
}

fn convert_event(event: &Value, container: Container, out: &mut Converted) {
    let Some(event_uuid) = text(event, "uuid") else {
        let info = text(event, "info").unwrap_or_default();
        out.skip(format!("event '{info}'"), "the event has no uuid");
        return;
    };
    let event_tags = tags(event);
    let event_tlp = tlp_of(&event_tags);
    let event_time = epoch(event, "timestamp");
    let event_info = text(event, "info").unwrap_or_default();
    let mut refs = Vec::new();

    let attributes = list(event, "Attribute").iter().map(|a| (a, None));
    let object_attributes = list(event, "Object").iter().flat_map(|object| {
        let name = text(object, "name");
        let deleted = truthy(object.get("deleted"));
        list(object, "Attribute")
            .iter()
            .map(move |a| (a, Some((name.clone(), deleted))))
    });
    for (attribute, object) in attributes.chain(object_attributes) {
        let location = format!(
            "event {event_uuid} attribute {}",
            text(attribute, "uuid").unwrap_or_else(|| "(no uuid)".to_owned())
        );
        if object.as_ref().is_some_and(|(_, deleted)| *deleted) {
            out.skip(location, "the MISP object is deleted");
            continue;
        }
        match attribute_indicator(attribute, &event_info, event_tlp, &event_tags, event_time) {
            Ok(indicator) => {
                if let Some(id) = indicator.get("id").and_then(Value::as_str) {
                    refs.push(id.to_owned());
                }
                out.objects.push(indicator);
            }
            Err(reason) => out.skip(location, reason),
        }
    }

    if refs.is_empty() {
        out.skipped.push(Skipped {
            location: format!("event {event_uuid}"),
            reason: "no indicators, so no report or grouping".to_owned(),
        });
        return;
    }
    let Some(modified) = event_time else {
        out.skip(format!("event {event_uuid}"), "the event has no timestamp");
        return;
    };
    out.objects.push(event_container(
        event,
        &event_uuid,
        container,
        modified,
        event_tlp,
        &event_tags,
        refs,
    ));
}

fn event_container(
    event: &Value,
    event_uuid: &str,
    container: Container,
    modified: OffsetDateTime,
    tlp: Option<Tlp>,
    tags: &[String],
    refs: Vec<String>,
) -> Value {
    let published = truthy(event.get("published"));
    let as_report = match container {
        Container::Auto => published,
        Container::Report => true,
        Container::Grouping => false,
    };
    let stix_type = if as_report { "report" } else { "grouping" };
    let created = text(event, "date")
        .and_then(|d| stix::parse_time(&d))
        .filter(|d| *d <= modified)
        .unwrap_or(modified);
    let mut object = Map::new();
    object.insert("type".into(), json!(stix_type));
    object.insert("spec_version".into(), json!("2.1"));
    object.insert(
        "id".into(),
        json!(stix::deterministic_id(stix_type, event_uuid)),
    );
    object.insert("created".into(), json!(stix::timestamp(created)));
    object.insert("modified".into(), json!(stix::timestamp(modified)));
    let info = text(event, "info").filter(|i| !i.trim().is_empty());
    object.insert(
        "name".into(),
        json!(info.unwrap_or_else(|| format!("MISP event {event_uuid}"))),
    );
    if as_report {
        let published_at = epoch(event, "publish_timestamp").unwrap_or(modified);
        object.insert("published".into(), json!(stix::timestamp(published_at)));
        object.insert("report_types".into(), json!(["threat-report"]));
    } else {
        object.insert("context".into(), json!("suspicious-activity"));
    }
    object.insert("object_refs".into(), json!(refs));
    let labels = labels(tags, &[]);
    if !labels.is_empty() {
        object.insert("labels".into(), json!(labels));
    }
    object.insert(
        "external_references".into(),
        json!([{ "source_name": "misp", "external_id": event_uuid }]),
    );
    if let Some(tlp) = tlp {
        object.insert("object_marking_refs".into(), json!([tlp.marking_id()]));
    }
    Value::Object(object)
}

fn attribute_indicator(
    attribute: &Value,
    event_info: &str,
    event_tlp: Option<Tlp>,
    event_tags: &[String],
    event_time: Option<OffsetDateTime>,
) -> Result<Value, String> {
    let kind = text(attribute, "type").unwrap_or_default();
    if truthy(attribute.get("deleted")) {
        return Err("the attribute is deleted".to_owned());
    }
    if !truthy(attribute.get("to_ids")) {
        return Err("to_ids is false".to_owned());
    }
    let uuid = text(attribute, "uuid").ok_or("the attribute has no uuid")?;
    let value = text(attribute, "value").unwrap_or_default();
    let comparisons = comparisons(&kind, &value)?;
    let at = epoch(attribute, "timestamp")
        .or(event_time)
        .ok_or("neither the attribute nor its event has a timestamp")?;
    let valid_from = text(attribute, "first_seen")
        .and_then(|t| stix::parse_time(&t))
        .unwrap_or(at);
    let valid_until = text(attribute, "last_seen")
        .and_then(|t| stix::parse_time(&t))
        .filter(|until| *until > valid_from);
    let attribute_tags = tags(attribute);
    Ok(stix::indicator(IndicatorSpec {
        id: stix::deterministic_id("indicator", &uuid),
        created: stix::timestamp(at),
        modified: stix::timestamp(at),
        name: value.trim().to_owned(),
        description: text(attribute, "comment")
            .filter(|c| !c.trim().is_empty())
            .or_else(|| Some(attribute_description(attribute, &kind, event_info))),
        pattern: stix::pattern(&comparisons),
        valid_from: stix::timestamp(valid_from),
        valid_until: valid_until.map(stix::timestamp),
        confidence: None,
        labels: labels(event_tags, &attribute_tags),
        tlp: tlp_of(&attribute_tags).or(event_tlp),
        external_references: vec![json!({ "source_name": "misp", "external_id": uuid })],
    }))
}

/// A description for an attribute without a comment: its category, type and event.
fn attribute_description(attribute: &Value, kind: &str, event_info: &str) -> String {
    let category = text(attribute, "category").unwrap_or_else(|| "Attribute".to_owned());
    if event_info.trim().is_empty() {
        format!("{category}: MISP '{kind}' attribute")
    } else {
        format!(
            "{category}: MISP '{kind}' attribute of event '{}'",
            event_info.trim()
        )
    }
}

/// The pattern comparisons of a MISP attribute type and value.
pub fn comparisons(kind: &str, value: &str) -> Result<Vec<String>, String> {
    let one = |kind: IocKind, value: &str| -> Result<String, String> {
        Ok(kind.comparison(&kind.normalise(value)?))
    };
    let ip = |value: &str| -> Result<String, String> {
        let kind = if value.contains(':') {
            IocKind::Ipv6
        } else {
            IocKind::Ipv4
        };
        one(kind, value)
    };
    let pair = || {
        value
            .split_once('|')
            .map(|(a, b)| (a.trim(), b.trim()))
            .ok_or_else(|| format!("'{value}' is not a '{kind}' pair (expected 'a|b')"))
    };
    Ok(match kind {
        "ip-src" | "ip-dst" => vec![ip(value)?],
        "ip-src|port" | "ip-dst|port" => {
            let (address, port) = pair()?;
            let port: u16 = port
                .parse()
                .map_err(|_| format!("'{port}' is not a port"))?;
            let side = if kind.starts_with("ip-src") {
                "src"
            } else {
                "dst"
            };
            let address_kind = if address.contains(':') {
                IocKind::Ipv6
            } else {
                IocKind::Ipv4
            };
            let address = address_kind.normalise(address)?;
            let address_type = if address_kind == IocKind::Ipv6 {
                "ipv6-addr"
            } else {
                "ipv4-addr"
            };
            vec![
                format!("network-traffic:{side}_ref.type = '{address_type}'"),
                format!(
                    "network-traffic:{side}_ref.value = {}",
                    stix::quote(&address)
                ),
                format!("network-traffic:{side}_port = {port}"),
            ]
        }
        "domain" | "hostname" => vec![one(IocKind::Domain, value)?],
        "domain|ip" | "hostname|ip" => {
            let (domain, address) = pair()?;
            let address_kind = if address.contains(':') {
                IocKind::Ipv6
            } else {
                IocKind::Ipv4
            };
            vec![
                one(IocKind::Domain, domain)?,
                format!(
                    "domain-name:resolves_to_refs[*].value = {}",
                    stix::quote(&address_kind.normalise(address)?)
                ),
            ]
        }
        "url" => vec![one(IocKind::Url, value)?],
        "email" | "email-src" | "email-dst" => vec![one(IocKind::Email, value)?],
        "email-subject" => vec![format!("email-message:subject = {}", stix::quote(value))],
        "md5" => vec![one(IocKind::Md5, value)?],
        "sha1" => vec![one(IocKind::Sha1, value)?],
        "sha256" => vec![one(IocKind::Sha256, value)?],
        "sha512" => vec![one(IocKind::Sha512, value)?],
        "filename" => vec![one(IocKind::FileName, value)?],
        "filename|md5" | "filename|sha1" | "filename|sha256" | "filename|sha512" => {
            let (name, hash) = pair()?;
            let hash_kind = match kind {
                "filename|md5" => IocKind::Md5,
                "filename|sha1" => IocKind::Sha1,
                "filename|sha256" => IocKind::Sha256,
                _ => IocKind::Sha512,
            };
            vec![one(IocKind::FileName, name)?, one(hash_kind, hash)?]
        }
        "mutex" => vec![format!("mutex:name = {}", stix::quote(value.trim()))],
        "regkey" => vec![format!(
            "windows-registry-key:key = {}",
            stix::quote(value.trim())
        )],
        "AS" => {
            let number: u32 = value
                .trim()
                .trim_start_matches("AS")
                .parse()
                .map_err(|_| format!("'{value}' is not an AS number"))?;
            vec![format!("autonomous-system:number = {number}")]
        }
        other => {
            return Err(format!(
                "MISP attribute type '{other}' has no STIX pattern mapping"
            ));
        }
    })
}

fn text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// MISP writes booleans as `true`, `1` or `"1"`.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_u64().is_some_and(|n| n != 0),
        Some(Value::String(s)) => matches!(s.trim(), "1" | "true" | "True"),
        _ => false,
    }
}

/// An epoch-seconds field (string or number); `0` means unset.
fn epoch(value: &Value, key: &str) -> Option<OffsetDateTime> {
    let seconds: i64 = text(value, key)?.trim().parse().ok()?;
    if seconds <= 0 {
        return None;
    }
    OffsetDateTime::from_unix_timestamp(seconds).ok()
}

fn tags(value: &Value) -> Vec<String> {
    list(value, "Tag")
        .iter()
        .filter_map(|t| text(t, "name"))
        .collect()
}

/// The most restrictive TLP among the tags.
fn tlp_of(tags: &[String]) -> Option<Tlp> {
    tags.iter().filter_map(|t| Tlp::parse(t)).max()
}

fn labels(event_tags: &[String], attribute_tags: &[String]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for tag in event_tags.iter().chain(attribute_tags) {
        let tag = tag.trim();
        if !tag.is_empty() && Tlp::parse(tag).is_none() && !labels.iter().any(|l| l == tag) {
            labels.push(tag.to_owned());
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_types_map_to_pattern_comparisons() {
        let cases: [(&str, &str, Result<&str, &str>); 12] = [
            (
                "ip-dst",
                "198.51.100.7",
                Ok("ipv4-addr:value = '198.51.100.7'"),
            ),
            (
                "ip-src",
                "2001:db8::1",
                Ok("ipv6-addr:value = '2001:db8::1'"),
            ),
            (
                "ip-dst|port",
                "198.51.100.7|443",
                Ok(
                    "network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 443",
                ),
            ),
            (
                "hostname",
                "Evil.Example",
                Ok("domain-name:value = 'evil.example'"),
            ),
            (
                "domain|ip",
                "evil.example|192.0.2.1",
                Ok(
                    "domain-name:value = 'evil.example' AND domain-name:resolves_to_refs[*].value = '192.0.2.1'",
                ),
            ),
            (
                "url",
                "https://evil.example/a?b=c",
                Ok("url:value = 'https://evil.example/a?b=c'"),
            ),
            (
                "email-src",
                "bad@evil.example",
                Ok("email-addr:value = 'bad@evil.example'"),
            ),
            (
                "filename|md5",
                "inv'oice.exe|D41D8CD98F00B204E9800998ECF8427E",
                Ok(
                    r"file:name = 'inv\'oice.exe' AND file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e'",
                ),
            ),
            ("AS", "AS64496", Ok("autonomous-system:number = 64496")),
            (
                "md5",
                "not-a-hash",
                Err("'not-a-hash' is not a valid MD5 hash"),
            ),
            (
                "ip-dst",
                "999.1.1.1",
                Err("'999.1.1.1' is not a valid IPv4 address"),
            ),
            (
                "yara",
                "rule x {}",
                Err("MISP attribute type 'yara' has no STIX pattern mapping"),
            ),
        ];
        for (kind, value, expected) in cases {
            let got = comparisons(kind, value).map(|c| c.join(" AND "));
            assert_eq!(
                got.as_deref().map_err(String::as_str),
                expected,
                "case: {kind} {value}"
            );
        }
    }

    #[test]
    fn the_most_restrictive_tlp_tag_wins_and_other_tags_become_labels() {
        let tags = vec![
            "tlp:green".to_owned(),
            "tlp:amber".to_owned(),
            "misp-galaxy:threat-actor=\"X\"".to_owned(),
        ];
        assert_eq!(tlp_of(&tags), Some(Tlp::Amber));
        assert_eq!(labels(&tags, &[]), vec!["misp-galaxy:threat-actor=\"X\""]);
    }
}
