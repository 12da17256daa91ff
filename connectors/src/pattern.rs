//! Observables out of STIX patterns, for sinks that map them to SIEM fields. Tolerant and
//! regex-free: it finds `type:path = 'value'` comparisons and ignores everything it does not
//! understand (other operators, qualifiers, negations). It validates nothing; the hub does.

use serde_json::Value;

/// One equality comparison `object_type:path = 'value'`, quotes removed from path keys
/// (`file:hashes.'SHA-256'` has path `hashes.SHA-256`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub object_type: String,
    pub path: String,
    pub value: String,
}

/// A value a SIEM has a field for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observable {
    Ipv4(String),
    Ipv6(String),
    Domain(String),
    Url(String),
    Email(String),
    FileName(String),
    /// `algorithm` normalised: upper case without `-` or `_` (`SHA256`, `MD5`).
    FileHash {
        algorithm: String,
        value: String,
    },
}

impl Observable {
    /// The STIX Cyber-observable type the value belongs to (ECS `threat.indicator.type`).
    pub fn stix_type(&self) -> &'static str {
        match self {
            Self::Ipv4(_) => "ipv4-addr",
            Self::Ipv6(_) => "ipv6-addr",
            Self::Domain(_) => "domain-name",
            Self::Url(_) => "url",
            Self::Email(_) => "email-addr",
            Self::FileName(_) | Self::FileHash { .. } => "file",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A word with a colon: an object path.
    Path(String),
    /// A word without one: a keyword or a number.
    Word(String),
    Str(String),
    Op(String),
    Other,
}

/// Every `=` comparison with a string on its right, in order.
pub fn equality_comparisons(pattern: &str) -> Vec<Comparison> {
    let tokens = lex(pattern);
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Path(path) = token else { continue };
        if let (Some(Token::Op(op)), Some(Token::Str(value))) =
            (tokens.get(i + 1), tokens.get(i + 2))
            && op == "="
            && let Some((object_type, path)) = path.split_once(':')
        {
            found.push(Comparison {
                object_type: object_type.to_ascii_lowercase(),
                path: path.to_owned(),
                value: value.clone(),
            });
        }
    }
    found
}

/// The observables a pattern names with `=`, in order.
pub fn observables(pattern: &str) -> Vec<Observable> {
    equality_comparisons(pattern)
        .into_iter()
        .filter_map(classify)
        .collect()
}

/// The observables of a STIX object: parsed from an indicator's `pattern` (STIX patterns
/// only), or read from a Cyber-observable object's own properties.
pub fn observables_of(object: &Value) -> Vec<Observable> {
    let text = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_owned);
    match object
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
    {
        "indicator" => {
            let is_stix = text("pattern_type").is_none_or(|t| t.eq_ignore_ascii_case("stix"));
            match text("pattern") {
                Some(pattern) if is_stix => observables(&pattern),
                _ => Vec::new(),
            }
        }
        "ipv4-addr" => text("value").map(Observable::Ipv4).into_iter().collect(),
        "ipv6-addr" => text("value").map(Observable::Ipv6).into_iter().collect(),
        "domain-name" => text("value").map(Observable::Domain).into_iter().collect(),
        "url" => text("value").map(Observable::Url).into_iter().collect(),
        "email-addr" => text("value").map(Observable::Email).into_iter().collect(),
        "file" => {
            let mut found: Vec<Observable> = object
                .get("hashes")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(algorithm, value)| {
                    Some(Observable::FileHash {
                        algorithm: normalise_algorithm(algorithm),
                        value: value.as_str()?.to_owned(),
                    })
                })
                .collect();
            found.extend(text("name").map(Observable::FileName));
            found
        }
        _ => Vec::new(),
    }
}

fn classify(c: Comparison) -> Option<Observable> {
    let by_value = |value: String| {
        if value.contains(':') {
            Observable::Ipv6(value)
        } else {
            Observable::Ipv4(value)
        }
    };
    Some(match (c.object_type.as_str(), c.path.as_str()) {
        ("ipv4-addr", "value") => Observable::Ipv4(c.value),
        ("ipv6-addr", "value") => Observable::Ipv6(c.value),
        ("domain-name", "value") => Observable::Domain(c.value),
        ("url", "value") => Observable::Url(c.value),
        ("email-addr", "value") => Observable::Email(c.value),
        ("email-message", "from_ref.value") => Observable::Email(c.value),
        ("file", "name") => Observable::FileName(c.value),
        ("file", path) if path.starts_with("hashes.") => Observable::FileHash {
            algorithm: normalise_algorithm(&path["hashes.".len()..]),
            value: c.value,
        },
        ("network-traffic", "dst_ref.value" | "src_ref.value")
        | ("domain-name", "resolves_to_refs[*].value") => by_value(c.value),
        _ => return None,
    })
}

fn normalise_algorithm(algorithm: &str) -> String {
    algorithm
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '\'' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn lex(pattern: &str) -> Vec<Token> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let (text, next) = read_string(&chars, i);
            tokens.push(Token::Str(text));
            i = next;
        } else if matches!(c, '=' | '!' | '<' | '>') {
            let mut op = c.to_string();
            if chars.get(i + 1) == Some(&'=') {
                op.push('=');
                i += 1;
            }
            tokens.push(Token::Op(op));
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '-' {
            let (token, next) = read_word(&chars, i);
            tokens.push(token);
            i = next;
        } else {
            tokens.push(Token::Other);
            i += 1;
        }
    }
    tokens
}

/// A word starting at `start`: an object path (with quoted keys and list indexes), a
/// keyword, a number, or a typed literal (`t'...'`, `h'...'`, `b'...'`).
fn read_word(chars: &[char], start: usize) -> (Token, usize) {
    let mut word = String::new();
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        if c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.') {
            word.push(c);
            i += 1;
        } else if c == '\'' && word.ends_with('.') {
            let (key, next) = read_string(chars, i);
            word.push_str(&key);
            i = next;
        } else if c == '[' && word.contains(':') {
            let close = chars[i..].iter().position(|&c| c == ']').map(|p| i + p);
            match close {
                Some(close) if close - i <= 12 => {
                    word.extend(&chars[i..=close]);
                    i = close + 1;
                }
                _ => break,
            }
        } else {
            break;
        }
    }
    if matches!(word.as_str(), "t" | "h" | "b") && chars.get(i) == Some(&'\'') {
        let (_, next) = read_string(chars, i);
        return (Token::Other, next);
    }
    if word.contains(':') {
        (Token::Path(word), i)
    } else {
        (Token::Word(word), i)
    }
}

/// The string literal opening at `start` (a `'`), unescaped, and the index after it. An
/// unterminated literal runs to the end.
fn read_string(chars: &[char], start: usize) -> (String, usize) {
    let mut text = String::new();
    let mut i = start + 1;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                if let Some(&escaped) = chars.get(i + 1) {
                    text.push(escaped);
                }
                i += 2;
            }
            '\'' => return (text, i + 1),
            _ => {
                text.push(c);
                i += 1;
            }
        }
    }
    (text, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(algorithm: &str, value: &str) -> Observable {
        Observable::FileHash {
            algorithm: algorithm.to_owned(),
            value: value.to_owned(),
        }
    }

    #[test]
    fn observables_are_found_in_simple_and_compound_patterns() {
        let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let cases: Vec<(&str, String, Vec<Observable>)> = vec![
            (
                "ipv4",
                "[ipv4-addr:value = '198.51.100.7']".to_owned(),
                vec![Observable::Ipv4("198.51.100.7".to_owned())],
            ),
            (
                "ipv6 with a CIDR",
                "[ipv6-addr:value = '2001:db8::/32']".to_owned(),
                vec![Observable::Ipv6("2001:db8::/32".to_owned())],
            ),
            (
                "domain, no spaces around =",
                "[domain-name:value='evil.example']".to_owned(),
                vec![Observable::Domain("evil.example".to_owned())],
            ),
            (
                "url with an escaped quote",
                r"[url:value = 'http://x.example/it\'s']".to_owned(),
                vec![Observable::Url("http://x.example/it's".to_owned())],
            ),
            (
                "quoted hash key and name, AND",
                format!("[file:hashes.'SHA-256' = '{sha256}' AND file:name = 'a.exe']"),
                vec![
                    hash("SHA256", sha256),
                    Observable::FileName("a.exe".to_owned()),
                ],
            ),
            (
                "unquoted MD5, OR across observations, qualifier",
                "([file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e'] OR [email-addr:value = 'a@b.example']) WITHIN 300 SECONDS".to_owned(),
                vec![
                    hash("MD5", "d41d8cd98f00b204e9800998ecf8427e"),
                    Observable::Email("a@b.example".to_owned()),
                ],
            ),
            (
                "list index in a path",
                "[domain-name:value = 'a.example' AND domain-name:resolves_to_refs[*].value = '192.0.2.1']".to_owned(),
                vec![
                    Observable::Domain("a.example".to_owned()),
                    Observable::Ipv4("192.0.2.1".to_owned()),
                ],
            ),
            (
                "other operators and negation are ignored",
                "[ipv4-addr:value != '10.0.0.1' AND url:value LIKE '%x%' AND domain-name:value NOT = 'a.example' AND ipv4-addr:value ISSUBSET '10.0.0.0/8']".to_owned(),
                vec![],
            ),
            (
                "typed literals are skipped",
                "[file:created = t'2020-01-01T00:00:00Z' AND artifact:payload_bin = b'AAAA' AND file:name = 'x']".to_owned(),
                vec![Observable::FileName("x".to_owned())],
            ),
            (
                "garbage does not panic",
                "[[[ ' unterminated = = :".to_owned(),
                vec![],
            ),
        ];
        for (name, pattern, expected) in cases {
            assert_eq!(observables(&pattern), expected, "case: {name}");
        }
    }

    #[test]
    fn cyber_observables_are_read_from_their_properties() {
        let file = serde_json::json!({
            "type": "file", "id": "file--1", "name": "x.dll",
            "hashes": { "SHA-1": "da39a3ee5e6b4b0d3255bfef95601890afd80709" }
        });
        assert_eq!(
            observables_of(&file),
            vec![
                hash("SHA1", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
                Observable::FileName("x.dll".to_owned())
            ]
        );
        let sigma = serde_json::json!({
            "type": "indicator", "pattern_type": "sigma", "pattern": "title: x"
        });
        assert_eq!(observables_of(&sigma), vec![]);
    }
}
