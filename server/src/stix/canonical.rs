//! Deterministic identifiers of cyber-observable objects (STIX 2.1 section 2.9
//! "Identifier"): the UUIDv5, in the STIX namespace, of the RFC 8785 canonical JSON of
//! an object's ID contributing properties.

use std::fmt::Write as _;

use serde_json::{Map, Value};
use uuid::Uuid;

/// STIX 2.1 "Identifier": the namespace of deterministic SCO identifiers.
pub const SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00ab_edb4_aa42_466c_9c01_fed2_3315_a9b7);

/// The hash algorithms in the order the OASIS `stix2` library prefers one of them when
/// `hashes` contributes to an identifier.
const PREFERRED_HASHES: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-512"];

/// Whether `uuid` is a deterministic identifier of `object` for the ID contributing
/// properties `contributing`. The specification does not say how many hashes of a
/// `hashes` property contribute, so the whole dictionary and each single hash (which is
/// what the OASIS `stix2` library uses, preferring MD5) are all accepted.
///
/// `None` when none of the contributing properties is present.
pub fn matches_deterministic_id(
    object: &Map<String, Value>,
    contributing: &[&str],
    uuid: &str,
) -> Option<bool> {
    if !contributing.iter().any(|name| object.contains_key(*name)) {
        return None;
    }
    let mut text = String::with_capacity(128);
    let mut candidate = |hash: Option<(&String, &Value)>| {
        text.clear();
        write_contributing(object, contributing, hash, &mut text);
        let id = Uuid::new_v5(&SCO_NAMESPACE, text.as_bytes());
        let mut buffer = Uuid::encode_buffer();
        *id.hyphenated().encode_lower(&mut buffer) == *uuid
    };
    if candidate(None) {
        return Some(true);
    }
    let Some(Value::Object(hashes)) = object.get("hashes") else {
        return Some(false);
    };
    if hashes.len() < 2 {
        return Some(false);
    }
    Some(hashes.iter().any(|entry| candidate(Some(entry))))
}

/// The deterministic identifier's UUID the OASIS `stix2` library would give `object`:
/// for a `hashes` property, only its preferred hash contributes.
pub fn deterministic_uuid(object: &Map<String, Value>, contributing: &[&str]) -> Option<Uuid> {
    if !contributing.iter().any(|name| object.contains_key(*name)) {
        return None;
    }
    let preferred = match object.get("hashes") {
        Some(Value::Object(hashes)) => PREFERRED_HASHES
            .iter()
            .find_map(|name| hashes.get_key_value(*name))
            .or_else(|| hashes.iter().next()),
        _ => None,
    };
    let mut text = String::new();
    write_contributing(object, contributing, preferred, &mut text);
    Some(Uuid::new_v5(&SCO_NAMESPACE, text.as_bytes()))
}

/// Writes `{"name":value,...}` of the contributing properties present, canonically; a
/// `hash` replaces the whole `hashes` dictionary.
fn write_contributing(
    object: &Map<String, Value>,
    contributing: &[&str],
    hash: Option<(&String, &Value)>,
    out: &mut String,
) {
    let mut names: Vec<&str> = contributing
        .iter()
        .copied()
        .filter(|name| object.contains_key(*name))
        .collect();
    // Property names are ASCII, so byte order is RFC 8785's UTF-16 order.
    names.sort_unstable();
    out.push('{');
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(name, out);
        out.push(':');
        match (*name, hash) {
            ("hashes", Some((algorithm, value))) => {
                out.push('{');
                write_string(algorithm, out);
                out.push(':');
                write_canonical(value, out);
                out.push('}');
            }
            (name, _) => {
                if let Some(value) = object.get(name) {
                    write_canonical(value, out);
                }
            }
        }
    }
    out.push('}');
}

/// RFC 8785 "JSON Canonicalization Scheme": members sorted by the UTF-16 code units of
/// their names, no whitespace, minimal string escapes, ECMAScript number formatting.
pub fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(number) => {
            if let Some(i) = number.as_i64() {
                let _ = write!(out, "{i}");
            } else if let Some(u) = number.as_u64() {
                let _ = write!(out, "{u}");
            } else {
                write_number(number.as_f64().unwrap_or(0.0), out);
            }
        }
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            let mut entries: Vec<(&String, &Value)> = members.iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, (name, member)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(name, out);
                out.push(':');
                write_canonical(member, out);
            }
            out.push('}');
        }
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript `Number::toString` (ECMA-262 section 7.1.12.1), as RFC 8785 requires.
fn write_number(value: f64, out: &mut String) {
    if value == 0.0 {
        out.push('0');
        return;
    }
    if value < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` gives the shortest round-tripping digits, as ECMAScript does.
    let scientific = format!("{:e}", value.abs());
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let k = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let n = exponent + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n(
            '0',
            usize::try_from(n - k).unwrap_or(0),
        ));
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(usize::try_from(n).unwrap_or(0));
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', usize::try_from(-n).unwrap_or(0)));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{}",
            if n - 1 < 0 { '-' } else { '+' },
            (n - 1).abs()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(json: &str) -> String {
        let value: Value = serde_json::from_str(json).expect("json");
        let mut out = String::new();
        write_canonical(&value, &mut out);
        out
    }

    #[test]
    fn canonical_json_follows_rfc_8785() {
        let cases = [
            (r#"{"b":1,"a":[true,null]}"#, r#"{"a":[true,null],"b":1}"#),
            (r#""\u00e9\n\u001f\"""#, "\"é\\n\\u001f\\\"\""),
            ("1.0", "1"),
            ("1e21", "1e+21"),
            ("1e-7", "1e-7"),
            ("0.000001", "0.000001"),
            ("123.456", "123.456"),
            ("-5e-324", "-5e-324"),
            ("4.5e+15", "4500000000000000"),
            (
                r#"{"\u20ac":1,"\r":2,"1":3}"#,
                "{\"\\r\":2,\"1\":3,\"€\":1}",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(canonical(input), expected, "case {input}");
        }
    }

    #[test]
    fn deterministic_ids_match_the_oasis_library() {
        // Computed with the OASIS `stix2` Python library (3.0.2).
        let cases = [
            (
                r#"{"value":"198.51.100.3"}"#,
                &["value"][..],
                "28bb3599-77cd-5a82-a950-b5bc3caf07c4",
            ),
            (
                r#"{"name":"foo.exe","hashes":{"SHA-256":"fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"}}"#,
                &["hashes", "name", "extensions", "parent_directory_ref"][..],
                "741019a6-c339-5e5d-ad1e-6fa3dec47bb4",
            ),
            (
                r#"{"number":15139}"#,
                &["number"][..],
                "3aa27478-50b5-5ab8-9da9-cdc12b657fff",
            ),
            (
                r#"{"value":"bücher.de"}"#,
                &["value"][..],
                "be1e2d82-8103-5c95-84ec-7b34162b49c7",
            ),
            (
                r#"{"name":"qu\"ote\\.txt","hashes":{"SHA-1":"da39a3ee5e6b4b0d3255bfef95601890afd80709","MD5":"d41d8cd98f00b204e9800998ecf8427e"},"extensions":{"ntfs-ext":{"sid":"S-1-5-21"}}}"#,
                &["hashes", "name", "extensions", "parent_directory_ref"][..],
                "c95540de-4b03-59b9-ab43-b8b0493d7c68",
            ),
            (
                r#"{"src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","dst_port":443,"protocols":["ipv4","tcp"]}"#,
                &[
                    "start",
                    "end",
                    "src_ref",
                    "dst_ref",
                    "src_port",
                    "dst_port",
                    "protocols",
                    "extensions",
                ][..],
                "21fb682d-8acd-5691-b4d4-101141ec8c81",
            ),
            (
                r#"{"key":"HKEY_LOCAL_MACHINE\\System\\Foo","values":[{"name":"Foo","data":"qwerty","data_type":"REG_SZ"}]}"#,
                &["key", "values"][..],
                "44b70a8f-a279-5869-b913-a8a56fb9f87f",
            ),
        ];
        for (json, contributing, expected) in cases {
            let Value::Object(object) = serde_json::from_str(json).expect("json") else {
                panic!("case {json}: not an object")
            };
            let uuid = deterministic_uuid(&object, contributing).expect("contributing");
            assert_eq!(uuid.to_string(), expected, "case {json}");
            assert_eq!(
                matches_deterministic_id(&object, contributing, expected),
                Some(true),
                "case {json}"
            );
        }
    }
}
