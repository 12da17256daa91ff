//! The one entry point that decides whether a STIX 2.1 object is accepted.
//!
//! Checks the common properties, each type's required properties, identifiers,
//! timestamps and the "no null, no empty list" rule. The object's text is never
//! rewritten: what is accepted is stored byte for byte.

use serde_json::{Map, Value, value::RawValue};

use super::id::{StixId, check_type_name};
use super::pattern::{Pattern, Vocabulary};
use super::timestamp::{self, Instant};
use super::tlp::Tlp;

/// Custom property naming the organisations (by slug) a TLP:RED object is shared with.
pub const RECIPIENTS_PROPERTY: &str = "x_kyoyu_recipients";
/// Custom property asking the hub to attribute the object to the producer's CEPTOAR
/// (`"ceptoar"`) or to the hub (`"hub"`) for its peers.
pub const ANONYMOUS_PROPERTY: &str = "x_kyoyu_anonymous";

/// Whom peers see as the producer of an anonymously submitted object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribution {
    Ceptoar,
    Hub,
}

/// An object that passed validation, with the fields storage indexes.
#[derive(Debug)]
pub struct ValidObject<'a> {
    pub raw: &'a RawValue,
    pub id: StixId,
    pub type_name: String,
    pub spec_version: String,
    /// The version as written: `modified`, else `created`; `None` for unversioned objects
    /// (most SCOs), whose version the store assigns consistently from `date_added`.
    pub version: Option<Version>,
    /// Problems that do not reject the object (e.g. deprecated forms).
    pub warnings: Vec<String>,
    /// The most restrictive TLP among its markings; `None` when unmarked.
    pub tlp: Option<Tlp>,
    /// Organisation slugs named in `x_kyoyu_recipients`.
    pub recipients: Vec<String>,
    /// Set when the producer asked for anonymous submission (`x_kyoyu_anonymous`).
    pub anonymous: Option<Attribution>,
    /// Whether the type may carry `created_by_ref` (SCOs may not).
    pub attributable: bool,
    /// Whether the object has `modified`, i.e. its creator may publish new versions.
    pub versioned: bool,
    /// The text to store when the hub had to rewrite the object (anonymous submission);
    /// otherwise the producer's text is stored as received.
    pub rewritten: Option<String>,
}

impl ValidObject<'_> {
    /// The JSON text to store and serve.
    pub fn body(&self) -> &str {
        self.rewritten.as_deref().unwrap_or(self.raw.get())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Exactly the text the producer sent.
    pub text: String,
    /// Sortable key for matching and ordering (see `Instant::version_key`).
    pub key: String,
}

/// Why an object was refused; becomes a status resource "failure".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The object's `id` when it had a string one, else its place in the envelope.
    pub id: String,
    pub version: Option<String>,
    pub message: String,
}

/// Where a type stands in STIX 2.1, which decides its common properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    DomainObject,
    RelationshipObject,
    CyberObservable,
    MarkingDefinition,
    /// language-content and extension-definition: versioned like SDOs.
    MetaObject,
    Custom,
}

const DOMAIN_OBJECTS: &[&str] = &[
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
];
const CYBER_OBSERVABLES: &[&str] = &[
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

fn category(type_name: &str) -> Category {
    match type_name {
        "relationship" | "sighting" => Category::RelationshipObject,
        "marking-definition" => Category::MarkingDefinition,
        "language-content" | "extension-definition" => Category::MetaObject,
        t if DOMAIN_OBJECTS.contains(&t) => Category::DomainObject,
        t if CYBER_OBSERVABLES.contains(&t) => Category::CyberObservable,
        _ => Category::Custom,
    }
}

/// Each type's required properties (STIX 2.1 section 4–7 property tables); `a|b` means at
/// least one of them.
fn required_properties(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "attack-pattern" | "campaign" | "course-of-action" | "identity" | "incident"
        | "infrastructure" | "intrusion-set" | "threat-actor" | "tool" | "vulnerability" => {
            &["name"]
        }
        "grouping" => &["context", "object_refs"],
        "indicator" => &["pattern", "pattern_type", "valid_from"],
        "location" => &["region|country|latitude"],
        "malware" => &["is_family"],
        "malware-analysis" => &["product", "result|analysis_sco_refs"],
        "note" => &["content", "object_refs"],
        "observed-data" => &[
            "first_observed",
            "last_observed",
            "number_observed",
            "object_refs|objects",
        ],
        "opinion" => &["opinion", "object_refs"],
        "report" => &["name", "published", "object_refs"],
        "relationship" => &["relationship_type", "source_ref", "target_ref"],
        "sighting" => &["sighting_of_ref"],
        "artifact" => &["payload_bin|url"],
        "autonomous-system" => &["number"],
        "directory" => &["path"],
        "domain-name" | "email-addr" | "ipv4-addr" | "ipv6-addr" | "mac-addr" | "url" => &["value"],
        "email-message" => &["is_multipart"],
        "file" => &["hashes|name"],
        "mutex" | "software" => &["name"],
        "network-traffic" => &["protocols", "src_ref|dst_ref"],
        "language-content" => &["object_ref", "contents"],
        "extension-definition" => &[
            "created_by_ref",
            "name",
            "schema",
            "version",
            "extension_types",
        ],
        "marking-definition" => &["definition_type|extensions"],
        _ => &[],
    }
}

/// Properties holding a STIX timestamp wherever they appear at the top level.
const TIMESTAMP_PROPERTIES: &[&str] = &[
    "valid_from",
    "valid_until",
    "first_seen",
    "last_seen",
    "first_observed",
    "last_observed",
    "published",
    "start_time",
    "stop_time",
    "object_modified",
];

/// Validates one element of an envelope's `objects`. `index` names it when it has no id.
pub fn validate_object(raw: &RawValue, index: usize) -> Result<ValidObject<'_>, Rejection> {
    let value: Value = serde_json::from_str(raw.get()).map_err(|error| Rejection {
        id: format!("objects[{index}]"),
        version: None,
        message: format!("is not valid JSON: {error}"),
    })?;
    let Value::Object(object) = value else {
        return Err(Rejection {
            id: format!("objects[{index}]"),
            version: None,
            message: "is not a JSON object".into(),
        });
    };
    let reported_id = object
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(|| format!("objects[{index}]"), str::to_owned);
    let reported_version = ["modified", "created"]
        .iter()
        .find_map(|key| object.get(*key).and_then(Value::as_str))
        .map(str::to_owned);
    let reject = |message: String| Rejection {
        id: reported_id.clone(),
        version: reported_version.clone(),
        message,
    };
    check(raw, &object).map_err(reject)
}

fn check<'a>(raw: &'a RawValue, object: &Map<String, Value>) -> Result<ValidObject<'a>, String> {
    let type_name = required_str(object, "type")?;
    check_type_name(type_name).map_err(|e| format!("property 'type' {e}"))?;
    let id_text = required_str(object, "id")?;
    let id = StixId::parse(id_text).map_err(|e| format!("property 'id' {e}"))?;
    if id.type_name() != type_name {
        return Err(format!(
            "property 'id' must start with its type '{type_name}--', found '{}--'",
            id.type_name()
        ));
    }
    check_no_null_or_empty(object, "")?;

    let category = category(type_name);
    let spec_version = match object.get("spec_version") {
        Some(Value::String(v)) if v == "2.1" => v.clone(),
        Some(Value::String(v)) => {
            return Err(format!(
                "property 'spec_version' must be \"2.1\", found \"{v}\""
            ));
        }
        Some(_) => return Err("property 'spec_version' must be a string".into()),
        // STIX 2.1: optional on SCOs only, where it defaults to 2.1.
        None if category == Category::CyberObservable => "2.1".into(),
        None => {
            return Err(
                "property 'spec_version' is required (STIX 2.1 objects carry \"2.1\")".into(),
            );
        }
    };

    let versioned = matches!(
        category,
        Category::DomainObject | Category::RelationshipObject | Category::MetaObject
    );
    let created = timestamp_property(
        object,
        "created",
        versioned || category == Category::MarkingDefinition,
        true,
    )?;
    let modified = timestamp_property(object, "modified", versioned, true)?;
    if let (Some((_, created_at)), Some((_, modified_at))) = (&created, &modified)
        && modified_at < created_at
    {
        return Err("property 'modified' must be later than or equal to 'created'".into());
    }
    for name in TIMESTAMP_PROPERTIES {
        timestamp_property(object, name, false, false)?;
    }
    check_ordered(
        object,
        "valid_from",
        "valid_until",
        "indicator's 'valid_until' must be later than 'valid_from'",
    )?;
    check_ordered(
        object,
        "start_time",
        "stop_time",
        "'stop_time' must be later than 'start_time'",
    )?;

    for alternatives in required_properties(type_name) {
        if !alternatives
            .split('|')
            .any(|name| object.contains_key(name))
        {
            let names = alternatives.replace('|', "' or '");
            return Err(format!("{type_name}: property '{names}' is required"));
        }
    }
    if type_name == "indicator"
        && object.get("pattern_type").and_then(Value::as_str) == Some("stix")
    {
        let Some(Value::String(pattern)) = object.get("pattern") else {
            return Err("property 'pattern' must be a string".into());
        };
        // Strict vocabulary: STIX 2.1 SCO types must use their defined properties; custom
        // types and properties carry the `x-` / `x_` prefix.
        Pattern::parse_with(pattern, Vocabulary::Strict)
            .map_err(|e| format!("property 'pattern' is not a valid STIX pattern: {e}"))?;
    }
    check_common_types(object)?;

    let has_modified = modified.is_some();
    let version = modified.or(created).map(|(text, instant)| Version {
        text: text.to_owned(),
        key: instant.version_key(),
    });
    let SharingProperties {
        tlp,
        recipients,
        anonymous,
    } = sharing_properties(object)?;
    let mut warnings = Vec::new();
    if type_name == "observed-data" && object.contains_key("objects") {
        warnings.push(
            "observed-data: property 'objects' is deprecated in STIX 2.1; use 'object_refs'".into(),
        );
    }
    Ok(ValidObject {
        raw,
        id,
        type_name: type_name.to_owned(),
        spec_version,
        version,
        warnings,
        tlp,
        recipients,
        anonymous,
        attributable: category != Category::CyberObservable,
        versioned: has_modified,
        rewritten: None,
    })
}

/// Reads what decides who sees the object: TLP markings (object-level and granular),
/// named recipients and the anonymity request.
fn sharing_properties(object: &Map<String, Value>) -> Result<SharingProperties, String> {
    let object_level = object
        .get("object_marking_refs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let granular = object
        .get("granular_markings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|marking| marking.get("marking_ref"));
    let tlp = Tlp::most_restrictive(object_level.chain(granular).filter_map(Value::as_str));
    let recipients = match object.get(RECIPIENTS_PROPERTY) {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                format!("property '{RECIPIENTS_PROPERTY}' must be a list of organisation slugs")
            })?,
        Some(_) => {
            return Err(format!(
                "property '{RECIPIENTS_PROPERTY}' must be a list of organisation slugs"
            ));
        }
    };
    let anonymous = match object.get(ANONYMOUS_PROPERTY) {
        None => None,
        Some(Value::String(v)) if v == "ceptoar" => Some(Attribution::Ceptoar),
        Some(Value::String(v)) if v == "hub" => Some(Attribution::Hub),
        Some(_) => {
            return Err(format!(
                "property '{ANONYMOUS_PROPERTY}' must be \"ceptoar\" or \"hub\""
            ));
        }
    };
    Ok(SharingProperties {
        tlp,
        recipients,
        anonymous,
    })
}

struct SharingProperties {
    tlp: Option<Tlp>,
    recipients: Vec<String>,
    anonymous: Option<Attribution>,
}

fn required_str<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match object.get(name) {
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(format!("property '{name}' must be a string")),
        None => Err(format!("property '{name}' is required")),
    }
}

/// Reads a timestamp property; `created`/`modified` need millisecond precision (STIX 2.1
/// section 3.2), other timestamps any precision.
fn timestamp_property<'a>(
    object: &'a Map<String, Value>,
    name: &str,
    required: bool,
    millisecond_precision: bool,
) -> Result<Option<(&'a str, Instant)>, String> {
    let Some(value) = object.get(name) else {
        return if required {
            Err(format!("property '{name}' is required"))
        } else {
            Ok(None)
        };
    };
    let Value::String(text) = value else {
        return Err(format!("property '{name}' must be a timestamp string"));
    };
    let parsed = timestamp::parse_stix(text).map_err(|e| format!("property '{name}' {e}"))?;
    if millisecond_precision && parsed.fraction_digits < 3 {
        return Err(format!(
            "property '{name}' must have at least millisecond precision (e.g. .000Z)"
        ));
    }
    Ok(Some((text, parsed.instant)))
}

fn check_ordered(
    object: &Map<String, Value>,
    start: &str,
    stop: &str,
    message: &str,
) -> Result<(), String> {
    let read = |name| {
        object
            .get(name)
            .and_then(Value::as_str)
            .and_then(|t| timestamp::parse_stix(t).ok())
    };
    match (read(start), read(stop)) {
        (Some(from), Some(until)) if until.instant <= from.instant => {
            Err(format!("property {message}"))
        }
        _ => Ok(()),
    }
}

/// STIX 2.1 section 3.1: "null" values and empty lists are not allowed anywhere.
fn check_no_null_or_empty(object: &Map<String, Value>, path: &str) -> Result<(), String> {
    for (key, value) in object {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        check_value(value, &here)?;
    }
    Ok(())
}

fn check_value(value: &Value, path: &str) -> Result<(), String> {
    match value {
        Value::Null => Err(format!(
            "property '{path}' is null; STIX does not allow null values"
        )),
        Value::Array(items) if items.is_empty() => Err(format!(
            "property '{path}' is an empty list; STIX does not allow empty lists"
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_value(item, &format!("{path}[{i}]"))),
        Value::Object(inner) => check_no_null_or_empty(inner, path),
        _ => Ok(()),
    }
}

/// Types of the common properties every object may carry.
fn check_common_types(object: &Map<String, Value>) -> Result<(), String> {
    if let Some(value) = object.get("revoked")
        && !value.is_boolean()
    {
        return Err("property 'revoked' must be a boolean".into());
    }
    if let Some(value) = object.get("confidence") {
        match value.as_u64() {
            Some(c) if c <= 100 => {}
            _ => return Err("property 'confidence' must be an integer from 0 to 100".into()),
        }
    }
    if let Some(value) = object.get("created_by_ref") {
        reference(value, "created_by_ref", &["identity"])?;
    }
    if let Some(value) = object.get("object_marking_refs") {
        let Value::Array(items) = value else {
            return Err("property 'object_marking_refs' must be a list of identifiers".into());
        };
        for item in items {
            reference(item, "object_marking_refs", &["marking-definition"])?;
        }
    }
    if let Some(value) = object.get("labels")
        && !value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string))
    {
        return Err("property 'labels' must be a list of strings".into());
    }
    if let Some(value) = object.get("external_references") {
        let ok = value.as_array().is_some_and(|items| {
            items
                .iter()
                .all(|item| item.get("source_name").is_some_and(Value::is_string))
        });
        if !ok {
            return Err("property 'external_references' must be a list of objects each with a 'source_name' string".into());
        }
    }
    Ok(())
}

fn reference(value: &Value, name: &str, types: &[&str]) -> Result<(), String> {
    let text = value
        .as_str()
        .ok_or_else(|| format!("property '{name}' must be an identifier string"))?;
    let id = StixId::parse(text).map_err(|e| format!("property '{name}' {e}"))?;
    if !types.contains(&id.type_name()) {
        return Err(format!(
            "property '{name}' must refer to {}, not '{}'",
            types.join(" or "),
            id.type_name()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(json: &str) -> Result<(), String> {
        let raw: Box<RawValue> = serde_json::from_str(json).expect("json");
        validate_object(&raw, 0).map(|_| ()).map_err(|r| r.message)
    }

    const INDICATOR: &str = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}"#;

    #[test]
    fn a_complete_indicator_is_accepted() {
        assert_eq!(verdict(INDICATOR), Ok(()));
    }

    #[test]
    fn broken_objects_are_refused_naming_the_property_and_rule() {
        let cases = [
            (
                r#""spec_version":"2.1""#,
                r#""spec_version":"2.0""#,
                "'spec_version' must be \"2.1\"",
            ),
            (
                r#""pattern_type":"stix","#,
                "",
                "'pattern_type' is required",
            ),
            (
                r#""modified":"2016-04-06T20:03:48.000Z""#,
                r#""modified":"2016-04-05T20:03:48.000Z""#,
                "'modified' must be later",
            ),
            (
                r#""created":"2016-04-06T20:03:48.000Z""#,
                r#""created":"2016-04-06T20:03:48Z""#,
                "millisecond precision",
            ),
            (
                r#""created":"2016-04-06T20:03:48.000Z""#,
                r#""created":"2016-04-06T20:03:48.000+00:00""#,
                "UTC",
            ),
            (
                "indicator--8e2e",
                "malware--8e2e",
                "must start with its type",
            ),
            (
                r#""valid_from":"2016-01-01T00:00:00Z""#,
                r#""valid_from":"2016-01-01T00:00:00Z","valid_until":"2016-01-01T00:00:00Z""#,
                "valid_until",
            ),
            (
                r#""pattern_type":"stix","#,
                r#""pattern_type":"stix","labels":[],"#,
                "'labels' is an empty list",
            ),
            (
                r#""pattern_type":"stix","#,
                r#""pattern_type":"stix","description":null,"#,
                "'description' is null",
            ),
            (
                r#""pattern_type":"stix","#,
                r#""pattern_type":"stix","confidence":101,"#,
                "'confidence' must be an integer",
            ),
        ];
        for (from, to, expected) in cases {
            let json = INDICATOR.replacen(from, to, 1);
            let message = verdict(&json).expect_err(expected);
            assert!(message.contains(expected), "case {expected}: got {message}");
        }
    }

    #[test]
    fn observables_need_no_timestamps_and_default_their_spec_version() {
        let sco = r#"{"type":"ipv4-addr","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}"#;
        let raw: Box<RawValue> = serde_json::from_str(sco).expect("json");
        let valid = validate_object(&raw, 0).expect("sco accepted");
        assert_eq!(valid.version, None);
        assert_eq!(valid.spec_version, "2.1");
    }

    #[test]
    fn elements_that_are_not_objects_are_named_by_position() {
        let raw: Box<RawValue> = serde_json::from_str("[1]").expect("json");
        let rejection = validate_object(&raw, 7).expect_err("array");
        assert_eq!(rejection.id, "objects[7]");
    }
}
