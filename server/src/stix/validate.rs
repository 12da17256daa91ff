//! The one entry point that decides whether a STIX 2.1 object is accepted.
//!
//! Orchestrates the checks: identifiers, `spec_version`, versioning timestamps and the
//! "no null, no empty list" rule here; every property of every STIX 2.1 type against the
//! tables of `schema` (through `conform`); then what no table says: indicator patterns,
//! marking definitions (TLP 1.0 and 2.0, statements), granular-marking selectors and the
//! deterministic identifiers of cyber-observable objects. MUSTs reject, SHOULDs become
//! warnings. The object's text is never rewritten: what is accepted is stored byte for
//! byte.

use serde_json::{Map, Value, value::RawValue};

use super::canonical;
use super::conform::{self, Checker, Declared};
use super::formats::{self, SelectorStep};
use super::id::{StixId, check_type_name};
use super::pattern::{Pattern, Vocabulary};
use super::schema::{self, Category, ObjectType, Structure};
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
    /// Normalised observables (from a STIX pattern or an SCO), indexed for correlation.
    pub observables: Vec<super::observable::Observable>,
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

/// How strictly custom content is judged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Refuse custom content: object types, properties and extensions the specification
    /// does not define, unless an extension definition declares them (`new-sdo`,
    /// `new-sco`, `new-sro`, `toplevel-property-extension`). The hub's own
    /// `x_kyoyu_recipients` and `x_kyoyu_anonymous` are always allowed.
    pub strict: bool,
}

/// Properties every object may carry whatever its type: the hub's own.
const HUB_PROPERTIES: &[&str] = &[RECIPIENTS_PROPERTY, ANONYMOUS_PROPERTY];

/// Timestamps checked at the top level of custom objects (STIX types have their tables).
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

/// The custom object type placeholder: common properties by shape, anything else its own.
static CUSTOM: Structure = Structure {
    name: "custom object",
    properties: &[],
    rules: &[],
};

/// Validates one element of an envelope's `objects` with the default [`Options`]
/// (custom content accepted). `index` names it when it has no id.
pub fn validate_object(raw: &RawValue, index: usize) -> Result<ValidObject<'_>, Rejection> {
    validate_object_with(raw, index, &Options::default())
}

/// Validates one element of an envelope's `objects` against STIX 2.1: every SDO, SRO,
/// SCO and SMO type's properties, references, vocabularies and rules; custom content as
/// `options` says. `index` names the element when it has no id.
pub fn validate_object_with<'a>(
    raw: &'a RawValue,
    index: usize,
    options: &Options,
) -> Result<ValidObject<'a>, Rejection> {
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
    check(raw, &object, options).map_err(reject)
}

fn check<'a>(
    raw: &'a RawValue,
    object: &Map<String, Value>,
    options: &Options,
) -> Result<ValidObject<'a>, String> {
    let type_name = required_str(object, "type")?;
    check_type_name(type_name).map_err(|e| format!("property 'type' {e}"))?;
    if schema::RESERVED_TYPES.contains(&type_name) {
        return Err(format!(
            "property 'type' is '{type_name}', a type name reserved by STIX 2.1"
        ));
    }
    let id_text = required_str(object, "id")?;
    let id = StixId::parse(id_text).map_err(|e| format!("property 'id' {e}"))?;
    if id.type_name() != type_name {
        return Err(format!(
            "property 'id' must start with its type '{type_name}--', found '{}--'",
            id.type_name()
        ));
    }
    if !conform::has_rfc4122_version(id_text) {
        return Err(format!("property 'id' {}", conform::UUID_VERSION_RULE));
    }
    check_no_null_or_empty(object, "")?;

    let object_type = schema::object_type(type_name);
    let category = object_type.map_or(Category::Custom, |t| t.category);
    let spec_version = match object.get("spec_version") {
        Some(Value::String(v)) if v == "2.1" => v.clone(),
        Some(Value::String(v)) => {
            return Err(format!(
                "property 'spec_version' must be \"2.1\", found \"{v}\""
            ));
        }
        Some(_) => return Err("property 'spec_version' must be a string".into()),
        // STIX 2.1: optional on SCOs only, where it defaults to 2.1; custom objects
        // without versioning timestamps are observable-like.
        None if category == Category::CyberObservable
            || (category == Category::Custom
                && !object.contains_key("created")
                && !object.contains_key("modified")) =>
        {
            "2.1".into()
        }
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

    let mut warnings = Vec::new();
    let declared = Declared::of(object);
    let mut checker = Checker {
        type_name,
        category,
        strict: options.strict,
        declared,
        warnings: &mut warnings,
    };
    match object_type {
        Some(object_type) => checker.object(
            object,
            &object_type.structure,
            schema::common_properties(category),
            HUB_PROPERTIES,
        )?,
        None => {
            check_custom_type(type_name, object, options, declared, checker.warnings)?;
            for name in TIMESTAMP_PROPERTIES {
                timestamp_property(object, name, false, false)?;
            }
            check_ordered(
                object,
                "valid_from",
                "valid_until",
                "'valid_until' must be later than 'valid_from'",
            )?;
            check_ordered(
                object,
                "start_time",
                "stop_time",
                "'stop_time' must be later than 'start_time'",
            )?;
            // Custom objects with versioning timestamps are SDO-like and need both,
            // others SCO-like.
            let (has_created, has_modified) = (
                object.contains_key("created"),
                object.contains_key("modified"),
            );
            if has_created != has_modified {
                let (present, missing) = if has_created {
                    ("created", "modified")
                } else {
                    ("modified", "created")
                };
                return Err(format!(
                    "{type_name}: property '{missing}' is required with '{present}' (a versioned custom object carries both)"
                ));
            }
            let common = if has_created {
                schema::DOMAIN_COMMON
            } else {
                schema::OBSERVABLE_COMMON
            };
            checker.object(object, &CUSTOM, common, HUB_PROPERTIES)?;
        }
    }

    // An indicator's parsed pattern also gives its observables: parsed once.
    let mut pattern_observables = None;
    match type_name {
        "indicator" if object.get("pattern_type").and_then(Value::as_str) == Some("stix") => {
            let Some(Value::String(pattern)) = object.get("pattern") else {
                return Err("property 'pattern' must be a string".into());
            };
            // Strict vocabulary: STIX 2.1 SCO types must use their defined properties;
            // custom types and properties carry the `x-` / `x_` prefix.
            let parsed = Pattern::parse_with(pattern, Vocabulary::Strict)
                .map_err(|e| format!("property 'pattern' is not a valid STIX pattern: {e}"))?;
            pattern_observables = Some(super::observable::from_pattern(&parsed));
        }
        "marking-definition" => check_marking_definition(object, id_text, &mut warnings)?,
        "observed-data" => check_observed_refs(object, &mut warnings)?,
        _ => {}
    }
    check_selectors(type_name, object)?;
    if let Some(object_type) = object_type
        && category == Category::CyberObservable
    {
        check_observable_id(type_name, object_type, object, id_text, &mut warnings)?;
    }

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
        observables: pattern_observables.unwrap_or_else(|| super::observable::extract(object)),
    })
}

/// STIX 2.1 section 11 "Customizing STIX": custom object types are accepted (with a
/// warning when neither `x-`-prefixed nor defined by an extension definition), except
/// in strict mode, which takes only types an extension definition declares.
fn check_custom_type(
    type_name: &str,
    object: &Map<String, Value>,
    options: &Options,
    declared: Declared,
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    if declared.new_object {
        return Ok(());
    }
    if options.strict {
        return Err(format!(
            "property 'type' is '{type_name}', which STIX 2.1 does not define; strict mode accepts only types declared by an extension definition (new-sdo, new-sco, new-sro)"
        ));
    }
    if type_name == "bundle" {
        return Err("property 'type' is 'bundle': a bundle is not an object to store".into());
    }
    if !type_name.starts_with("x-") {
        warnings.push(format!(
            "{type_name}: custom object types SHOULD start with 'x-' or be defined by an extension definition"
        ));
    }
    if !object.contains_key("created") && object.contains_key("created_by_ref") {
        warnings.push(format!(
            "{type_name}: a custom object without 'created' is treated as an observable, which has no 'created_by_ref'"
        ));
    }
    Ok(())
}

/// STIX 2.1 section 7.2 "Data Markings": what a marking definition's definition holds.
/// TLP 1.0 markings are the four fixed objects of section 7.2.1.4 ("other instances of
/// tlp-marking MUST NOT be used or created"); TLP 2.0 ones carry the TLP 2.0 extension
/// with the level their id stands for; statement markings a `statement`.
fn check_marking_definition(
    object: &Map<String, Value>,
    id: &str,
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    let definition_type = object.get("definition_type").and_then(Value::as_str);
    let definition = object.get("definition").and_then(Value::as_object);
    let extensions = object.get("extensions").and_then(Value::as_object);
    if extensions.is_none() && (definition_type.is_none() || definition.is_none()) {
        return Err("marking-definition: properties 'definition_type' and 'definition' are required unless 'extensions' is present".into());
    }
    let tlp1 = schema::TLP1_MARKINGS
        .iter()
        .find(|(marking, _)| *marking == id);
    match definition_type {
        Some("tlp") => {
            let Some((_, level)) = tlp1 else {
                return Err("marking-definition: only the four TLP 1.0 marking definitions of STIX 2.1 section 7.2.1.4 may have definition_type 'tlp'".into());
            };
            let found = definition
                .and_then(|d| d.get("tlp"))
                .and_then(Value::as_str);
            if found != Some(level) {
                return Err(format!(
                    "marking-definition: property 'definition.tlp' must be '{level}' for {id}"
                ));
            }
            let name = format!("TLP:{}", level.to_ascii_uppercase());
            if object.get("name").and_then(Value::as_str) != Some(name.as_str()) {
                return Err(format!(
                    "marking-definition: property 'name' must be '{name}' for {id}"
                ));
            }
            if object.get("created").and_then(Value::as_str) != Some(schema::TLP1_CREATED) {
                return Err(format!(
                    "marking-definition: property 'created' must be '{}' for the TLP 1.0 markings",
                    schema::TLP1_CREATED
                ));
            }
            const FIXED: &[&str] = &[
                "type",
                "spec_version",
                "id",
                "created",
                "name",
                "definition_type",
                "definition",
            ];
            if let Some(extra) = object.keys().find(|key| !FIXED.contains(&key.as_str())) {
                return Err(format!(
                    "marking-definition: property '{extra}' is not part of the fixed TLP 1.0 marking definitions"
                ));
            }
        }
        Some("statement")
            if !definition
                .and_then(|d| d.get("statement"))
                .is_some_and(Value::is_string) =>
        {
            return Err(
                "marking-definition: property 'definition.statement' is required and must be a string for statement markings"
                    .into(),
            );
        }
        Some("statement") => {}
        Some(other) => warnings.push(format!(
            "marking-definition: property 'definition_type' value '{other}' is not in the marking-definition-type vocabulary (statement, tlp)"
        )),
        None => {}
    }
    if tlp1.is_some() && definition_type != Some("tlp") {
        return Err(format!(
            "marking-definition: {id} is a TLP 1.0 marking and must have definition_type 'tlp'"
        ));
    }

    let tlp2 = schema::TLP2_MARKINGS
        .iter()
        .find(|(marking, _)| *marking == id);
    let tlp2_level = extensions
        .and_then(|e| e.get(schema::TLP2_EXTENSION))
        .and_then(|e| e.get("tlp_2_0"))
        .and_then(Value::as_str);
    match (tlp2, tlp2_level) {
        (Some((_, level)), found) if found != Some(level) => {
            return Err(format!(
                "marking-definition: {id} is the TLP 2.0 {level} marking and must carry the TLP 2.0 extension with tlp_2_0 '{level}'"
            ));
        }
        (Some((_, level)), _) => {
            let name = format!("TLP:{}", level.to_ascii_uppercase());
            if let Some(found) = object.get("name").and_then(Value::as_str)
                && found != name
            {
                return Err(format!(
                    "marking-definition: property 'name' must be '{name}' for {id}"
                ));
            }
        }
        (None, Some(level)) => {
            return Err(format!(
                "marking-definition: a TLP 2.0 marking must use the standard identifier of its level, not {id} for '{level}'"
            ));
        }
        (None, None) => {}
    }

    // STIX 2.1 "Marking Definition": no marking of itself.
    let marks_itself = object
        .get("object_marking_refs")
        .and_then(Value::as_array)
        .is_some_and(|refs| refs.iter().any(|r| r.as_str() == Some(id)))
        || object
            .get("granular_markings")
            .and_then(Value::as_array)
            .is_some_and(|markings| {
                markings
                    .iter()
                    .any(|m| m.get("marking_ref").and_then(Value::as_str) == Some(id))
            });
    if marks_itself {
        return Err(
            "marking-definition: a marking definition cannot mark itself (circular reference)"
                .into(),
        );
    }
    Ok(())
}

/// STIX 2.1 "Observed Data": `object_refs` MUST contain at least one SCO reference.
fn check_observed_refs(
    object: &Map<String, Value>,
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    if object.contains_key("objects") {
        warnings.push(
            "observed-data: property 'objects' is deprecated in STIX 2.1; use 'object_refs'".into(),
        );
    }
    let Some(Value::Array(refs)) = object.get("object_refs") else {
        return Ok(());
    };
    let has_observable = refs.iter().filter_map(Value::as_str).any(|r| {
        let target = r.split_once("--").map_or(r, |(t, _)| t);
        matches!(
            schema::category(target),
            Category::CyberObservable | Category::Custom
        )
    });
    if has_observable {
        Ok(())
    } else {
        Err("observed-data: property 'object_refs' must contain at least one cyber-observable object".into())
    }
}

/// STIX 2.1 "Granular Markings": every selector MUST refer to a property or list item
/// actually present on the object.
fn check_selectors(type_name: &str, object: &Map<String, Value>) -> Result<(), String> {
    let Some(Value::Array(markings)) = object.get("granular_markings") else {
        return Ok(());
    };
    for (index, marking) in markings.iter().enumerate() {
        let Some(Value::Array(selectors)) = marking.get("selectors") else {
            continue;
        };
        for selector in selectors.iter().filter_map(Value::as_str) {
            let fail = |why: &str| {
                format!(
                    "{type_name}: property 'granular_markings[{index}].selectors' has the selector '{selector}', which {why}"
                )
            };
            let steps = formats::selector_steps(selector)
                .ok_or_else(|| fail("is not of the form property.[index].property"))?;
            let mut current: Option<&Value> = None;
            for step in steps {
                let next = match (current, step) {
                    (None, SelectorStep::Property(name)) => object.get(name),
                    (Some(Value::Object(map)), SelectorStep::Property(name)) => map.get(name),
                    (Some(Value::Array(items)), SelectorStep::Index(i)) => items.get(i),
                    _ => None,
                };
                current = Some(next.ok_or_else(|| fail("does not select anything in the object"))?);
            }
        }
    }
    Ok(())
}

/// STIX 2.1 section 2.9 "Identifier": SCOs SHOULD use the UUIDv5 of their ID
/// contributing properties (a mismatch is a warning); with none of them present, or
/// for types without any (process), the OASIS validator requires a UUIDv4.
fn check_observable_id(
    type_name: &str,
    object_type: &ObjectType,
    object: &Map<String, Value>,
    id: &str,
    warnings: &mut Vec<String>,
) -> Result<(), String> {
    let uuid = &id[id.len() - 36..];
    let version = uuid.as_bytes()[14];
    let contributing = object_type.id_contributing;
    match canonical::matches_deterministic_id(object, contributing, uuid) {
        None if version != b'4' => Err(if contributing.is_empty() {
            format!(
                "{type_name}: property 'id' must use a UUIDv4, as {type_name} objects have no ID contributing properties"
            )
        } else {
            format!(
                "{type_name}: property 'id' must use a UUIDv4 when none of the ID contributing properties ({}) is present",
                contributing.join(", ")
            )
        }),
        Some(false) => {
            let expected = canonical::deterministic_uuid(object, contributing)
                .map(|uuid| format!("{type_name}--{uuid}"))
                .unwrap_or_default();
            warnings.push(format!(
                "{type_name}: property 'id' SHOULD be the UUIDv5 of its ID contributing properties ({}), e.g. {expected}",
                contributing.join(", ")
            ));
            Ok(())
        }
        _ => Ok(()),
    }
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

    use serde_json::json;

    /// What validating an object should give.
    enum Expect {
        Valid,
        /// Accepted with a warning containing this.
        Warns(&'static str),
        /// Refused with a message containing this.
        Refused(&'static str),
    }
    use Expect::{Refused, Valid, Warns};

    fn outcome(object: &Value, options: &Options) -> Result<Vec<String>, String> {
        let raw = RawValue::from_string(object.to_string()).expect("json");
        validate_object_with(&raw, 0, options)
            .map(|valid| valid.warnings)
            .map_err(|rejection| rejection.message)
    }

    fn assert_cases(cases: Vec<(&str, Value, Expect)>, options: &Options) {
        for (case, object, expected) in cases {
            let result = outcome(&object, options);
            match expected {
                Valid => assert_eq!(result, Ok(vec![]), "case {case}"),
                Warns(fragment) => {
                    let warnings = result.unwrap_or_else(|e| panic!("case {case}: refused: {e}"));
                    assert!(
                        warnings.iter().any(|w| w.contains(fragment)),
                        "case {case}: warnings {warnings:?}"
                    );
                }
                Refused(fragment) => {
                    let message = result.expect_err(case);
                    assert!(message.contains(fragment), "case {case}: {message}");
                }
            }
        }
    }

    /// A STIX 2.1 object of `type_name` with the versioning properties and `extra`.
    fn sdo(type_name: &str, extra: Value) -> Value {
        let mut object = json!({
            "type": type_name,
            "spec_version": "2.1",
            "id": format!("{type_name}--6ba7b810-9dad-41d1-80b4-00c04fd430c8"),
            "created": "2024-05-01T09:00:00.000Z",
            "modified": "2024-05-01T09:00:00.000Z",
        });
        merge(&mut object, extra);
        object
    }

    /// A cyber-observable object of `type_name` with `extra` and the given id UUID.
    fn sco(type_name: &str, uuid: &str, extra: Value) -> Value {
        let mut object = json!({
            "type": type_name,
            "spec_version": "2.1",
            "id": format!("{type_name}--{uuid}"),
        });
        merge(&mut object, extra);
        object
    }

    fn merge(object: &mut Value, extra: Value) {
        if let (Value::Object(object), Value::Object(extra)) = (object, extra) {
            object.extend(extra);
        }
    }

    const IDENTITY: &str = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff";
    const MALWARE: &str = "malware--4e7d1a2b-8c9f-4a3e-9b6d-2f1c0e8a7b54";
    const IPV4: &str = "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4";
    const FILE: &str = "file--741019a6-c339-5e5d-ad1e-6fa3dec47bb4";
    const TLP_GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
    const EXTENSION: &str = "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e";
    /// Any UUIDv4, for objects whose id is not deterministic.
    const V4: &str = "9f2b9c3e-1b8a-4e5c-8d7f-0a1b2c3d4e5f";

    #[test]
    fn domain_objects_hold_each_property_to_its_kind() {
        let cases = vec![
            (
                "attack-pattern",
                sdo(
                    "attack-pattern",
                    json!({"name": "Phishing", "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}]}),
                ),
                Valid,
            ),
            (
                "attack-pattern without name",
                sdo("attack-pattern", json!({})),
                Refused("attack-pattern: property 'name' is required"),
            ),
            (
                "campaign seen backwards",
                sdo(
                    "campaign",
                    json!({"name": "c", "first_seen": "2024-02-01T00:00:00Z", "last_seen": "2024-01-01T00:00:00Z"}),
                ),
                Refused("'last_seen' must be later than or equal to 'first_seen'"),
            ),
            (
                "course-of-action name a list",
                sdo("course-of-action", json!({"name": ["x"]})),
                Refused("course-of-action: property 'name' must be a string"),
            ),
            (
                "grouping without context",
                sdo("grouping", json!({"object_refs": [MALWARE]})),
                Refused("grouping: property 'context' is required"),
            ),
            (
                "identity",
                sdo(
                    "identity",
                    json!({"name": "CSIRT", "identity_class": "organization", "sectors": ["utilities"]}),
                ),
                Valid,
            ),
            (
                "incident without name",
                sdo("incident", json!({"description": "x"})),
                Refused("incident: property 'name' is required"),
            ),
            (
                "infrastructure with aliases a string",
                sdo("infrastructure", json!({"name": "i", "aliases": "x"})),
                Refused("infrastructure: property 'aliases' must be a list"),
            ),
            (
                "intrusion-set goals of numbers",
                sdo("intrusion-set", json!({"name": "i", "goals": [1]})),
                Refused("intrusion-set: property 'goals[0]' must be a string"),
            ),
            (
                "location by coordinates",
                sdo(
                    "location",
                    json!({"latitude": 48.8566, "longitude": 2.3522, "precision": 100.0}),
                ),
                Valid,
            ),
            (
                "location precision without coordinates",
                sdo("location", json!({"country": "FR", "precision": 100.0})),
                Refused("location: property 'precision' requires 'latitude'"),
            ),
            (
                "location latitude out of range",
                sdo("location", json!({"latitude": 90.5, "longitude": 0})),
                Refused("location: property 'latitude' must be a number from -90 to 90"),
            ),
            (
                "location longitude alone",
                sdo("location", json!({"longitude": 2.35, "region": "europe"})),
                Refused("location: property 'longitude' requires 'latitude'"),
            ),
            (
                "location with nothing to place",
                sdo("location", json!({"name": "Somewhere"})),
                Refused("'region' or 'country' or 'latitude' is required"),
            ),
            (
                "malware is_family a string",
                sdo("malware", json!({"name": "m", "is_family": "yes"})),
                Refused("malware: property 'is_family' must be a boolean"),
            ),
            (
                "malware family without name",
                sdo("malware", json!({"is_family": true})),
                Refused("malware: property 'name' is required when 'is_family' is true"),
            ),
            (
                "malware instance without name",
                sdo(
                    "malware",
                    json!({"is_family": false, "sample_refs": [FILE]}),
                ),
                Valid,
            ),
            (
                "malware sample of an address",
                sdo(
                    "malware",
                    json!({"is_family": false, "sample_refs": [IPV4]}),
                ),
                Refused(
                    "malware: property 'sample_refs[0]' must refer to file or artifact, not 'ipv4-addr'",
                ),
            ),
            (
                "malware-analysis without result",
                sdo("malware-analysis", json!({"product": "sandbox"})),
                Refused("'result' or 'analysis_sco_refs' is required"),
            ),
            (
                "malware-analysis of addresses",
                sdo(
                    "malware-analysis",
                    json!({"product": "sandbox", "analysis_sco_refs": [IPV4]}),
                ),
                Valid,
            ),
            (
                "note without content",
                sdo("note", json!({"object_refs": [MALWARE]})),
                Refused("note: property 'content' is required"),
            ),
            (
                "observed-data",
                sdo(
                    "observed-data",
                    json!({"first_observed": "2024-01-01T00:00:00Z", "last_observed": "2024-01-01T00:00:00Z", "number_observed": 1, "object_refs": [IPV4]}),
                ),
                Valid,
            ),
            (
                "observed-data number_observed 0",
                sdo(
                    "observed-data",
                    json!({"first_observed": "2024-01-01T00:00:00Z", "last_observed": "2024-01-01T00:00:00Z", "number_observed": 0, "object_refs": [IPV4]}),
                ),
                Refused(
                    "observed-data: property 'number_observed' must be an integer from 1 to 999999999",
                ),
            ),
            (
                "observed-data last before first",
                sdo(
                    "observed-data",
                    json!({"first_observed": "2024-01-02T00:00:00Z", "last_observed": "2024-01-01T00:00:00Z", "number_observed": 1, "object_refs": [IPV4]}),
                ),
                Refused("'last_observed' must be later than or equal to 'first_observed'"),
            ),
            (
                "observed-data of a malware",
                sdo(
                    "observed-data",
                    json!({"first_observed": "2024-01-01T00:00:00Z", "last_observed": "2024-01-01T00:00:00Z", "number_observed": 1, "object_refs": [MALWARE]}),
                ),
                Refused(
                    "must refer to a STIX Cyber-observable Object or Relationship Object, not 'malware'",
                ),
            ),
            (
                "opinion outside the enumeration",
                sdo(
                    "opinion",
                    json!({"opinion": "maybe", "object_refs": [MALWARE]}),
                ),
                Refused("opinion: property 'opinion' must be one of the opinion-enum values"),
            ),
            (
                "report without published",
                sdo("report", json!({"name": "r", "object_refs": [MALWARE]})),
                Refused("report: property 'published' is required"),
            ),
            (
                "threat-actor",
                sdo(
                    "threat-actor",
                    json!({"name": "t", "roles": ["agent"], "sophistication": "expert"}),
                ),
                Valid,
            ),
            (
                "tool version a number",
                sdo("tool", json!({"name": "t", "tool_version": 2})),
                Refused("tool: property 'tool_version' must be a string"),
            ),
            (
                "vulnerability with a malformed CVE",
                sdo(
                    "vulnerability",
                    json!({"name": "v", "external_references": [{"source_name": "cve", "external_id": "CVE-17-1"}]}),
                ),
                Refused("must be a CVE identifier"),
            ),
        ];
        assert_cases(cases, &Options::default());
    }

    #[test]
    fn relationship_objects_reference_the_right_types() {
        let relationship = |source: &str, target: &str| {
            sdo(
                "relationship",
                json!({"relationship_type": "uses", "source_ref": source, "target_ref": target}),
            )
        };
        let sighting = |extra: Value| {
            let mut object = sdo("sighting", json!({"sighting_of_ref": MALWARE}));
            merge(&mut object, extra);
            object
        };
        let cases = vec![
            (
                "relationship between SDOs",
                relationship(MALWARE, IDENTITY),
                Valid,
            ),
            ("relationship to an SCO", relationship(MALWARE, IPV4), Valid),
            (
                "relationship to a custom object",
                relationship(
                    MALWARE,
                    "x-acme-widget--6ba7b810-9dad-41d1-80b4-00c04fd430c8",
                ),
                Valid,
            ),
            (
                "relationship from a relationship",
                relationship(
                    "relationship--6ba7b810-9dad-41d1-80b4-00c04fd430c8",
                    MALWARE,
                ),
                Refused(
                    "relationship: property 'source_ref' must refer to a STIX Domain Object or Cyber-observable Object, not 'relationship'",
                ),
            ),
            (
                "relationship to a marking",
                relationship(MALWARE, TLP_GREEN),
                Refused("not 'marking-definition'"),
            ),
            (
                "relationship to an extension definition",
                relationship(MALWARE, EXTENSION),
                Refused("not 'extension-definition'"),
            ),
            (
                "relationship type in upper case",
                sdo(
                    "relationship",
                    json!({"relationship_type": "Uses", "source_ref": MALWARE, "target_ref": IDENTITY}),
                ),
                Refused(
                    "relationship: property 'relationship_type' must use only a-z, 0-9 and '-'",
                ),
            ),
            (
                "relationship stopping when it starts",
                sdo(
                    "relationship",
                    json!({"relationship_type": "uses", "source_ref": MALWARE, "target_ref": IDENTITY, "start_time": "2024-01-01T00:00:00Z", "stop_time": "2024-01-01T00:00:00Z"}),
                ),
                Refused("'stop_time' must be later than 'start_time'"),
            ),
            (
                "sighting",
                sighting(
                    json!({"count": 0, "where_sighted_refs": [IDENTITY], "observed_data_refs": ["observed-data--6ba7b810-9dad-41d1-80b4-00c04fd430c8"]}),
                ),
                Valid,
            ),
            (
                "sighting of an SCO",
                sighting(json!({"sighting_of_ref": IPV4})),
                Refused(
                    "sighting: property 'sighting_of_ref' must refer to a STIX Domain Object, not 'ipv4-addr'",
                ),
            ),
            (
                "sighting where a malware is",
                sighting(json!({"where_sighted_refs": [MALWARE]})),
                Refused("'where_sighted_refs[0]' must refer to identity or location"),
            ),
            (
                "sighting with observed data of an indicator",
                sighting(
                    json!({"observed_data_refs": ["indicator--6ba7b810-9dad-41d1-80b4-00c04fd430c8"]}),
                ),
                Refused("'observed_data_refs[0]' must refer to observed-data"),
            ),
            (
                "sighting count too high",
                sighting(json!({"count": 1_000_000_000})),
                Refused("sighting: property 'count' must be an integer from 0 to 999999999"),
            ),
            (
                "sighting seen backwards",
                sighting(
                    json!({"first_seen": "2024-02-01T00:00:00Z", "last_seen": "2024-01-01T00:00:00Z"}),
                ),
                Refused("'last_seen' must be later than or equal to 'first_seen'"),
            ),
        ];
        assert_cases(cases, &Options::default());
    }

    #[test]
    fn cyber_observables_have_their_syntax_and_references() {
        let cases = vec![
            (
                "ipv4-addr",
                sco(
                    "ipv4-addr",
                    "28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                    json!({"value": "198.51.100.3"}),
                ),
                Valid,
            ),
            (
                "ipv4-addr out of range",
                sco("ipv4-addr", V4, json!({"value": "198.51.100.300"})),
                Refused("ipv4-addr: property 'value' must be an IPv4 address or CIDR block"),
            ),
            (
                "ipv6-addr not an address",
                sco("ipv6-addr", V4, json!({"value": "2001:db8::g"})),
                Refused("must be an IPv6 address"),
            ),
            (
                "mac-addr in upper case",
                sco("mac-addr", V4, json!({"value": "D2:FB:49:24:37:18"})),
                Refused("must be a colon-delimited, lower-case MAC-48 address"),
            ),
            (
                "domain-name with an empty label",
                sco("domain-name", V4, json!({"value": "example..com"})),
                Refused("must be a domain name"),
            ),
            (
                "email-addr with a display name",
                sco(
                    "email-addr",
                    V4,
                    json!({"value": "John <john@example.com>"}),
                ),
                Refused("must be a single e-mail address"),
            ),
            (
                "url without a scheme",
                sco("url", V4, json!({"value": "example.com/index.html"})),
                Refused("url: property 'value' must be a URL"),
            ),
            (
                "artifact with payload and url",
                sco(
                    "artifact",
                    V4,
                    json!({"payload_bin": "aGVsbG8=", "url": "https://example.com/a", "hashes": {"MD5": "d41d8cd98f00b204e9800998ecf8427e"}}),
                ),
                Refused("properties 'payload_bin' and 'url' cannot both be present"),
            ),
            (
                "artifact url without hashes",
                sco("artifact", V4, json!({"url": "https://example.com/a"})),
                Refused("artifact: property 'url' requires 'hashes'"),
            ),
            (
                "artifact with an unknown cipher",
                sco(
                    "artifact",
                    V4,
                    json!({"payload_bin": "aGVsbG8=", "encryption_algorithm": "ROT13"}),
                ),
                Refused("must be one of the encryption-algorithm-enum values"),
            ),
            (
                "artifact key without cipher",
                sco(
                    "artifact",
                    V4,
                    json!({"payload_bin": "aGVsbG8=", "decryption_key": "k"}),
                ),
                Refused("'decryption_key' requires 'encryption_algorithm'"),
            ),
            (
                "autonomous-system number a string",
                sco("autonomous-system", V4, json!({"number": "15139"})),
                Refused("autonomous-system: property 'number' must be an integer"),
            ),
            (
                "directory holding an address",
                sco(
                    "directory",
                    V4,
                    json!({"path": "/tmp", "contains_refs": [IPV4]}),
                ),
                Refused("must refer to file or directory, not 'ipv4-addr'"),
            ),
            (
                "email-message multipart with body",
                sco(
                    "email-message",
                    V4,
                    json!({"is_multipart": true, "body": "x"}),
                ),
                Refused("'body' must not be present when 'is_multipart' is true"),
            ),
            (
                "email-message header a string",
                sco(
                    "email-message",
                    V4,
                    json!({"is_multipart": false, "additional_header_fields": {"X-Mailer": "Mutt"}}),
                ),
                Refused("'additional_header_fields.X-Mailer' must be a list"),
            ),
            (
                "file with neither hashes nor name",
                sco("file", V4, json!({"size": 3})),
                Refused("file: property 'hashes' or 'name' is required"),
            ),
            (
                "file with a short SHA-256",
                sco("file", V4, json!({"hashes": {"SHA-256": "abc"}})),
                Refused("file: property 'hashes.SHA-256' is not a valid SHA-256 hash"),
            ),
            (
                "file with an odd magic number",
                sco("file", V4, json!({"name": "a", "magic_number_hex": "abc"})),
                Refused("'magic_number_hex' must be hex"),
            ),
            (
                "mutex without name",
                sco("mutex", V4, json!({})),
                Refused("mutex: property 'name' is required"),
            ),
            (
                "network-traffic active with an end",
                sco(
                    "network-traffic",
                    V4,
                    json!({"src_ref": IPV4, "protocols": ["tcp"], "is_active": true, "end": "2024-01-01T00:00:00Z"}),
                ),
                Refused("'end' must not be present when 'is_active' is true"),
            ),
            (
                "network-traffic ending before it starts",
                sco(
                    "network-traffic",
                    V4,
                    json!({"src_ref": IPV4, "protocols": ["tcp"], "start": "2024-01-02T00:00:00Z", "end": "2024-01-01T00:00:00Z"}),
                ),
                Refused("'end' must be later than or equal to 'start'"),
            ),
            (
                "network-traffic port out of range",
                sco(
                    "network-traffic",
                    V4,
                    json!({"src_ref": IPV4, "protocols": ["tcp"], "dst_port": 70000}),
                ),
                Refused("'dst_port' must be an integer from 0 to 65535"),
            ),
            (
                "process without properties",
                sco("process", V4, json!({})),
                Refused("at least one process property"),
            ),
            (
                "software with a CPE 2.2 name",
                sco(
                    "software",
                    V4,
                    json!({"name": "w", "cpe": "cpe:/a:microsoft:word"}),
                ),
                Refused("must be a CPE 2.3 name"),
            ),
            (
                "user-account privileged as a string",
                sco(
                    "user-account",
                    V4,
                    json!({"user_id": "1", "is_privileged": "no"}),
                ),
                Refused("user-account: property 'is_privileged' must be a boolean"),
            ),
            (
                "windows-registry-key with a short hive",
                sco("windows-registry-key", V4, json!({"key": "HKLM\\Software"})),
                Refused("must spell out the registry hive"),
            ),
            (
                "windows-registry-key value of an unknown type",
                sco(
                    "windows-registry-key",
                    V4,
                    json!({"values": [{"name": "a", "data_type": "REG_TEXT"}]}),
                ),
                Refused("must be one of the windows-registry-datatype-enum values"),
            ),
            (
                "x509-certificate without properties",
                sco("x509-certificate", V4, json!({})),
                Refused("at least one x509-certificate property"),
            ),
        ];
        assert_cases(cases, &Options::default());
    }

    #[test]
    fn predefined_extensions_belong_to_their_type() {
        let file = |extensions: Value| {
            sco(
                "file",
                V4,
                json!({"name": "a.exe", "extensions": extensions}),
            )
        };
        let cases = vec![
            (
                "ntfs-ext on a file",
                file(json!({"ntfs-ext": {"sid": "S-1-5-21"}})),
                Warns("SHOULD be the UUIDv5"),
            ),
            (
                "ntfs-ext without properties",
                file(json!({"ntfs-ext": {"x_acme": 1}})),
                Refused("'extensions.ntfs-ext' must have at least one property of ntfs-ext"),
            ),
            (
                "socket-ext on a file",
                file(json!({"socket-ext": {"address_family": "AF_INET"}})),
                Refused(
                    "file: property 'extensions.socket-ext' is an extension of network-traffic objects, not of file",
                ),
            ),
            (
                "ntfs-ext on an indicator",
                {
                    let mut indicator: Value = serde_json::from_str(INDICATOR).expect("json");
                    merge(
                        &mut indicator,
                        json!({"extensions": {"ntfs-ext": {"sid": "S-1-5-21"}}}),
                    );
                    indicator
                },
                Refused("is an extension of file objects, not of indicator"),
            ),
            (
                "windows-pebinary-ext without pe_type",
                file(json!({"windows-pebinary-ext": {"number_of_sections": 1}})),
                Refused("'extensions.windows-pebinary-ext.pe_type' is required"),
            ),
            (
                "extension definition without extension_type",
                file(json!({EXTENSION: {"rank": 1}})),
                Refused("extension_type' is required"),
            ),
            (
                "extension definition with an unknown type",
                file(json!({EXTENSION: {"extension_type": "new-thing"}})),
                Refused("must be one of the extension-type-enum values"),
            ),
            (
                "extension keyed by a plain name",
                file(json!({"acme": {"rank": 1}})),
                Refused(
                    "must be keyed by an extension-definition identifier or a predefined extension name",
                ),
            ),
            (
                "custom -ext extension",
                file(json!({"x-acme-ext": {"rank": 1}})),
                Warns("is a custom extension, deprecated in STIX 2.1"),
            ),
        ];
        assert_cases(cases, &Options::default());
    }

    #[test]
    fn marking_definitions_carry_what_their_id_stands_for() {
        let tlp1 = |level: &str, definition: Value| json!({"type": "marking-definition", "spec_version": "2.1", "id": TLP_GREEN, "created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": format!("TLP:{}", level.to_ascii_uppercase()), "definition": definition});
        let tlp2 = |id: &str, level: &str| json!({"type": "marking-definition", "spec_version": "2.1", "id": id, "created": "2022-10-01T00:00:00.000Z", "name": format!("TLP:{}", level.to_ascii_uppercase()), "extensions": {schema::TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}}});
        let statement = |definition: Value| json!({"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--6ba7b810-9dad-41d1-80b4-00c04fd430c8", "created": "2024-01-01T00:00:00.000Z", "definition_type": "statement", "definition": definition});
        const TLP2_AMBER_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
        let cases = vec![
            (
                "TLP 1.0 green",
                tlp1("green", json!({"tlp": "green"})),
                Valid,
            ),
            (
                "TLP 1.0 green id saying red",
                tlp1("green", json!({"tlp": "red"})),
                Refused("property 'definition.tlp' must be 'green'"),
            ),
            (
                "TLP 1.0 with another id",
                {
                    let mut object = tlp1("green", json!({"tlp": "green"}));
                    object["id"] =
                        json!("marking-definition--6ba7b810-9dad-41d1-80b4-00c04fd430c8");
                    object
                },
                Refused("only the four TLP 1.0 marking definitions"),
            ),
            (
                "TLP 2.0 amber+strict",
                tlp2(TLP2_AMBER_STRICT, "amber+strict"),
                Valid,
            ),
            (
                "TLP 2.0 amber+strict id saying red",
                tlp2(TLP2_AMBER_STRICT, "red"),
                Refused("must carry the TLP 2.0 extension with tlp_2_0 'amber+strict'"),
            ),
            (
                "TLP 2.0 level with another id",
                tlp2(
                    "marking-definition--6ba7b810-9dad-41d1-80b4-00c04fd430c8",
                    "red",
                ),
                Refused("a TLP 2.0 marking must use the standard identifier of its level"),
            ),
            (
                "statement",
                statement(json!({"statement": "Copyright Example Co."})),
                Valid,
            ),
            (
                "statement without statement",
                statement(json!({"text": "Copyright"})),
                Refused("'definition.statement' is required"),
            ),
            (
                "unknown definition type",
                {
                    let mut object = statement(json!({"policy": "internal"}));
                    object["definition_type"] = json!("x-acme-policy");
                    object
                },
                Warns(
                    "'definition_type' value 'x-acme-policy' is not in the marking-definition-type vocabulary",
                ),
            ),
            (
                "definition missing",
                json!({"type": "marking-definition", "spec_version": "2.1", "id": "marking-definition--6ba7b810-9dad-41d1-80b4-00c04fd430c8", "created": "2024-01-01T00:00:00.000Z", "definition_type": "statement"}),
                Refused(
                    "'definition_type' and 'definition' are required unless 'extensions' is present",
                ),
            ),
            (
                "marking itself",
                {
                    let mut object = statement(json!({"statement": "c"}));
                    object["object_marking_refs"] = json!([object["id"]]);
                    object
                },
                Refused("cannot mark itself"),
            ),
        ];
        assert_cases(cases, &Options::default());
    }

    #[test]
    fn meta_objects_translate_and_define_extensions() {
        let language_content = |contents: Value| {
            sdo(
                "language-content",
                json!({"object_ref": MALWARE, "object_modified": "2024-05-01T09:00:00.000Z", "contents": contents}),
            )
        };
        let extension_definition = |extra: Value| {
            let mut object = sdo(
                "extension-definition",
                json!({"created_by_ref": IDENTITY, "name": "x", "schema": "https://example.com/s.json", "version": "1.0.0", "extension_types": ["property-extension"]}),
            );
            merge(&mut object, extra);
            object
        };
        let cases = vec![
            (
                "language content",
                language_content(json!({"ja": {"name": "名前", "aliases": ["別名"]}})),
                Valid,
            ),
            (
                "language content keyed by a non-tag",
                language_content(json!({"japanese_lang": {"name": "x"}})),
                Refused("'contents.japanese_lang' must be keyed by an RFC 5646 language tag"),
            ),
            (
                "language content with a string translation set",
                language_content(json!({"ja": "名前"})),
                Refused("must be a dictionary of translated properties"),
            ),
            (
                "language content translating a non-property",
                language_content(json!({"ja": {"Name": "x"}})),
                Refused("'contents.ja.Name' is not a valid property name"),
            ),
            (
                "extension definition",
                extension_definition(json!({})),
                Valid,
            ),
            (
                "extension definition without creator",
                {
                    let mut object = extension_definition(json!({}));
                    object.as_object_mut().map(|o| o.remove("created_by_ref"));
                    object
                },
                Refused("extension-definition: property 'created_by_ref' is required"),
            ),
            (
                "extension definition of an unknown type",
                extension_definition(json!({"extension_types": ["new-thing"]})),
                Refused("'extension_types[0]' must be one of the extension-type-enum values"),
            ),
            (
                "extension properties without a top-level extension",
                extension_definition(json!({"extension_properties": ["x_rank"]})),
                Refused(
                    "'extension_properties' may only be used when 'extension_types' contains 'toplevel-property-extension'",
                ),
            ),
        ];
        assert_cases(cases, &Options::default());
    }

    #[test]
    fn granular_markings_select_what_is_present() {
        let marked = |markings: Value| {
            let mut indicator: Value = serde_json::from_str(INDICATOR).expect("json");
            merge(
                &mut indicator,
                json!({"description": "d", "external_references": [{"source_name": "feed", "url": "https://example.com/"}], "granular_markings": markings}),
            );
            indicator
        };
        let cases = vec![
            (
                "a property",
                marked(json!([{"marking_ref": TLP_GREEN, "selectors": ["description"]}])),
                Valid,
            ),
            (
                "a property of a list item",
                marked(
                    json!([{"marking_ref": TLP_GREEN, "selectors": ["external_references.[0].source_name"]}]),
                ),
                Valid,
            ),
            (
                "by language",
                marked(json!([{"lang": "en", "selectors": ["description"]}])),
                Valid,
            ),
            (
                "an absent property",
                marked(json!([{"marking_ref": TLP_GREEN, "selectors": ["name"]}])),
                Refused("the selector 'name', which does not select anything"),
            ),
            (
                "an index past the end",
                marked(
                    json!([{"marking_ref": TLP_GREEN, "selectors": ["external_references.[1]"]}]),
                ),
                Refused("does not select anything"),
            ),
            (
                "a malformed selector",
                marked(json!([{"marking_ref": TLP_GREEN, "selectors": ["[0]"]}])),
                Refused("is not of the form"),
            ),
            (
                "both marking and language",
                marked(
                    json!([{"marking_ref": TLP_GREEN, "lang": "en", "selectors": ["description"]}]),
                ),
                Refused(
                    "'granular_markings[0].marking_ref' and 'granular_markings[0].lang' cannot both be present",
                ),
            ),
            (
                "neither marking nor language",
                marked(json!([{"selectors": ["description"]}])),
                Refused(
                    "'granular_markings[0].marking_ref' or 'granular_markings[0].lang' is required",
                ),
            ),
            (
                "no selectors",
                marked(json!([{"marking_ref": TLP_GREEN}])),
                Refused("'granular_markings[0].selectors' is required"),
            ),
        ];
        assert_cases(cases, &Options::default());
    }

    #[test]
    fn values_outside_open_vocabularies_are_warnings_naming_property_and_value() {
        let cases = vec![
            (
                "indicator type",
                json!({"indicator_types": ["suspicious-ish"]}),
                "indicator: property 'indicator_types[0]' value 'suspicious-ish' is not in the indicator-type-ov vocabulary",
            ),
            (
                "pattern type",
                json!({"pattern_type": "x-acme", "pattern": "anything"}),
                "property 'pattern_type' value 'x-acme' is not in the pattern-type-ov vocabulary",
            ),
            (
                "custom hash name",
                json!({"external_references": [{"source_name": "f", "url": "https://example.com/", "hashes": {"crc32": "abcd"}}]}),
                "names the algorithm 'crc32'",
            ),
        ];
        for (case, extra, warning) in cases {
            let mut indicator: Value = serde_json::from_str(INDICATOR).expect("json");
            merge(&mut indicator, extra);
            let warnings = outcome(&indicator, &Options::default())
                .unwrap_or_else(|e| panic!("case {case}: refused: {e}"));
            assert!(
                warnings.iter().any(|w| w.contains(warning)),
                "case {case}: {warnings:?}"
            );
        }
    }

    #[test]
    fn observable_ids_should_be_deterministic_but_only_the_uuid_version_is_a_must() {
        let cases = vec![
            // STIX 2.1 section 6.8's own example: its id is not the UUIDv5 of its value.
            (
                "the specification's ipv4-addr example",
                sco(
                    "ipv4-addr",
                    "ff26c055-6336-5bc5-b98d-13d6226742dd",
                    json!({"value": "198.51.100.3"}),
                ),
                Warns("e.g. ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"),
            ),
            (
                "a deterministic ipv4-addr",
                sco(
                    "ipv4-addr",
                    "28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                    json!({"value": "198.51.100.3"}),
                ),
                Valid,
            ),
            (
                "a deterministic file from a single hash",
                sco(
                    "file",
                    "741019a6-c339-5e5d-ad1e-6fa3dec47bb4",
                    json!({"name": "foo.exe", "hashes": {"SHA-256": "fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"}}),
                ),
                Valid,
            ),
            (
                "a random ipv4-addr id",
                sco("ipv4-addr", V4, json!({"value": "198.51.100.3"})),
                Warns("SHOULD be the UUIDv5 of its ID contributing properties (value)"),
            ),
            (
                "a process with a UUIDv5",
                sco(
                    "process",
                    "28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                    json!({"pid": 4}),
                ),
                Refused("process: property 'id' must use a UUIDv4"),
            ),
            (
                "a user account without contributing properties",
                sco(
                    "user-account",
                    "28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                    json!({"display_name": "x"}),
                ),
                Refused("must use a UUIDv4 when none of the ID contributing properties"),
            ),
            (
                "a UUIDv7",
                sco(
                    "ipv4-addr",
                    "018f3b5e-7c2a-7d3e-9a4b-1c2d3e4f5a6b",
                    json!({"value": "198.51.100.3"}),
                ),
                Refused("must carry an RFC 4122 UUID (version 1 to 5)"),
            ),
        ];
        assert_cases(cases, &Options::default());
    }

    #[test]
    fn custom_content_is_accepted_by_default_and_refused_in_strict_mode() {
        let indicator = |extra: Value| {
            let mut object: Value = serde_json::from_str(INDICATOR).expect("json");
            merge(&mut object, extra);
            object
        };
        let strict = Options { strict: true };
        let cases = vec![
            (
                "x_ property",
                indicator(json!({"x_acme_rank": 1})),
                Valid,
                Refused("custom properties are refused in strict mode"),
            ),
            (
                "property without x_",
                indicator(json!({"acme_rank": 1})),
                Warns("SHOULD start with 'x_'"),
                Refused("strict mode"),
            ),
            (
                "hub properties",
                indicator(json!({RECIPIENTS_PROPERTY: ["acme"], ANONYMOUS_PROPERTY: "hub"})),
                Valid,
                Valid,
            ),
            (
                "property declared by a top-level extension",
                indicator(
                    json!({"acme_rank": 1, "extensions": {EXTENSION: {"extension_type": "toplevel-property-extension"}}}),
                ),
                Valid,
                Valid,
            ),
            (
                "x- object type",
                sdo("x-acme-widget", json!({"name": "w"})),
                Valid,
                Refused("strict mode accepts only types declared by an extension definition"),
            ),
            (
                "type declared by an extension",
                sdo(
                    "acme-widget",
                    json!({"name": "w", "extensions": {EXTENSION: {"extension_type": "new-sdo"}}}),
                ),
                Valid,
                Valid,
            ),
            (
                "custom -ext extension",
                sco(
                    "file",
                    V4,
                    json!({"name": "a", "extensions": {"x-acme-ext": {"rank": 1}}}),
                ),
                Warns("deprecated"),
                Refused("strict mode accepts only extension definitions"),
            ),
            (
                "common property not applicable",
                sco(
                    "ipv4-addr",
                    "28bb3599-77cd-5a82-a950-b5bc3caf07c4",
                    json!({"value": "198.51.100.3", "labels": ["x"]}),
                ),
                Warns("is not a common property of STIX Cyber-observable Objects"),
                Refused("is not a common property"),
            ),
            (
                "property name in upper case",
                indicator(json!({"x_acme_Rank": 1})),
                Refused("is not a valid property name"),
                Refused("is not a valid property name"),
            ),
            (
                "property name of two characters",
                indicator(json!({"xy": 1})),
                Refused("is not a valid property name"),
                Refused("is not a valid property name"),
            ),
            (
                "reserved property",
                indicator(json!({"severity": "high"})),
                Refused("'severity' is reserved"),
                Refused("'severity' is reserved"),
            ),
        ];
        let (lax, strict_cases): (Vec<_>, Vec<_>) = cases
            .into_iter()
            .map(|(case, object, lax, strict)| {
                ((case, object.clone(), lax), (case, object, strict))
            })
            .unzip();
        assert_cases(lax, &Options::default());
        assert_cases(strict_cases, &strict);
    }
}
