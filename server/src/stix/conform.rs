//! Walks a STIX object's JSON against the property tables of `schema`: the kind of every
//! value, references, formats, vocabularies, extensions, custom properties and the
//! rules between properties. What is not a table (patterns, marking definitions,
//! selectors, identifiers) stays in `validate`.
//!
//! Errors name the object type, the property (as a path) and the rule broken; problems
//! that are only SHOULDs become warnings. Nothing here allocates unless it reports.

use std::fmt;

use serde_json::{Map, Value};

use super::formats;
use super::id::{StixId, check_type_name};
use super::schema::{
    self, Category, Format, Kind, Property, Refs, Rule, Structure, TLP2_EXTENSION, Vocabulary,
};
use super::timestamp;

/// A property's place in the object, for messages: `external_references[0].url`.
#[derive(Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    step: Step<'a>,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    pub fn root(name: &'a str) -> Path<'a> {
        Path {
            parent: None,
            step: Step::Key(name),
        }
    }

    fn key(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Key(name),
        }
    }

    fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            step: Step::Index(index),
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
            if let Step::Key(_) = self.step {
                f.write_str(".")?;
            }
        }
        match self.step {
            Step::Key(name) => f.write_str(name),
            Step::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// Which extension types an object's `extensions` declare.
#[derive(Debug, Clone, Copy, Default)]
pub struct Declared {
    /// A `toplevel-property-extension`: unknown top-level properties are its own.
    pub toplevel_properties: bool,
    /// A `new-sdo`, `new-sco` or `new-sro`: the object's type is defined by an extension.
    pub new_object: bool,
}

impl Declared {
    pub fn of(object: &Map<String, Value>) -> Declared {
        let mut declared = Declared::default();
        let Some(Value::Object(extensions)) = object.get("extensions") else {
            return declared;
        };
        for entry in extensions.values() {
            match entry.get("extension_type").and_then(Value::as_str) {
                Some("toplevel-property-extension") => declared.toplevel_properties = true,
                Some("new-sdo" | "new-sco" | "new-sro") => declared.new_object = true,
                _ => {}
            }
        }
        declared
    }
}

/// Checks one object against the tables, collecting warnings.
pub struct Checker<'c> {
    pub type_name: &'c str,
    pub category: Category,
    pub strict: bool,
    pub declared: Declared,
    pub warnings: &'c mut Vec<String>,
}

impl Checker<'_> {
    fn error(&self, path: &Path<'_>, rule: impl fmt::Display) -> String {
        format!("{}: property '{path}' {rule}", self.type_name)
    }

    fn warn(&mut self, path: &Path<'_>, rule: impl fmt::Display) {
        self.warnings
            .push(format!("{}: property '{path}' {rule}", self.type_name));
    }

    /// The top level of an object: the type's own properties, then the common ones of
    /// its category; anything else is custom. Base properties (`type`, `id`, ...) and
    /// `skip` are left to the caller.
    pub fn object(
        &mut self,
        object: &Map<String, Value>,
        structure: &Structure,
        common: &'static [Property],
        skip: &[&str],
    ) -> Result<(), String> {
        let custom_type = self.category == Category::Custom;
        for (name, value) in object {
            let name = name.as_str();
            if schema::BASE_PROPERTIES.contains(&name) || skip.contains(&name) {
                continue;
            }
            let path = Path::root(name);
            if schema::RESERVED_PROPERTIES.contains(&name) {
                return Err(self.error(&path, "is reserved by STIX 2.1 and cannot be used"));
            }
            if let Some(property) = structure
                .property(name)
                .or_else(|| schema::find(common, name))
            {
                self.value(value, &property.kind, &path)?;
            } else if let Some(property) = schema::find(schema::ANY_COMMON, name) {
                self.value(value, &property.kind, &path)?;
                let rule = format!(
                    "is not a common property of {}",
                    category_name(self.category)
                );
                if self.strict && !custom_type {
                    return Err(self.error(&path, rule));
                }
                if !custom_type {
                    self.warn(&path, rule);
                }
            } else {
                let declared = custom_type || self.declared.toplevel_properties;
                self.custom_property(name, value, &path, declared)?;
            }
        }
        self.required_and_rules(object, structure, None)
    }

    fn structure(
        &mut self,
        map: &Map<String, Value>,
        structure: &Structure,
        path: &Path<'_>,
    ) -> Result<(), String> {
        for (name, value) in map {
            let here = path.key(name);
            match structure.property(name) {
                Some(property) => self.value(value, &property.kind, &here)?,
                None => self.custom_property(name, value, &here, false)?,
            }
        }
        self.required_and_rules(map, structure, Some(path))
    }

    /// A property no table defines: its name must follow the naming rule; outside
    /// what an extension declares it is custom, refused in strict mode and otherwise
    /// expected to carry the `x_` prefix.
    fn custom_property(
        &mut self,
        name: &str,
        value: &Value,
        path: &Path<'_>,
        declared: bool,
    ) -> Result<(), String> {
        if !formats::is_property_name(name) {
            return Err(self.error(
                path,
                "is not a valid property name (3 to 250 characters of a-z, 0-9 and _)",
            ));
        }
        // STIX 2.1 "Binary" and "Hex": properties of those types end in _bin and _hex.
        if name.ends_with("_bin") {
            self.value(value, &Kind::Binary, path)?;
        } else if name.ends_with("_hex") {
            self.value(value, &Kind::Hex, path)?;
        }
        if declared {
            return Ok(());
        }
        if self.strict {
            return Err(self.error(
                path,
                format!(
                    "is not a STIX 2.1 property of {}; custom properties are refused in strict mode",
                    self.type_name
                ),
            ));
        }
        if !name.starts_with("x_") {
            self.warn(
                path,
                format!(
                    "is not a STIX 2.1 property of {}; custom property names SHOULD start with 'x_'",
                    self.type_name
                ),
            );
        }
        Ok(())
    }

    fn required_and_rules(
        &mut self,
        map: &Map<String, Value>,
        structure: &Structure,
        path: Option<&Path<'_>>,
    ) -> Result<(), String> {
        for property in structure.properties {
            if property.required && !map.contains_key(property.name) {
                return Err(self.named_error(path, property.name, "is required"));
            }
        }
        for rule in structure.rules {
            self.rule(map, structure, rule, path)?;
        }
        Ok(())
    }

    fn named_error(&self, parent: Option<&Path<'_>>, name: &str, rule: &str) -> String {
        match parent {
            Some(parent) => self.error(&parent.key(name), rule),
            None => self.error(&Path::root(name), rule),
        }
    }

    fn names(parent: Option<&Path<'_>>, names: &[&str], joiner: &str) -> String {
        let quoted: Vec<String> = names
            .iter()
            .map(|name| match parent {
                Some(parent) => format!("'{}'", parent.key(name)),
                None => format!("'{name}'"),
            })
            .collect();
        quoted.join(joiner)
    }

    fn rule(
        &mut self,
        map: &Map<String, Value>,
        structure: &Structure,
        rule: &Rule,
        path: Option<&Path<'_>>,
    ) -> Result<(), String> {
        let prefix = self.type_name;
        match rule {
            Rule::AnyOf(names) => {
                if !names.iter().any(|name| map.contains_key(*name)) {
                    return Err(format!(
                        "{prefix}: property {} is required",
                        Self::names(path, names, " or ")
                    ));
                }
            }
            Rule::OneOf(names) => {
                let present: Vec<&str> = names
                    .iter()
                    .copied()
                    .filter(|name| map.contains_key(*name))
                    .collect();
                if present.is_empty() {
                    return Err(format!(
                        "{prefix}: property {} is required",
                        Self::names(path, names, " or ")
                    ));
                }
                if present.len() > 1 {
                    return Err(format!(
                        "{prefix}: properties {} cannot both be present",
                        Self::names(path, &present, " and ")
                    ));
                }
            }
            Rule::Requires(first, second) => {
                if map.contains_key(*first) && !map.contains_key(*second) {
                    return Err(format!(
                        "{prefix}: property {} requires {}",
                        Self::names(path, &[first], ""),
                        Self::names(path, &[second], "")
                    ));
                }
            }
            Rule::NotEmpty => {
                let own = structure
                    .properties
                    .iter()
                    .any(|property| map.contains_key(property.name));
                // Top level: "at least one property from this object or one of its
                // extensions".
                if !(own || path.is_none() && map.contains_key("extensions")) {
                    return Err(match path {
                        Some(path) => self.error(
                            path,
                            format!("must have at least one property of {}", structure.name),
                        ),
                        None => format!(
                            "{prefix}: at least one {} property (other than the common ones) is required",
                            structure.name
                        ),
                    });
                }
            }
            Rule::Ordered {
                first,
                second,
                strictly,
            } => {
                let instant = |name: &str| {
                    map.get(name)
                        .and_then(Value::as_str)
                        .and_then(|text| timestamp::parse_stix(text).ok())
                        .map(|parsed| parsed.instant)
                };
                if let (Some(from), Some(until)) = (instant(first), instant(second)) {
                    let wrong = if *strictly {
                        until <= from
                    } else {
                        until < from
                    };
                    if wrong {
                        return Err(format!(
                            "{prefix}: property {} must be later than {}{}",
                            Self::names(path, &[second], ""),
                            if *strictly { "" } else { "or equal to " },
                            Self::names(path, &[first], "")
                        ));
                    }
                }
            }
            Rule::When {
                property,
                value,
                other,
                present,
            } => {
                if map.get(*property).and_then(Value::as_bool) == Some(*value)
                    && map.contains_key(*other) != *present
                {
                    let verb = if *present {
                        "is required"
                    } else {
                        "must not be present"
                    };
                    return Err(format!(
                        "{prefix}: property {} {verb} when {} is {value}",
                        Self::names(path, &[other], ""),
                        Self::names(path, &[property], "")
                    ));
                }
            }
            Rule::ExternalId => {
                let source = map.get("source_name").and_then(Value::as_str);
                let external_id = map.get("external_id").and_then(Value::as_str);
                let (fits, form): (fn(&str) -> bool, &str) = match source {
                    Some("cve") => (formats::is_cve_id, "a CVE identifier (CVE-YYYY-NNNN)"),
                    Some("capec") => (formats::is_capec_id, "a CAPEC identifier (CAPEC-N)"),
                    _ => return Ok(()),
                };
                if !external_id.is_some_and(fits) {
                    return Err(self.named_error(
                        path,
                        "external_id",
                        &format!(
                            "must be {form} when 'source_name' is '{}'",
                            source.unwrap_or_default()
                        ),
                    ));
                }
            }
            Rule::ExtensionProperties => {
                let toplevel = map
                    .get("extension_types")
                    .and_then(Value::as_array)
                    .is_some_and(|types| {
                        types
                            .iter()
                            .any(|t| t.as_str() == Some("toplevel-property-extension"))
                    });
                if map.contains_key("extension_properties") && !toplevel {
                    return Err(format!(
                        "{prefix}: property 'extension_properties' may only be used when 'extension_types' contains 'toplevel-property-extension'"
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks `value` is of `kind`.
    pub fn value(&mut self, value: &Value, kind: &Kind, path: &Path<'_>) -> Result<(), String> {
        match kind {
            Kind::String => {
                self.string(value, path)?;
            }
            Kind::Format(format) => {
                let text = self.string(value, path)?;
                self.format(text, *format, path)?;
            }
            Kind::Integer { min, max } => {
                let integer = value.as_number().and_then(|number| {
                    number.as_i64().or_else(|| {
                        number
                            .as_f64()
                            .filter(|f| f.fract() == 0.0 && f.abs() <= schema::MAX_INTEGER as f64)
                            .map(|f| f as i64)
                    })
                });
                if !integer.is_some_and(|i| (*min..=*max).contains(&i)) {
                    return Err(self.error(path, integer_rule(*min, *max)));
                }
            }
            Kind::Number { min, max } => {
                if !value.as_f64().is_some_and(|n| (*min..=*max).contains(&n)) {
                    let rule = if *min == f64::MIN {
                        "must be a number".to_owned()
                    } else if *max == f64::MAX {
                        format!("must be a number of at least {min}")
                    } else {
                        format!("must be a number from {min} to {max}")
                    };
                    return Err(self.error(path, rule));
                }
            }
            Kind::Boolean => {
                if !value.is_boolean() {
                    return Err(self.error(path, "must be a boolean"));
                }
            }
            Kind::Timestamp => {
                let text = value
                    .as_str()
                    .ok_or_else(|| self.error(path, "must be a timestamp string"))?;
                timestamp::parse_stix(text).map_err(|e| self.error(path, e))?;
            }
            Kind::Binary => {
                if !value.as_str().is_some_and(formats::is_base64) {
                    return Err(self.error(path, "must be base64-encoded binary data"));
                }
            }
            Kind::Hex => {
                if !value.as_str().is_some_and(formats::is_hex) {
                    return Err(
                        self.error(path, "must be hex (an even number of hexadecimal digits)")
                    );
                }
            }
            Kind::Identifier(refs) => self.reference(value, *refs, path)?,
            Kind::OpenVocab(vocabulary) => {
                let text = self.string(value, path)?;
                if !vocabulary.contains(text) {
                    self.warn(
                        path,
                        format!(
                            "value '{text}' is not in the {} vocabulary",
                            vocabulary.name
                        ),
                    );
                }
            }
            Kind::Enum(vocabulary) => {
                let text = self.string(value, path)?;
                if !vocabulary.contains(text) {
                    return Err(self.error(path, enum_rule(vocabulary, text)));
                }
            }
            Kind::List(item) => {
                let Value::Array(items) = value else {
                    return Err(self.error(path, "must be a list"));
                };
                for (index, element) in items.iter().enumerate() {
                    self.value(element, item, &path.index(index))?;
                }
            }
            Kind::Dictionary(item) => {
                let map = self.dictionary(value, path)?;
                for (key, element) in map {
                    self.value(element, item, &path.key(key))?;
                }
            }
            Kind::StringOrInteger => {
                if !(value.is_string() || value.is_i64() || value.is_u64()) {
                    return Err(self.error(path, "must be a string or an integer"));
                }
            }
            Kind::Any => {}
            Kind::Hashes => self.hashes(value, path)?,
            Kind::Structure(structure) => {
                let Value::Object(map) = value else {
                    return Err(self.error(path, format!("must be a {} object", structure.name)));
                };
                self.structure(map, structure, path)?;
            }
            Kind::Extensions => self.extensions(value, path)?,
            Kind::SocketOptions => {
                let map = self.dictionary(value, path)?;
                for (key, option) in map {
                    let here = path.key(key);
                    if !(option.is_i64() || option.is_u64()) {
                        return Err(self.error(&here, "must be an integer"));
                    }
                    if !is_socket_option(key) {
                        self.warn(&here, "SHOULD be a socket option name such as SO_RCVBUF");
                    }
                }
            }
            Kind::Contents => {
                let map = self.dictionary(value, path)?;
                for (language, translations) in map {
                    let here = path.key(language);
                    if !formats::is_language_tag(language) {
                        return Err(self.error(&here, "must be keyed by an RFC 5646 language tag"));
                    }
                    let Value::Object(translations) = translations else {
                        return Err(
                            self.error(&here, "must be a dictionary of translated properties")
                        );
                    };
                    if translations.is_empty() {
                        return Err(self.error(&here, "must translate at least one property"));
                    }
                    if let Some(name) = translations
                        .keys()
                        .find(|name| !formats::is_property_name(name))
                    {
                        return Err(self.error(
                            &here.key(name),
                            "is not a valid property name (3 to 250 characters of a-z, 0-9 and _)",
                        ));
                    }
                }
            }
            Kind::ObservedObjects => {
                let map = self.dictionary(value, path)?;
                for (key, observed) in map {
                    let type_ok = observed
                        .get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| check_type_name(t).is_ok());
                    if !type_ok {
                        return Err(self.error(
                            &path.key(key),
                            "must be a cyber-observable object with a valid 'type'",
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn string<'v>(&self, value: &'v Value, path: &Path<'_>) -> Result<&'v str, String> {
        value
            .as_str()
            .ok_or_else(|| self.error(path, "must be a string"))
    }

    /// STIX 2.1 "Dictionary": at least one entry, keys of `a-zA-Z0-9_-`, 250 at most.
    fn dictionary<'v>(
        &self,
        value: &'v Value,
        path: &Path<'_>,
    ) -> Result<&'v Map<String, Value>, String> {
        let Value::Object(map) = value else {
            return Err(self.error(path, "must be a dictionary"));
        };
        if map.is_empty() {
            return Err(self.error(path, "must be a dictionary with at least one entry"));
        }
        if let Some(key) = map.keys().find(|key| !formats::is_dictionary_key(key)) {
            return Err(self.error(
                path,
                format!(
                    "has the key '{key}'; dictionary keys are 1 to 250 characters of a-z, A-Z, 0-9, - and _"
                ),
            ));
        }
        Ok(map)
    }

    fn format(&mut self, text: &str, format: Format, path: &Path<'_>) -> Result<(), String> {
        let (valid, rule) = match format {
            Format::LanguageTag => (
                formats::is_language_tag(text),
                "must be an RFC 5646 language tag",
            ),
            Format::Url => (formats::is_url(text), "must be a URL (RFC 3986)"),
            Format::DomainName => (
                formats::is_domain_name(text),
                "must be a domain name (RFC 1034, RFC 5890)",
            ),
            Format::EmailAddress => (
                formats::is_email_address(text),
                "must be a single e-mail address (RFC 5322 addr-spec)",
            ),
            Format::Ipv4 => (
                formats::is_ipv4(text),
                "must be an IPv4 address or CIDR block",
            ),
            Format::Ipv6 => (
                formats::is_ipv6(text),
                "must be an IPv6 address or CIDR block",
            ),
            Format::MacAddress => (
                formats::is_mac_address(text),
                "must be a colon-delimited, lower-case MAC-48 address",
            ),
            Format::Cpe => (
                formats::is_cpe23(text),
                "must be a CPE 2.3 name (cpe:2.3:part:vendor:product:...)",
            ),
            Format::Charset => (
                formats::is_charset(text),
                "must be an IANA character set name",
            ),
            Format::RegistryKey => (
                formats::has_full_hive(text),
                "must spell out the registry hive (HKEY_LOCAL_MACHINE, not HKLM)",
            ),
            Format::RelationshipType => (
                formats::is_relationship_type(text),
                "must use only a-z, 0-9 and '-'",
            ),
            Format::MediaType => {
                if !formats::is_media_type(text) {
                    self.warn(path, format!("value '{text}' SHOULD be an IANA media type"));
                }
                return Ok(());
            }
            Format::Protocol => {
                if !formats::is_protocol(text) {
                    self.warn(
                        path,
                        format!(
                            "value '{text}' SHOULD be a lower-case IANA service name or protocol"
                        ),
                    );
                }
                return Ok(());
            }
            Format::PriorityClass => {
                if !text.ends_with("_CLASS") {
                    self.warn(path, format!("value '{text}' SHOULD end in '_CLASS'"));
                }
                return Ok(());
            }
        };
        if valid {
            Ok(())
        } else {
            Err(self.error(path, rule))
        }
    }

    fn reference(&mut self, value: &Value, refs: Refs, path: &Path<'_>) -> Result<(), String> {
        let text = value
            .as_str()
            .ok_or_else(|| self.error(path, "must be an identifier string"))?;
        let id = StixId::parse(text).map_err(|e| self.error(path, e))?;
        if !has_rfc4122_version(text) {
            return Err(self.error(path, UUID_VERSION_RULE));
        }
        let target = id.type_name();
        let target_category = (target != "bundle").then(|| schema::category(target));
        let allowed = match refs {
            Refs::Types(types) => types.contains(&target),
            Refs::Sdo => matches!(
                target_category,
                Some(Category::DomainObject | Category::Custom)
            ),
            Refs::Sco => matches!(
                target_category,
                Some(Category::CyberObservable | Category::Custom)
            ),
            Refs::SdoOrSco => matches!(
                target_category,
                Some(Category::DomainObject | Category::CyberObservable | Category::Custom)
            ),
            Refs::ScoOrSro => matches!(
                target_category,
                Some(Category::CyberObservable | Category::RelationshipObject | Category::Custom)
            ),
            Refs::Translatable => target != "language-content" && target != "bundle",
            Refs::Any => true,
        };
        if !allowed {
            let expected = match refs {
                Refs::Types(types) => types.join(" or "),
                Refs::Sdo => "a STIX Domain Object".into(),
                Refs::Sco => "a STIX Cyber-observable Object".into(),
                Refs::SdoOrSco => "a STIX Domain Object or Cyber-observable Object".into(),
                Refs::ScoOrSro => "a STIX Cyber-observable Object or Relationship Object".into(),
                Refs::Translatable => "a STIX object other than a language content".into(),
                Refs::Any => "a STIX object".into(),
            };
            return Err(self.error(path, format!("must refer to {expected}, not '{target}'")));
        }
        Ok(())
    }

    /// STIX 2.1 "Hashes": algorithm names from the hash-algorithm-ov (or custom, which
    /// SHOULD start with `x_`), values of the right shape for known algorithms.
    fn hashes(&mut self, value: &Value, path: &Path<'_>) -> Result<(), String> {
        let map = self.dictionary(value, path)?;
        for (algorithm, hash) in map {
            let here = path.key(algorithm);
            let hash = self.string(hash, &here)?;
            match formats::hash_value_fits(algorithm, hash) {
                Some(true) => {}
                Some(false) => {
                    return Err(self.error(&here, format!("is not a valid {algorithm} hash")));
                }
                None => {
                    if !algorithm.starts_with("x_") {
                        self.warn(
                            &here,
                            format!(
                                "names the algorithm '{algorithm}', which is not in the hash-algorithm-ov vocabulary; custom algorithm names SHOULD start with 'x_'"
                            ),
                        );
                    }
                    if algorithm.len() > 30 {
                        self.warn(&here, "SHOULD be a hash name of at most 30 characters");
                    }
                }
            }
        }
        Ok(())
    }

    /// STIX 2.1 "Extensions": keys are extension-definition identifiers or predefined
    /// (or, deprecated, custom) extension names ending in `-ext`.
    fn extensions(&mut self, value: &Value, path: &Path<'_>) -> Result<(), String> {
        let map = self.dictionary(value, path)?;
        for (key, extension) in map {
            let here = path.key(key);
            let Value::Object(entry) = extension else {
                return Err(self.error(&here, "must be a dictionary of extension properties"));
            };
            if entry.is_empty() {
                return Err(self.error(&here, "must have at least one property"));
            }
            if key.starts_with("extension-definition--") {
                self.defined_extension(key, entry, &here)?;
            } else if self.category == Category::MarkingDefinition {
                return Err(self.error(
                    &here,
                    "is not an extension-definition identifier; marking definitions take only those",
                ));
            } else if let Some(predefined) = schema::predefined_extension(key) {
                if predefined.host != self.type_name {
                    return Err(self.error(
                        &here,
                        format!(
                            "is an extension of {} objects, not of {}",
                            predefined.host, self.type_name
                        ),
                    ));
                }
                self.structure(entry, predefined.structure, &here)?;
            } else if key.ends_with("-ext") && check_type_name(key).is_ok() {
                if self.strict {
                    return Err(self.error(
                        &here,
                        "is a custom extension; strict mode accepts only extension definitions",
                    ));
                }
                for name in entry.keys() {
                    if !formats::is_property_name(name) {
                        return Err(self.error(
                            &here.key(name),
                            "is not a valid property name (3 to 250 characters of a-z, 0-9 and _)",
                        ));
                    }
                }
                self.warn(
                    &here,
                    "is a custom extension, deprecated in STIX 2.1; define it with an extension-definition",
                );
            } else {
                return Err(self.error(
                    &here,
                    "must be keyed by an extension-definition identifier or a predefined extension name",
                ));
            }
        }
        Ok(())
    }

    /// An entry keyed by an extension-definition id (STIX 2.1 section 7.3).
    fn defined_extension(
        &mut self,
        key: &str,
        entry: &Map<String, Value>,
        path: &Path<'_>,
    ) -> Result<(), String> {
        let key_ok = StixId::parse(key)
            .is_ok_and(|id| id.type_name() == "extension-definition" && has_rfc4122_version(key));
        if !key_ok {
            return Err(self.error(path, "is not a valid extension-definition identifier"));
        }
        match entry.get("extension_type") {
            None => return Err(self.error(&path.key("extension_type"), "is required")),
            Some(kind) => self.value(
                kind,
                &Kind::Enum(&schema::EXTENSION_TYPE),
                &path.key("extension_type"),
            )?,
        }
        if let Some(name) = entry.keys().find(|name| !formats::is_property_name(name)) {
            return Err(self.error(
                &path.key(name),
                "is not a valid property name (3 to 250 characters of a-z, 0-9 and _)",
            ));
        }
        if key == TLP2_EXTENSION {
            if entry.get("extension_type").and_then(Value::as_str) != Some("property-extension") {
                return Err(self.error(
                    &path.key("extension_type"),
                    "must be 'property-extension' for the TLP 2.0 extension",
                ));
            }
            let level = entry.get("tlp_2_0").and_then(Value::as_str);
            if !level.is_some_and(|level| schema::TLP2_MARKINGS.iter().any(|(_, l)| *l == level)) {
                return Err(self.error(
                    &path.key("tlp_2_0"),
                    "must be one of clear, green, amber, amber+strict, red",
                ));
            }
        }
        Ok(())
    }
}

/// STIX 2.1 "Identifier": an RFC 4122 UUID, whose versions are 1 to 5.
pub fn has_rfc4122_version(id: &str) -> bool {
    id.len() >= 36 && matches!(id.as_bytes()[id.len() - 36 + 14], b'1'..=b'5')
}

pub const UUID_VERSION_RULE: &str = "must carry an RFC 4122 UUID (version 1 to 5)";

fn integer_rule(min: i64, max: i64) -> String {
    if min == -schema::MAX_INTEGER && max == schema::MAX_INTEGER {
        format!("must be an integer from {min} to {max}")
    } else if max == schema::MAX_INTEGER {
        format!("must be an integer of at least {min}")
    } else {
        format!("must be an integer from {min} to {max}")
    }
}

fn enum_rule(vocabulary: &Vocabulary, found: &str) -> String {
    format!(
        "must be one of the {} values ({}), not '{found}'",
        vocabulary.name,
        vocabulary.values.join(", ")
    )
}

fn category_name(category: Category) -> &'static str {
    match category {
        Category::DomainObject => "STIX Domain Objects",
        Category::RelationshipObject => "STIX Relationship Objects",
        Category::CyberObservable => "STIX Cyber-observable Objects",
        Category::MarkingDefinition => "marking definitions",
        Category::MetaObject => "this STIX Meta Object",
        Category::Custom => "custom objects",
    }
}

/// `SO_`, `ICMP_`, `ICMP6_`, `IP_`, `IPV6_`, `MCAST_`, `TCP_` or `IRLMP_` and upper-case
/// words, as STIX 2.1 "Network Socket Extension" names socket options.
fn is_socket_option(key: &str) -> bool {
    let Some((family, rest)) = key.split_once('_') else {
        return false;
    };
    matches!(
        family,
        "SO" | "ICMP" | "ICMP6" | "IP" | "IPV6" | "MCAST" | "TCP" | "IRLMP"
    ) && rest
        .split('_')
        .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_uppercase()))
}
