//! String syntaxes STIX 2.1 properties must follow: language tags, URLs, domain names,
//! e-mail and network addresses, CPE names, hashes, binary and hex data, property names
//! and dictionary keys, granular-marking selectors.
//!
//! Pure predicates over `&str`: no allocation, no regular expressions.

use std::net::{Ipv4Addr, Ipv6Addr};

/// STIX 2.1 "Property Names": 3 to 250 characters of `a-z`, `0-9` and `_`.
pub fn is_property_name(name: &str) -> bool {
    (3..=250).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// STIX 2.1 "Dictionary": keys of 1 to 250 characters of `a-z`, `A-Z`, `0-9`, `-`, `_`.
pub fn is_dictionary_key(key: &str) -> bool {
    (1..=250).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// STIX 2.1 "Binary": base64 as RFC 4648 section 4 writes it, padded, no line breaks.
pub fn is_base64(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return false;
    }
    let padding = bytes.iter().rev().take_while(|b| **b == b'=').count();
    padding <= 2
        && bytes[..bytes.len() - padding]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

/// STIX 2.1 "Hex": an even number of hexadecimal digits.
pub fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `value` has the shape of an `algorithm` hash, for the algorithms of the
/// hash-algorithm-ov (STIX 2.1 section 10.5); `None` for other algorithm names.
pub fn hash_value_fits(algorithm: &str, value: &str) -> Option<bool> {
    let hex_of = |len: usize| value.len() == len && value.bytes().all(|b| b.is_ascii_hexdigit());
    Some(match algorithm {
        "MD5" => hex_of(32),
        "SHA-1" => hex_of(40),
        "SHA-256" | "SHA3-256" => hex_of(64),
        "SHA-512" | "SHA3-512" => hex_of(128),
        "SSDEEP" => {
            (1..=128).contains(&value.len())
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b':' | b'.'))
        }
        // TLSH digests are 70 hex digits, or 72 with the "T1" version prefix.
        "TLSH" => {
            let digest = value.strip_prefix("T1").unwrap_or(value);
            digest.len() == 70 && digest.bytes().all(|b| b.is_ascii_hexdigit())
        }
        _ => return None,
    })
}

/// RFC 5646 "Tags for Identifying Languages", section 2.1 syntax (well-formedness).
pub fn is_language_tag(tag: &str) -> bool {
    if !tag.is_ascii() || tag.is_empty() {
        return false;
    }
    if GRANDFATHERED.iter().any(|g| g.eq_ignore_ascii_case(tag)) {
        return true;
    }
    let mut subtags = tag.split('-').peekable();
    let Some(language) = subtags.next() else {
        return false;
    };
    if language.eq_ignore_ascii_case("x") {
        return private_use(subtags);
    }
    if !(2..=8).contains(&language.len()) || !alpha(language) {
        return false;
    }
    if language.len() <= 3 {
        let mut extlangs = 0;
        while extlangs < 3 && subtags.peek().is_some_and(|s| s.len() == 3 && alpha(s)) {
            subtags.next();
            extlangs += 1;
        }
    }
    if subtags.peek().is_some_and(|s| s.len() == 4 && alpha(s)) {
        subtags.next();
    }
    if subtags
        .peek()
        .is_some_and(|s| (s.len() == 2 && alpha(s)) || (s.len() == 3 && digits(s)))
    {
        subtags.next();
    }
    while subtags.peek().is_some_and(|s| is_variant(s)) {
        subtags.next();
    }
    while let Some(singleton) = subtags.peek().copied() {
        if singleton.len() != 1 || !alphanumeric(singleton) {
            break;
        }
        subtags.next();
        if singleton.eq_ignore_ascii_case("x") {
            return private_use(subtags);
        }
        let mut count = 0;
        while subtags
            .peek()
            .is_some_and(|s| (2..=8).contains(&s.len()) && alphanumeric(s))
        {
            subtags.next();
            count += 1;
        }
        if count == 0 {
            return false;
        }
    }
    subtags.next().is_none()
}

/// RFC 5646 grandfathered tags (irregular and regular).
const GRANDFATHERED: &[&str] = &[
    "en-GB-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-BE-FR",
    "sgn-BE-NL",
    "sgn-CH-DE",
    "art-lojban",
    "cel-gaulish",
    "no-bok",
    "no-nyn",
    "zh-guoyu",
    "zh-hakka",
    "zh-min",
    "zh-min-nan",
    "zh-xiang",
];

fn private_use<'a>(mut rest: impl Iterator<Item = &'a str>) -> bool {
    let mut count = 0;
    for subtag in rest.by_ref() {
        if !(1..=8).contains(&subtag.len()) || !alphanumeric(subtag) {
            return false;
        }
        count += 1;
    }
    count > 0
}

fn is_variant(subtag: &str) -> bool {
    alphanumeric(subtag)
        && ((5..=8).contains(&subtag.len())
            || (subtag.len() == 4 && subtag.as_bytes()[0].is_ascii_digit()))
}

fn alpha(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphabetic())
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn alphanumeric(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// RFC 3986 "URI": a scheme, then only URI characters, valid percent-encodings, a
/// well-formed authority (bracketed IP literal, numeric port) when there is one.
pub fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return false;
    }
    let (rest, fragment) = match rest.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (rest, None),
    };
    let (hier, query) = match rest.split_once('?') {
        Some((hier, query)) => (hier, Some(query)),
        None => (rest, None),
    };
    let path = match hier.strip_prefix("//") {
        Some(after) => {
            let (authority, path) = after.find('/').map_or((after, ""), |at| after.split_at(at));
            if !is_authority(authority) {
                return false;
            }
            path
        }
        None => hier,
    };
    uri_chars(path, b"/")
        && query.is_none_or(|q| uri_chars(q, b"/?"))
        && fragment.is_none_or(|f| uri_chars(f, b"/?"))
}

fn is_authority(authority: &str) -> bool {
    let host_port = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => {
            if !uri_chars(userinfo, b":") {
                return false;
            }
            host_port
        }
        None => authority,
    };
    let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some((inside, after)) = literal.split_once(']') else {
            return false;
        };
        let literal_ok = inside.parse::<Ipv6Addr>().is_ok()
            || (inside.starts_with(['v', 'V']) && inside.contains('.'));
        if !literal_ok {
            return false;
        }
        match after {
            "" => ("", None),
            port => match port.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    uri_chars(host, b"") && port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

/// `pchar` (unreserved, sub-delims, `:`, `@`, percent-encoded) plus `extra`.
fn uri_chars(text: &str, extra: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let encoded = bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !encoded {
                return false;
            }
            i += 3;
            continue;
        }
        let allowed = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
            )
            || extra.contains(&b);
        if !allowed {
            return false;
        }
        i += 1;
    }
    true
}

/// RFC 1034 section 3.5 names with RFC 5890 (IDNA) labels: dot-separated labels of
/// letters, digits and inner hyphens, at most 63 characters each and 253 in all; one
/// trailing dot (the root) allowed.
pub fn is_domain_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    name.split('.').all(|label| {
        !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    })
}

/// RFC 5322 `addr-spec`: a dot-atom or quoted local part, `@`, a domain name or an
/// address literal.
pub fn is_email_address(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let local_ok = if let Some(quoted) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        quoted
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    } else {
        !local.is_empty()
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.bytes().all(|b| {
                b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b) || b >= 0x80
            })
    };
    let domain_ok = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => {
            literal.parse::<Ipv4Addr>().is_ok()
                || literal
                    .strip_prefix("IPv6:")
                    .is_some_and(|v6| v6.parse::<Ipv6Addr>().is_ok())
        }
        None => is_domain_name(domain) && !domain.ends_with('.'),
    };
    local_ok && local.len() <= 64 && domain_ok
}

/// An IPv4 address, optionally with a `/0`–`/32` CIDR prefix.
pub fn is_ipv4(text: &str) -> bool {
    let (address, prefix) = split_prefix(text);
    address.parse::<Ipv4Addr>().is_ok() && prefix.is_none_or(|p| prefix_at_most(p, 32))
}

/// An IPv6 address, optionally with a `/0`–`/128` CIDR prefix.
pub fn is_ipv6(text: &str) -> bool {
    let (address, prefix) = split_prefix(text);
    address.parse::<Ipv6Addr>().is_ok() && prefix.is_none_or(|p| prefix_at_most(p, 128))
}

fn split_prefix(text: &str) -> (&str, Option<&str>) {
    match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    }
}

fn prefix_at_most(prefix: &str, max: u32) -> bool {
    (1..=3).contains(&prefix.len())
        && digits(prefix)
        && (prefix == "0" || !prefix.starts_with('0'))
        && prefix.parse::<u32>().is_ok_and(|p| p <= max)
}

/// STIX 2.1 "MAC Address Object": colon-delimited, lower-case MAC-48 with leading zeros.
pub fn is_mac_address(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 17
        && bytes.iter().enumerate().all(|(i, b)| {
            if i % 3 == 2 {
                *b == b':'
            } else {
                b.is_ascii_digit() || (b'a'..=b'f').contains(b)
            }
        })
}

/// CPE 2.3 formatted string binding (NISTIR 7695 section 6.2): `cpe:2.3:` then eleven
/// colon-separated components, the first of which is the part `a`, `h`, `o`, `*` or `-`.
pub fn is_cpe23(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("cpe:2.3:") else {
        return false;
    };
    let bytes = rest.as_bytes();
    let mut components = 0;
    let mut start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || bytes[i] == b':' {
            let component = &bytes[start..i];
            let ok = if components == 0 {
                matches!(component, b"a" | b"h" | b"o" | b"*" | b"-")
            } else {
                cpe_component(component)
            };
            if !ok {
                return false;
            }
            components += 1;
            start = i + 1;
        } else if bytes[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    components == 11
}

fn cpe_component(component: &[u8]) -> bool {
    if component.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < component.len() {
        let b = component[i];
        if b == b'\\' {
            if !component.get(i + 1).is_some_and(u8::is_ascii_punctuation) {
                return false;
            }
            i += 2;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'*' | b'?')) {
            return false;
        }
        i += 1;
    }
    true
}

/// An IANA character set name (RFC 2978: up to 40 printable characters; aliases use
/// letters, digits and `-_.:+()`).
pub fn is_charset(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:+()".contains(&b))
}

/// STIX 2.1 "Windows Registry Key Object": the hive MUST be spelled out
/// (`HKEY_LOCAL_MACHINE`, not `HKLM`).
pub fn has_full_hive(key: &str) -> bool {
    let hive = key.split('\\').next().unwrap_or(key);
    !["HKLM", "HKCU", "HKCR", "HKCC", "HKU", "HKPD"]
        .iter()
        .any(|short| short.eq_ignore_ascii_case(hive))
}

/// STIX 2.1 "Relationship": `relationship_type` uses `a-z`, `0-9` and `-` only.
pub fn is_relationship_type(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `type/subtype` of RFC 6838 restricted-name characters.
pub fn is_media_type(text: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.len() <= 127
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    let essence = text.split(';').next().unwrap_or(text).trim_end();
    essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| token(kind) && token(subtype))
}

/// An IANA service name or transport protocol as STIX writes it: lower case, letters,
/// digits and hyphens, at most 15 characters.
pub fn is_protocol(text: &str) -> bool {
    (1..=15).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// CVE identifiers: `CVE-YYYY-NNNN` with four or more digits.
pub fn is_cve_id(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && digits(year)
        && number.len() >= 4
        && digits(number)
        && (number.len() == 4 || !number.starts_with('0'))
}

/// CAPEC identifiers: `CAPEC-N`.
pub fn is_capec_id(text: &str) -> bool {
    text.strip_prefix("CAPEC-").is_some_and(digits)
}

/// One component of a granular-marking selector (STIX 2.1 "Selector Syntax").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorStep<'a> {
    Property(&'a str),
    Index(usize),
}

/// Splits a selector into its steps: `.`-separated property names and `[N]` list
/// indices, starting with a property; `None` when it is not of that form.
pub fn selector_steps(selector: &str) -> Option<impl Iterator<Item = SelectorStep<'_>>> {
    let valid = selector.split('.').enumerate().all(|(i, step)| {
        match step.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(index) => i > 0 && digits(index) && index.parse::<usize>().is_ok(),
            None => is_dictionary_key(step),
        }
    });
    valid.then(|| {
        selector.split('.').map(|step| {
            match step
                .strip_prefix('[')
                .and_then(|s| s.strip_suffix(']'))
                .and_then(|s| s.parse().ok())
            {
                Some(index) => SelectorStep::Index(index),
                None => SelectorStep::Property(step),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_follow_rfc_5646() {
        let cases = [
            ("en", true),
            ("ja", true),
            ("de-CH", true),
            ("zh-Hant-TW", true),
            ("sr-Latn-RS", true),
            ("es-419", true),
            ("sl-rozaj-biske", true),
            ("en-US-x-twain", true),
            ("x-whatever", true),
            ("i-klingon", true),
            ("zh-yue-HK", true),
            ("", false),
            ("e", false),
            ("toolonglanguage", false),
            ("en_US", false),
            ("en--US", false),
            ("en-US-", false),
            ("日本語", false),
            ("en-a", false),
            ("123", false),
        ];
        for (tag, expected) in cases {
            assert_eq!(is_language_tag(tag), expected, "case {tag:?}");
        }
    }

    #[test]
    fn urls_follow_rfc_3986() {
        let cases = [
            ("https://example.com/research/index.html", true),
            ("http://[::1]:80/x?y=z#f", true),
            ("mailto:x@example.com", true),
            ("urn:isbn:0451450523", true),
            ("http://user:pw@example.com:8080/a%20b", true),
            ("https://example.com/a b", false),
            ("example.com/path", false),
            ("https://example.com/%zz", false),
            ("https://例え.jp/", false),
            ("https://example.com/<script>", false),
            ("1http://x", false),
            ("http://example.com:80a/", false),
            ("http://[not-v6]/", false),
            ("https://example.com/#a#b", false),
        ];
        for (url, expected) in cases {
            assert_eq!(is_url(url), expected, "case {url:?}");
        }
    }

    #[test]
    fn addresses_and_names_have_their_syntax() {
        type Check<'a> = &'a dyn Fn(&str) -> bool;
        let cases: [(Check<'_>, &str, bool); 26] = [
            (&is_domain_name, "example.com", true),
            (&is_domain_name, "Example.COM.", true),
            (&is_domain_name, "bücher.de", true),
            (&is_domain_name, "xn--bcher-kva.de", true),
            (&is_domain_name, "example..com", false),
            (&is_domain_name, "-example.com", false),
            (&is_domain_name, "ex ample.com", false),
            (&is_domain_name, "_dmarc.example.com", false),
            (&is_email_address, "john@example.com", true),
            (&is_email_address, "\"john doe\"@example.com", true),
            (&is_email_address, "john.example.com", false),
            (&is_email_address, "John <john@example.com>", false),
            (&is_email_address, "a@b@c", false),
            (&is_ipv4, "198.51.100.3", true),
            (&is_ipv4, "198.51.100.0/24", true),
            (&is_ipv4, "198.51.100.256", false),
            (&is_ipv4, "198.51.100.0/33", false),
            (&is_ipv4, "198.051.100.1", false),
            (&is_ipv6, "2001:db8::ff00:42:8329", true),
            (&is_ipv6, "2001:db8::/32", true),
            (&is_ipv6, "2001:db8::g", false),
            (&is_mac_address, "d2:fb:49:24:37:18", true),
            (&is_mac_address, "D2:FB:49:24:37:18", false),
            (&is_mac_address, "d2-fb-49-24-37-18", false),
            (
                &is_cpe23,
                "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*",
                true,
            ),
            (&is_cpe23, "cpe:/a:microsoft:word:2000", false),
        ];
        for (check, text, expected) in cases {
            assert_eq!(check(text), expected, "case {text:?}");
        }
    }

    #[test]
    fn binary_hex_and_hashes_have_their_shapes() {
        let cases = [
            (is_base64("aGVsbG8="), true, "padded base64"),
            (is_base64("aGVsbG8"), false, "unpadded base64"),
            (is_base64("aGV sbG8="), false, "base64 with a space"),
            (is_hex("0aff"), true, "hex"),
            (is_hex("abc"), false, "odd hex"),
            (
                hash_value_fits("MD5", "d41d8cd98f00b204e9800998ecf8427e") == Some(true),
                true,
                "md5",
            ),
            (
                hash_value_fits("SHA-256", "abc") == Some(false),
                true,
                "short sha-256",
            ),
            (
                hash_value_fits("x_custom", "abc").is_none(),
                true,
                "custom hash",
            ),
        ];
        for (result, expected, case) in cases {
            assert_eq!(result, expected, "case {case}");
        }
    }

    #[test]
    fn selectors_are_property_paths_with_list_indices() {
        let cases = [
            (
                "description",
                Some(vec![SelectorStep::Property("description")]),
            ),
            (
                "external_references.[0].source_name",
                Some(vec![
                    SelectorStep::Property("external_references"),
                    SelectorStep::Index(0),
                    SelectorStep::Property("source_name"),
                ]),
            ),
            ("[0]", None),
            ("labels.[x]", None),
            ("labels..name", None),
            ("", None),
        ];
        for (selector, expected) in cases {
            assert_eq!(
                selector_steps(selector).map(Iterator::collect::<Vec<_>>),
                expected,
                "case {selector:?}"
            );
        }
    }
}
