//! STIX 2.1 building blocks the feeds share: deterministic ids, TLP 2.0 markings, IOC kinds
//! and their pattern comparisons, timestamps, the indicator object. No I/O.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{Map, Value, json};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};
use uuid::Uuid;

/// The UUIDv5 namespace of ids the connectors derive, so a re-import yields the same ids.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x8e22_b2d0_8e03_4ba1_88dd_e68f_f55c_af73);

const MILLIS: &[BorrowedFormatItem<'_>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// `<stix_type>--<UUIDv5(NAMESPACE, "<stix_type>:<key>")>`.
pub fn deterministic_id(stix_type: &str, key: &str) -> String {
    let uuid = Uuid::new_v5(&NAMESPACE, format!("{stix_type}:{key}").as_bytes());
    format!("{stix_type}--{uuid}")
}

/// A STIX timestamp in UTC with millisecond precision: `2024-05-01T10:00:00.000Z`.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    // Formatting a valid date with a fixed description only fails for years past 9999.
    at.format(MILLIS)
        .unwrap_or_else(|_| "9999-12-31T23:59:59.999Z".to_owned())
}

/// A time from RFC 3339, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` (UTC) or epoch seconds.
pub fn parse_time(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return OffsetDateTime::from_unix_timestamp(text.parse().ok()?).ok();
    }
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at);
    }
    if let Ok(at) = PrimitiveDateTime::parse(
        text,
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    ) {
        return Some(at.assume_utc());
    }
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|d| d.midnight().assume_utc())
}

/// A TLP 2.0 level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

impl Tlp {
    /// `tlp:white`, `TLP:CLEAR`, `green`, `amber+strict`, `amber-strict`, `red`, ...
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        let level = text.strip_prefix("tlp:").unwrap_or(&text).trim();
        Some(match level {
            "white" | "clear" => Self::Clear,
            "green" => Self::Green,
            "amber" => Self::Amber,
            "amber+strict" | "amber-strict" | "amber_strict" => Self::AmberStrict,
            "red" => Self::Red,
            _ => return None,
        })
    }

    /// The TLP 2.0 marking definition (OASIS TLP 2.0 extension).
    pub fn marking_id(self) -> &'static str {
        match self {
            Self::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
            Self::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
            Self::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
            Self::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
            Self::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        }
    }
}

/// The kinds of IOC the importers turn into pattern comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IocKind {
    Ipv4,
    Ipv6,
    Domain,
    Url,
    Email,
    Md5,
    Sha1,
    Sha256,
    Sha512,
    FileName,
}

impl IocKind {
    /// A CSV `type` value: `ip` (either family), `ipv4`, `ipv6`, `domain`, `hostname`, `url`,
    /// `email`, `md5`, `sha1`, `sha256`, `sha512`, `filename`, or the STIX type names.
    /// `ip` resolves against the value.
    pub fn from_name(name: &str, value: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Some(match name.as_str() {
            "ip" | "ip-addr" | "ip-address" => {
                return match Self::detect(value) {
                    Some(kind @ (Self::Ipv4 | Self::Ipv6)) => Some(kind),
                    _ => Some(Self::Ipv4),
                };
            }
            "ipv4" | "ipv4-addr" => Self::Ipv4,
            "ipv6" | "ipv6-addr" => Self::Ipv6,
            "domain" | "domain-name" | "hostname" | "fqdn" => Self::Domain,
            "url" | "uri" => Self::Url,
            "email" | "email-addr" | "email-address" => Self::Email,
            "md5" => Self::Md5,
            "sha1" | "sha-1" => Self::Sha1,
            "sha256" | "sha-256" => Self::Sha256,
            "sha512" | "sha-512" => Self::Sha512,
            "filename" | "file-name" => Self::FileName,
            _ => return None,
        })
    }

    /// The kind a value looks like; file names are never guessed.
    pub fn detect(value: &str) -> Option<Self> {
        let value = value.trim();
        if ip_or_cidr::<Ipv4Addr>(value, 32) {
            Some(Self::Ipv4)
        } else if ip_or_cidr::<Ipv6Addr>(value, 128) {
            Some(Self::Ipv6)
        } else if value.contains("://") {
            Some(Self::Url)
        } else if value.contains('@') {
            Some(Self::Email)
        } else if let Some(kind) = hash_kind(value) {
            Some(kind)
        } else if valid_domain(value) {
            Some(Self::Domain)
        } else {
            None
        }
    }

    /// The value as it goes into the pattern (hashes and domains lower case), or why it is
    /// not a value of this kind.
    pub fn normalise(self, value: &str) -> Result<String, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("empty value".to_owned());
        }
        let ok = match self {
            Self::Ipv4 => ip_or_cidr::<Ipv4Addr>(value, 32),
            Self::Ipv6 => ip_or_cidr::<Ipv6Addr>(value, 128),
            Self::Domain => valid_domain(value),
            Self::Url => {
                value.contains("://") && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            Self::Email => value
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && valid_domain(domain)),
            Self::Md5 | Self::Sha1 | Self::Sha256 | Self::Sha512 => hash_kind(value) == Some(self),
            Self::FileName => !value.chars().any(char::is_control),
        };
        if !ok {
            return Err(format!("'{value}' is not a valid {}", self.name()));
        }
        Ok(match self {
            Self::Domain => value.trim_end_matches('.').to_lowercase(),
            Self::Md5 | Self::Sha1 | Self::Sha256 | Self::Sha512 => value.to_ascii_lowercase(),
            _ => value.to_owned(),
        })
    }

    /// The pattern comparison for a normalised value.
    pub fn comparison(self, value: &str) -> String {
        let path = match self {
            Self::Ipv4 => "ipv4-addr:value",
            Self::Ipv6 => "ipv6-addr:value",
            Self::Domain => "domain-name:value",
            Self::Url => "url:value",
            Self::Email => "email-addr:value",
            Self::Md5 => "file:hashes.MD5",
            Self::Sha1 => "file:hashes.'SHA-1'",
            Self::Sha256 => "file:hashes.'SHA-256'",
            Self::Sha512 => "file:hashes.'SHA-512'",
            Self::FileName => "file:name",
        };
        format!("{path} = {}", quote(value))
    }

    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ipv4 => "IPv4 address",
            Self::Ipv6 => "IPv6 address",
            Self::Domain => "domain name",
            Self::Url => "URL",
            Self::Email => "email address",
            Self::Md5 => "MD5 hash",
            Self::Sha1 => "SHA-1 hash",
            Self::Sha256 => "SHA-256 hash",
            Self::Sha512 => "SHA-512 hash",
            Self::FileName => "file name",
        }
    }
}

/// A STIX pattern string literal: quoted, with `\` and `'` escaped.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// One observation of comparisons joined with AND.
pub fn pattern(comparisons: &[String]) -> String {
    format!("[{}]", comparisons.join(" AND "))
}

/// Undoes common defanging: `hxxp`, `[.]`, `(.)`, `[@]`, `[:]`.
pub fn refang(value: &str) -> String {
    let mut value = value
        .trim()
        .replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[dot]", ".")
        .replace("[@]", "@")
        .replace("[:]", ":");
    for (defanged, scheme) in [("hxxps://", "https://"), ("hxxp://", "http://")] {
        if value.to_ascii_lowercase().starts_with(defanged) {
            value = format!("{scheme}{}", &value[defanged.len()..]);
        }
    }
    value
}

fn ip_or_cidr<T: std::str::FromStr>(value: &str, max_prefix: u8) -> bool {
    match value.split_once('/') {
        Some((address, prefix)) => {
            address.parse::<T>().is_ok() && prefix.parse::<u8>().is_ok_and(|p| p <= max_prefix)
        }
        None => value.parse::<T>().is_ok(),
    }
}

fn hash_kind(value: &str) -> Option<IocKind> {
    if !value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match value.len() {
        32 => Some(IocKind::Md5),
        40 => Some(IocKind::Sha1),
        64 => Some(IocKind::Sha256),
        128 => Some(IocKind::Sha512),
        _ => None,
    }
}

fn valid_domain(value: &str) -> bool {
    let value = value.trim_end_matches('.');
    value.len() <= 253
        && value.contains('.')
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
        && !value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// The properties of an indicator the feeds set.
#[derive(Debug, Clone, Default)]
pub struct IndicatorSpec {
    pub id: String,
    pub created: String,
    pub modified: String,
    pub name: String,
    pub description: Option<String>,
    pub pattern: String,
    pub valid_from: String,
    pub valid_until: Option<String>,
    pub confidence: Option<u8>,
    pub labels: Vec<String>,
    pub tlp: Option<Tlp>,
    pub external_references: Vec<Value>,
}

/// A STIX 2.1 indicator with a STIX pattern (section 4.7).
pub fn indicator(spec: IndicatorSpec) -> Value {
    let mut object = Map::new();
    object.insert("type".into(), json!("indicator"));
    object.insert("spec_version".into(), json!("2.1"));
    object.insert("id".into(), json!(spec.id));
    object.insert("created".into(), json!(spec.created));
    object.insert("modified".into(), json!(spec.modified));
    object.insert("name".into(), json!(spec.name));
    if let Some(description) = spec.description.filter(|d| !d.trim().is_empty()) {
        object.insert("description".into(), json!(description));
    }
    object.insert("indicator_types".into(), json!(["malicious-activity"]));
    object.insert("pattern".into(), json!(spec.pattern));
    object.insert("pattern_type".into(), json!("stix"));
    object.insert("pattern_version".into(), json!("2.1"));
    object.insert("valid_from".into(), json!(spec.valid_from));
    if let Some(until) = spec.valid_until {
        object.insert("valid_until".into(), json!(until));
    }
    if let Some(confidence) = spec.confidence {
        object.insert("confidence".into(), json!(confidence));
    }
    if !spec.labels.is_empty() {
        object.insert("labels".into(), json!(spec.labels));
    }
    if !spec.external_references.is_empty() {
        object.insert(
            "external_references".into(),
            Value::Array(spec.external_references),
        );
    }
    if let Some(tlp) = spec.tlp {
        object.insert("object_marking_refs".into(), json!([tlp.marking_id()]));
    }
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_detected_by_their_shape() {
        let cases = [
            ("198.51.100.7", Some(IocKind::Ipv4)),
            ("198.51.100.0/24", Some(IocKind::Ipv4)),
            ("2001:db8::1", Some(IocKind::Ipv6)),
            ("http://evil.example/a", Some(IocKind::Url)),
            ("a@evil.example", Some(IocKind::Email)),
            ("d41d8cd98f00b204e9800998ecf8427e", Some(IocKind::Md5)),
            (
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                Some(IocKind::Sha1),
            ),
            (
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                Some(IocKind::Sha256),
            ),
            ("evil.example", Some(IocKind::Domain)),
            ("1.2.3.999", None),
            ("not an ioc", None),
            ("abc", None),
        ];
        for (value, expected) in cases {
            assert_eq!(IocKind::detect(value), expected, "value: {value}");
        }
    }

    #[test]
    fn comparisons_quote_and_escape_values() {
        assert_eq!(
            IocKind::Url.comparison(r"http://x.example/a'b\c"),
            r"url:value = 'http://x.example/a\'b\\c'"
        );
        assert_eq!(
            IocKind::Sha256.comparison("ab"),
            "file:hashes.'SHA-256' = 'ab'"
        );
    }

    #[test]
    fn tlp_tags_of_both_versions_parse() {
        let cases = [
            ("tlp:white", Some(Tlp::Clear)),
            ("TLP:CLEAR", Some(Tlp::Clear)),
            ("tlp:green", Some(Tlp::Green)),
            ("tlp:amber", Some(Tlp::Amber)),
            ("tlp:amber+strict", Some(Tlp::AmberStrict)),
            ("amber-strict", Some(Tlp::AmberStrict)),
            ("tlp:red", Some(Tlp::Red)),
            ("tlp:ex:chr", None),
            ("malware", None),
        ];
        for (tag, expected) in cases {
            assert_eq!(Tlp::parse(tag), expected, "tag: {tag}");
        }
    }

    #[test]
    fn times_parse_from_the_usual_spellings_and_format_with_milliseconds() {
        let cases = [
            ("1714557600", "2024-05-01T10:00:00.000Z"),
            (
                "2024-05-01T12:00:00.123456+02:00",
                "2024-05-01T10:00:00.123Z",
            ),
            ("2024-05-01 10:00:00", "2024-05-01T10:00:00.000Z"),
            ("2024-05-01", "2024-05-01T00:00:00.000Z"),
        ];
        for (text, expected) in cases {
            let parsed = parse_time(text).expect(text);
            assert_eq!(timestamp(parsed), expected, "text: {text}");
        }
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn defanged_values_are_refanged() {
        assert_eq!(refang("hxxp://evil[.]example/x"), "http://evil.example/x");
        assert_eq!(refang("a[@]b(.)example"), "a@b.example");
    }

    #[test]
    fn deterministic_ids_are_stable_uuid_v5() {
        let a = deterministic_id("indicator", "5f1e7c1a-0000-4000-8000-000000000001");
        assert_eq!(
            a,
            deterministic_id("indicator", "5f1e7c1a-0000-4000-8000-000000000001")
        );
        let uuid = Uuid::parse_str(a.trim_start_matches("indicator--")).expect("uuid");
        assert_eq!(uuid.get_version_num(), 5);
        assert_ne!(
            a,
            deterministic_id("report", "5f1e7c1a-0000-4000-8000-000000000001")
        );
    }
}
