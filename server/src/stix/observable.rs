//! Observables: the addresses, names and digests that STIX content points at, each as
//! one normalised text per kind, so that an indicator's pattern and a sighted object
//! naming the same thing compare equal. Pure: no HTTP and no SQL.
//!
//! Sources are the `=` comparisons of a `stix` pattern (STIX 2.1 section 9), the
//! identifying properties of cyber-observable objects (section 6), and the deprecated
//! embedded `objects` of observed-data (section 4.14). A value that is not well formed
//! for its kind (an address that does not parse, a digest of the wrong length) is left
//! out: it could never match anything.

use std::collections::HashSet;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use idna::AsciiDenyList;
use serde_json::{Map, Value};

use super::pattern::{Pattern, Vocabulary};

/// What an observable's value names; [`ObservableKind::as_str`] is its stable text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObservableKind {
    /// `ipv4`: an address, or a CIDR block with host bits zeroed (`/32` is the address).
    Ipv4,
    /// `ipv6`: RFC 5952 text, or a CIDR block with host bits zeroed (`/128` is the address).
    Ipv6,
    /// `domain`: lower case, IDNA ASCII (punycode), no trailing dot.
    Domain,
    /// `url`: scheme and host lower case, default port dropped, empty path as `/`.
    Url,
    /// `email`: the local part as written, the domain normalised as a domain.
    Email,
    /// `hash:<algorithm>`: a file, artifact or certificate digest.
    Hash(HashAlgorithm),
    /// `mac`: lower-case hex octets joined by colons.
    Mac,
    /// `asn`: the autonomous-system number in decimal.
    Asn,
    /// `registry-key`: the full hive name, the rest lower case (keys are case-insensitive).
    RegistryKey,
    /// `mutex`: the name as written.
    Mutex,
    /// `user-id`: a user account's `user_id` as written.
    UserId,
    /// `account-login`: a user account's `account_login` as written.
    AccountLogin,
    /// `x509-serial`: a certificate serial number, lower-case hex without separators.
    X509Serial,
}

/// The hash algorithms of the STIX 2.1 "Hashing Algorithm Vocabulary" (section 10.5),
/// plus the SHA-2 and SHA-3 sizes it leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HashAlgorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha3_224,
    Sha3_256,
    Sha3_384,
    Sha3_512,
    Ssdeep,
    Tlsh,
}

impl HashAlgorithm {
    pub const ALL: [HashAlgorithm; 12] = [
        HashAlgorithm::Md5,
        HashAlgorithm::Sha1,
        HashAlgorithm::Sha224,
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
        HashAlgorithm::Sha3_224,
        HashAlgorithm::Sha3_256,
        HashAlgorithm::Sha3_384,
        HashAlgorithm::Sha3_512,
        HashAlgorithm::Ssdeep,
        HashAlgorithm::Tlsh,
    ];

    /// Reads a `hashes` key in any spelling: case and `-`/`_` do not matter, so
    /// `SHA-256`, `SHA256` and `sha_256` are one algorithm. `None` for algorithms outside
    /// the vocabulary, including custom ones.
    pub fn parse(name: &str) -> Option<HashAlgorithm> {
        let key = |text: &str| -> String {
            text.chars()
                .filter(|c| !matches!(c, '-' | '_'))
                .map(|c| c.to_ascii_lowercase())
                .collect()
        };
        let wanted = key(name);
        HashAlgorithm::ALL
            .into_iter()
            .find(|algorithm| key(algorithm.as_str()) == wanted)
    }

    /// The canonical name: lower case, hyphenated as in the vocabulary (`sha-256`).
    pub fn as_str(self) -> &'static str {
        match self {
            HashAlgorithm::Md5 => "md5",
            HashAlgorithm::Sha1 => "sha-1",
            HashAlgorithm::Sha224 => "sha-224",
            HashAlgorithm::Sha256 => "sha-256",
            HashAlgorithm::Sha384 => "sha-384",
            HashAlgorithm::Sha512 => "sha-512",
            HashAlgorithm::Sha3_224 => "sha3-224",
            HashAlgorithm::Sha3_256 => "sha3-256",
            HashAlgorithm::Sha3_384 => "sha3-384",
            HashAlgorithm::Sha3_512 => "sha3-512",
            HashAlgorithm::Ssdeep => "ssdeep",
            HashAlgorithm::Tlsh => "tlsh",
        }
    }

    /// How many hex digits a digest has; `None` for SSDEEP and TLSH.
    pub fn hex_digits(self) -> Option<usize> {
        match self {
            HashAlgorithm::Md5 => Some(32),
            HashAlgorithm::Sha1 => Some(40),
            HashAlgorithm::Sha224 | HashAlgorithm::Sha3_224 => Some(56),
            HashAlgorithm::Sha256 | HashAlgorithm::Sha3_256 => Some(64),
            HashAlgorithm::Sha384 | HashAlgorithm::Sha3_384 => Some(96),
            HashAlgorithm::Sha512 | HashAlgorithm::Sha3_512 => Some(128),
            HashAlgorithm::Ssdeep | HashAlgorithm::Tlsh => None,
        }
    }
}

impl ObservableKind {
    /// Every kind but [`ObservableKind::Hash`].
    const OTHERS: [ObservableKind; 12] = [
        ObservableKind::Ipv4,
        ObservableKind::Ipv6,
        ObservableKind::Domain,
        ObservableKind::Url,
        ObservableKind::Email,
        ObservableKind::Mac,
        ObservableKind::Asn,
        ObservableKind::RegistryKey,
        ObservableKind::Mutex,
        ObservableKind::UserId,
        ObservableKind::AccountLogin,
        ObservableKind::X509Serial,
    ];

    /// The kind's stable text: `ipv4`, `domain`, `hash:sha-256`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ObservableKind::Ipv4 => "ipv4",
            ObservableKind::Ipv6 => "ipv6",
            ObservableKind::Domain => "domain",
            ObservableKind::Url => "url",
            ObservableKind::Email => "email",
            ObservableKind::Hash(algorithm) => match algorithm {
                HashAlgorithm::Md5 => "hash:md5",
                HashAlgorithm::Sha1 => "hash:sha-1",
                HashAlgorithm::Sha224 => "hash:sha-224",
                HashAlgorithm::Sha256 => "hash:sha-256",
                HashAlgorithm::Sha384 => "hash:sha-384",
                HashAlgorithm::Sha512 => "hash:sha-512",
                HashAlgorithm::Sha3_224 => "hash:sha3-224",
                HashAlgorithm::Sha3_256 => "hash:sha3-256",
                HashAlgorithm::Sha3_384 => "hash:sha3-384",
                HashAlgorithm::Sha3_512 => "hash:sha3-512",
                HashAlgorithm::Ssdeep => "hash:ssdeep",
                HashAlgorithm::Tlsh => "hash:tlsh",
            },
            ObservableKind::Mac => "mac",
            ObservableKind::Asn => "asn",
            ObservableKind::RegistryKey => "registry-key",
            ObservableKind::Mutex => "mutex",
            ObservableKind::UserId => "user-id",
            ObservableKind::AccountLogin => "account-login",
            ObservableKind::X509Serial => "x509-serial",
        }
    }

    /// Reads [`ObservableKind::as_str`]'s text back.
    pub fn parse(text: &str) -> Option<ObservableKind> {
        if let Some(name) = text.strip_prefix("hash:") {
            return HashAlgorithm::ALL
                .into_iter()
                .find(|algorithm| algorithm.as_str() == name)
                .map(ObservableKind::Hash);
        }
        ObservableKind::OTHERS
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for ObservableKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One normalised observable: equal observables name the same thing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Observable {
    pub kind: ObservableKind,
    pub value: String,
}

impl Observable {
    /// `text` normalised as a `kind` value; `None` when it is not well formed for the
    /// kind (see each [`ObservableKind`] variant for its normal form).
    pub fn normalise(kind: ObservableKind, text: &str) -> Option<Observable> {
        let value = match kind {
            ObservableKind::Ipv4 => ipv4(text.trim())?,
            ObservableKind::Ipv6 => ipv6(text.trim())?,
            ObservableKind::Domain => domain(text.trim())?,
            ObservableKind::Url => url(text.trim())?,
            ObservableKind::Email => email(text.trim())?,
            ObservableKind::Hash(algorithm) => hash(algorithm, text.trim())?,
            ObservableKind::Mac => mac(text.trim())?,
            ObservableKind::Asn => asn(text.trim())?,
            ObservableKind::RegistryKey => registry_key(text.trim())?,
            ObservableKind::X509Serial => serial_number(text.trim())?,
            ObservableKind::Mutex | ObservableKind::UserId | ObservableKind::AccountLogin => {
                (!text.is_empty()).then(|| text.to_owned())?
            }
        };
        Some(Observable { kind, value })
    }
}

impl fmt::Display for Observable {
    /// `kind:value`, e.g. `ipv4:198.51.100.7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.value)
    }
}

/// The observables of an object, whatever its type: an indicator's `stix` pattern, a
/// cyber-observable object's properties, or each object embedded in an observed-data's
/// deprecated `objects`. Other objects have none. A pattern that does not parse gives
/// none (validation reports it, not extraction).
pub fn extract(object: &Map<String, Value>) -> Vec<Observable> {
    let mut found = Collector::default();
    match object.get("type").and_then(Value::as_str) {
        Some("indicator") => {
            let pattern = object.get("pattern").and_then(Value::as_str);
            let is_stix = object.get("pattern_type").and_then(Value::as_str) == Some("stix");
            // The open vocabulary: types from extension definitions still yield hashes.
            if let Some(pattern) = pattern.filter(|_| is_stix)
                && let Ok(pattern) = Pattern::parse_with(pattern, Vocabulary::Open)
            {
                collect_pattern(&pattern, &mut found);
            }
        }
        Some("observed-data") => {
            let embedded = object.get("objects").and_then(Value::as_object);
            for inner in embedded.into_iter().flat_map(Map::values) {
                if let Value::Object(inner) = inner {
                    collect_object(inner, &mut found);
                }
            }
        }
        _ => collect_object(object, &mut found),
    }
    found.into_vec()
}

/// The observables named by the pattern's `=` comparisons (not `!=`, `NOT =`, `IN`,
/// `LIKE`, `MATCHES` or ranges), deduplicated, in the order written.
pub fn from_pattern(pattern: &Pattern) -> Vec<Observable> {
    let mut found = Collector::default();
    collect_pattern(pattern, &mut found);
    found.into_vec()
}

/// The observables of one cyber-observable object (section 6): the `value` of address,
/// domain, URL, email and MAC objects, digests in `hashes` (and in a file's extensions),
/// an autonomous system's number, a registry key's `key`, a mutex's `name`, a user
/// account's `user_id` and `account_login`, a certificate's serial number and digests.
/// A `defanged` object's value is refanged first (`hxxp`, `[.]`, `[@]`).
/// Network traffic and email messages only refer to other objects: they have none.
pub fn from_object(object: &Map<String, Value>) -> Vec<Observable> {
    let mut found = Collector::default();
    collect_object(object, &mut found);
    found.into_vec()
}

/// Observables in first-seen order, each once.
#[derive(Default)]
struct Collector {
    seen: HashSet<Observable>,
    found: Vec<Observable>,
}

impl Collector {
    fn add(&mut self, kind: ObservableKind, text: &str) {
        if let Some(observable) = Observable::normalise(kind, text)
            && !self.seen.contains(&observable)
        {
            self.seen.insert(observable.clone());
            self.found.push(observable);
        }
    }

    fn into_vec(self) -> Vec<Observable> {
        self.found
    }
}

/// `(object type, property, kind)`: the SCO properties that are observables themselves.
const PROPERTIES: &[(&str, &str, ObservableKind)] = &[
    ("ipv4-addr", "value", ObservableKind::Ipv4),
    ("ipv6-addr", "value", ObservableKind::Ipv6),
    ("domain-name", "value", ObservableKind::Domain),
    ("url", "value", ObservableKind::Url),
    ("email-addr", "value", ObservableKind::Email),
    ("mac-addr", "value", ObservableKind::Mac),
    ("autonomous-system", "number", ObservableKind::Asn),
    ("windows-registry-key", "key", ObservableKind::RegistryKey),
    ("mutex", "name", ObservableKind::Mutex),
    ("user-account", "user_id", ObservableKind::UserId),
    (
        "user-account",
        "account_login",
        ObservableKind::AccountLogin,
    ),
    (
        "x509-certificate",
        "serial_number",
        ObservableKind::X509Serial,
    ),
];

fn property_kind(object_type: &str, property: &str) -> Option<ObservableKind> {
    PROPERTIES
        .iter()
        .find(|(t, p, _)| *t == object_type && *p == property)
        .map(|(.., kind)| *kind)
}

fn collect_pattern(pattern: &Pattern, found: &mut Collector) {
    for (path, value) in pattern.observables() {
        if let Some(kind) = path_kind(&path, &value) {
            found.add(kind, &value);
        }
    }
}

/// One step of an object path in canonical text, after the object type.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index,
}

/// Splits a canonical object path (`type:key.'quoted key'[0][*]`) into its type and
/// steps; `None` if the text is not in that form.
fn split_path(path: &str) -> Option<(&str, Vec<Step>)> {
    let (object_type, rest) = path.split_once(':')?;
    let mut steps = Vec::new();
    let mut chars = rest.chars().peekable();
    let mut expect_key = true;
    while let Some(c) = chars.next() {
        match c {
            '.' if !expect_key => expect_key = true,
            '.' => return None,
            '[' => {
                chars.by_ref().find(|c| *c == ']')?;
                steps.push(Step::Index);
                expect_key = false;
            }
            '\'' if expect_key => {
                let mut key = String::new();
                loop {
                    match chars.next()? {
                        '\\' => key.push(chars.next()?),
                        '\'' => break,
                        other => key.push(other),
                    }
                }
                steps.push(Step::Key(key));
                expect_key = false;
            }
            c if expect_key => {
                let mut key = String::from(c);
                while let Some(next) = chars.next_if(|c| *c != '.' && *c != '[') {
                    key.push(next);
                }
                steps.push(Step::Key(key));
                expect_key = false;
            }
            _ => return None,
        }
    }
    if expect_key && !steps.is_empty() {
        return None;
    }
    Some((object_type, steps))
}

/// Which kind an `=` comparison on `path` names, if any.
fn path_kind(path: &str, value: &str) -> Option<ObservableKind> {
    let (object_type, steps) = split_path(path)?;
    match steps.as_slice() {
        [Step::Key(property)] => property_kind(object_type, property),
        // Any `hashes` dictionary: a file's own, a section's, an alternate data stream's.
        [.., Step::Key(dictionary), Step::Key(algorithm)] if dictionary == "hashes" => {
            HashAlgorithm::parse(algorithm).map(ObservableKind::Hash)
        }
        // A property of a referenced object (`network-traffic:dst_ref.value`,
        // `email-message:to_refs[*].value`), whose type the pattern does not name.
        [Step::Key(reference), Step::Key(property)] if reference.ends_with("_ref") => {
            referenced_kind(property, value)
        }
        [Step::Key(references), Step::Index, Step::Key(property)]
            if references.ends_with("_refs") =>
        {
            referenced_kind(property, value)
        }
        _ => None,
    }
}

/// The kind of a referenced object's property, the value's shape deciding between the
/// types a `value` may belong to.
fn referenced_kind(property: &str, value: &str) -> Option<ObservableKind> {
    match property {
        "value" => {
            let value = value.trim();
            let kind = if ipv4(value).is_some() {
                ObservableKind::Ipv4
            } else if ipv6(value).is_some() {
                ObservableKind::Ipv6
            } else if mac(value).is_some() {
                ObservableKind::Mac
            } else if value.contains("://") {
                ObservableKind::Url
            } else if value.contains('@') {
                ObservableKind::Email
            } else {
                ObservableKind::Domain
            };
            Some(kind)
        }
        "number" => Some(ObservableKind::Asn),
        "user_id" => Some(ObservableKind::UserId),
        "account_login" => Some(ObservableKind::AccountLogin),
        _ => None,
    }
}

fn collect_object(object: &Map<String, Value>, found: &mut Collector) {
    let Some(object_type) = object.get("type").and_then(Value::as_str) else {
        return;
    };
    let defanged = object.get("defanged").and_then(Value::as_bool) == Some(true);
    for (name, value) in object {
        let Some(kind) = property_kind(object_type, name) else {
            continue;
        };
        let text = match value {
            Value::String(text) if defanged => refang(text),
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            _ => continue,
        };
        found.add(kind, &text);
    }
    let has_hashes = matches!(object_type, "file" | "artifact" | "x509-certificate")
        || object_type.starts_with("x-");
    if has_hashes && let Some(Value::Object(hashes)) = object.get("hashes") {
        collect_hashes(hashes, found);
    }
    // File extensions carry digests of parts: NTFS alternate data streams, PE sections.
    if object_type == "file"
        && let Some(extensions) = object.get("extensions")
    {
        collect_nested_hashes(extensions, found, 0);
    }
}

fn collect_hashes(hashes: &Map<String, Value>, found: &mut Collector) {
    for (algorithm, value) in hashes {
        if let (Some(algorithm), Some(value)) = (HashAlgorithm::parse(algorithm), value.as_str()) {
            found.add(ObservableKind::Hash(algorithm), value);
        }
    }
}

/// Deep enough for every extension of section 6.7; deeper JSON is not a file extension.
const MAX_EXTENSION_DEPTH: usize = 8;

fn collect_nested_hashes(value: &Value, found: &mut Collector, depth: usize) {
    if depth > MAX_EXTENSION_DEPTH {
        return;
    }
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                match member {
                    Value::Object(hashes) if name == "hashes" => collect_hashes(hashes, found),
                    _ => collect_nested_hashes(member, found, depth + 1),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_nested_hashes(item, found, depth + 1);
            }
        }
        _ => {}
    }
}

/// Undoes the common defanging of addresses (section 6, common property `defanged`):
/// `hxxp://`, `[.]`, `(.)`, `[dot]`, `[@]`, `[at]`, `[:]`.
fn refang(text: &str) -> String {
    const REPLACEMENTS: &[(&str, &str)] = &[
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("[@]", "@"),
        ("(@)", "@"),
        ("[at]", "@"),
        ("[:]", ":"),
        ("[://]", "://"),
    ];
    let mut text = REPLACEMENTS
        .iter()
        .fold(text.to_owned(), |text, (from, to)| text.replace(from, to));
    for (from, to) in [("hxxps://", "https://"), ("hxxp://", "http://")] {
        if text
            .get(..from.len())
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case(from))
        {
            text.replace_range(..from.len(), to);
        }
    }
    text
}

/// `198.51.100.7`, or `198.51.100.0/24` with host bits cleared; `/32` is the address.
fn ipv4(text: &str) -> Option<String> {
    let (address, prefix) = split_prefix(text, 32)?;
    let address: Ipv4Addr = address.parse().ok()?;
    Some(match prefix {
        None | Some(32) => address.to_string(),
        Some(prefix) => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            format!("{}/{prefix}", Ipv4Addr::from(u32::from(address) & mask))
        }
    })
}

/// RFC 5952 text, or a block with host bits cleared; `/128` is the address.
fn ipv6(text: &str) -> Option<String> {
    let (address, prefix) = split_prefix(text, 128)?;
    let address: Ipv6Addr = address.parse().ok()?;
    Some(match prefix {
        None | Some(128) => address.to_string(),
        Some(prefix) => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            format!("{}/{prefix}", Ipv6Addr::from(u128::from(address) & mask))
        }
    })
}

/// The address and the CIDR prefix length (decimal, no leading zero, at most `max`).
fn split_prefix(text: &str, max: u32) -> Option<(&str, Option<u32>)> {
    let Some((address, prefix)) = text.split_once('/') else {
        return Some((text, None));
    };
    let well_formed = !prefix.is_empty()
        && prefix.len() <= 3
        && prefix.bytes().all(|b| b.is_ascii_digit())
        && (prefix == "0" || !prefix.starts_with('0'));
    let length: u32 = prefix.parse().ok().filter(|_| well_formed)?;
    (length <= max).then_some((address, Some(length)))
}

/// Lower case, no trailing dot, IDNA (UTS 46) to ASCII: `Bücher.Example.` becomes
/// `xn--bcher-kva.example`. Characters no host may have (space, `/`, `@`, ...) refuse it.
fn domain(text: &str) -> Option<String> {
    let text = text.strip_suffix('.').unwrap_or(text);
    if text.is_empty() {
        return None;
    }
    let ascii = idna::domain_to_ascii_cow(text.as_bytes(), AsciiDenyList::URL).ok()?;
    if ascii.is_empty() || ascii.split('.').any(str::is_empty) {
        return None;
    }
    Some(ascii.into_owned())
}

/// RFC 3986 section 6.2.2-6.2.3 normalisation, short of percent-encoding: scheme and
/// host lower case (the host as a domain or address), the scheme's default port dropped,
/// an empty path after an authority as `/`. Userinfo, path, query and fragment are kept.
fn url(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once(':')?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let Some(rest) = rest.strip_prefix("//") else {
        // No authority (`mailto:`, `urn:`): only the scheme has a case to fold.
        return Some(format!("{scheme}:{rest}"));
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => (Some(userinfo), host_port),
        None => (None, authority),
    };
    let (host, port) = split_host_port(host_port)?;
    let host = if let Some(literal) = host.strip_prefix('[') {
        let literal = literal.strip_suffix(']')?;
        format!("[{}]", literal.parse::<Ipv6Addr>().ok()?)
    } else if host.is_empty() {
        String::new()
    } else if let Ok(address) = host.parse::<Ipv4Addr>() {
        address.to_string()
    } else {
        // A host IDNA refuses may still be an RFC 3986 reg-name (percent-encoded, say).
        match domain(host) {
            Some(host) => host,
            None if is_reg_name(host) => host.to_ascii_lowercase(),
            None => return None,
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(digits) => {
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let number: u16 = digits.parse().ok()?;
            (default_port(&scheme) != Some(number)).then_some(number)
        }
    };
    let mut normal = format!("{scheme}://");
    if let Some(userinfo) = userinfo {
        normal.push_str(userinfo);
        normal.push('@');
    }
    normal.push_str(&host);
    if let Some(port) = port {
        normal.push_str(&format!(":{port}"));
    }
    if !path.starts_with('/') {
        normal.push('/');
    }
    normal.push_str(path);
    Some(normal)
}

/// RFC 3986 section 3.2.2: unreserved, percent-encoded and sub-delimiter characters.
fn is_reg_name(host: &str) -> bool {
    host.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=".contains(&b))
}

/// Splits `host[:port]`, where the host may be a bracketed IPv6 literal.
fn split_host_port(text: &str) -> Option<(&str, Option<&str>)> {
    if text.starts_with('[') {
        let end = text.find(']')? + 1;
        let (host, rest) = text.split_at(end);
        return match rest {
            "" => Some((host, None)),
            _ => Some((host, Some(rest.strip_prefix(':')?))),
        };
    }
    Some(match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (text, None),
    })
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

/// `local@domain`: the local part as written (it may be case-sensitive, RFC 5321
/// section 2.4), the domain as [`domain`].
fn email(text: &str) -> Option<String> {
    let (local, host) = text.rsplit_once('@')?;
    if local.is_empty() {
        return None;
    }
    Some(format!("{local}@{}", domain(host)?))
}

/// Hex digests lower case and of the algorithm's length; SSDEEP as written; TLSH lower
/// case after its `T1` version prefix.
fn hash(algorithm: HashAlgorithm, text: &str) -> Option<String> {
    let is_hex = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit());
    match algorithm {
        HashAlgorithm::Ssdeep => {
            let well_formed = text.contains(':')
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b':' | b'.'));
            well_formed.then(|| text.to_owned())
        }
        HashAlgorithm::Tlsh => match text.strip_prefix("T1").or(text.strip_prefix("t1")) {
            Some(digest) if is_hex(digest) => Some(format!("T1{}", digest.to_ascii_lowercase())),
            _ => is_hex(text).then(|| text.to_ascii_lowercase()),
        },
        _ => {
            let length = algorithm.hex_digits()?;
            (text.len() == length && is_hex(text)).then(|| text.to_ascii_lowercase())
        }
    }
}

/// MAC-48 or EUI-64 in any usual spelling (`00-1A-2B-...`, `001a.2b3c.4d5e`, bare hex)
/// as lower-case, zero-padded octets joined by colons.
fn mac(text: &str) -> Option<String> {
    let octets: Vec<u8> = if text.contains([':', '-']) {
        text.split([':', '-'])
            .map(|group| {
                let ok =
                    (1..=2).contains(&group.len()) && group.bytes().all(|b| b.is_ascii_hexdigit());
                ok.then(|| u8::from_str_radix(group, 16).ok()).flatten()
            })
            .collect::<Option<_>>()?
    } else {
        let digits: String = if text.contains('.') {
            let groups: Vec<&str> = text.split('.').collect();
            if !groups.iter().all(|group| group.len() == 4) {
                return None;
            }
            groups.concat()
        } else {
            text.to_owned()
        };
        if !digits.len().is_multiple_of(2) || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        (0..digits.len())
            .step_by(2)
            .map(|at| u8::from_str_radix(digits.get(at..at + 2)?, 16).ok())
            .collect::<Option<_>>()?
    };
    if !matches!(octets.len(), 6 | 8) {
        return None;
    }
    let hex: Vec<String> = octets.iter().map(|octet| format!("{octet:02x}")).collect();
    Some(hex.join(":"))
}

/// A 32-bit AS number in decimal; an `AS` prefix is dropped.
fn asn(text: &str) -> Option<String> {
    let digits = match text.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("as") => text[2..].trim_start(),
        _ => text,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().map(|number| number.to_string())
}

/// Section 6.17: the key starts with a hive, written in full (`HKLM` becomes
/// `HKEY_LOCAL_MACHINE`); the rest is lower case, as Windows compares key names without
/// case; a trailing backslash is dropped.
fn registry_key(text: &str) -> Option<String> {
    const HIVES: &[(&str, &str)] = &[
        ("HKLM", "HKEY_LOCAL_MACHINE"),
        ("HKCU", "HKEY_CURRENT_USER"),
        ("HKCR", "HKEY_CLASSES_ROOT"),
        ("HKU", "HKEY_USERS"),
        ("HKCC", "HKEY_CURRENT_CONFIG"),
        ("HKPD", "HKEY_PERFORMANCE_DATA"),
        ("HKDD", "HKEY_DYN_DATA"),
    ];
    let text = text.trim_end_matches('\\');
    if text.is_empty() {
        return None;
    }
    let (hive, rest) = match text.split_once('\\') {
        Some((hive, rest)) => (hive, Some(rest)),
        None => (text, None),
    };
    let hive = hive.to_ascii_uppercase();
    let hive = HIVES
        .iter()
        .find(|(short, long)| *short == hive || *long == hive)
        .map_or(hive.clone(), |(_, long)| (*long).to_owned());
    Some(match rest {
        Some(rest) => format!("{hive}\\{}", rest.to_lowercase()),
        None => hive,
    })
}

/// Hex serial numbers lower case without `:`, `-` or space separators; other spellings
/// (decimal with a sign, say) as written.
fn serial_number(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | ' '))
        .collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        Some(digits.to_ascii_lowercase())
    } else {
        Some(text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("case not an object: {other}"),
        }
    }

    fn pairs(observables: &[Observable]) -> Vec<(&'static str, &str)> {
        observables
            .iter()
            .map(|o| (o.kind.as_str(), o.value.as_str()))
            .collect()
    }

    #[test]
    fn each_kind_normalises_its_values() {
        use ObservableKind as K;
        let sha256 = ObservableKind::Hash(HashAlgorithm::Sha256);
        // (kind, as written, normal form or None when left out)
        let cases: &[(ObservableKind, &str, Option<&str>)] = &[
            // IPv4: canonical text, CIDR host bits zeroed, /32 is the address.
            (K::Ipv4, "198.51.100.7", Some("198.51.100.7")),
            (K::Ipv4, " 198.51.100.7 ", Some("198.51.100.7")),
            (K::Ipv4, "198.51.100.7/24", Some("198.51.100.0/24")),
            (K::Ipv4, "198.51.100.7/32", Some("198.51.100.7")),
            (K::Ipv4, "10.1.2.3/8", Some("10.0.0.0/8")),
            (K::Ipv4, "10.1.2.3/0", Some("0.0.0.0/0")),
            (K::Ipv4, "198.51.100.7/33", None),
            (K::Ipv4, "198.51.100.7/024", None),
            (K::Ipv4, "198.51.100.7/", None),
            (K::Ipv4, "198.051.100.7", None),
            (K::Ipv4, "198.51.100", None),
            (K::Ipv4, "2001:db8::1", None),
            // IPv6: RFC 5952 text, CIDR host bits zeroed, /128 is the address.
            (K::Ipv6, "2001:DB8:0:0:0:0:0:1", Some("2001:db8::1")),
            (
                K::Ipv6,
                "2001:0db8:0000:0000:0001:0000:0000:0001",
                Some("2001:db8::1:0:0:1"),
            ),
            (K::Ipv6, "2001:db8::1/128", Some("2001:db8::1")),
            (K::Ipv6, "2001:db8:dead:beef::1/32", Some("2001:db8::/32")),
            (K::Ipv6, "2001:db8::1/64", Some("2001:db8::/64")),
            (K::Ipv6, "::ffff:198.51.100.1", Some("::ffff:198.51.100.1")),
            (K::Ipv6, "::/0", Some("::/0")),
            (K::Ipv6, "2001:db8::1/129", None),
            (K::Ipv6, "fe80::1%eth0", None),
            (K::Ipv6, "198.51.100.1", None),
            // Domains: lower case, trailing dot dropped, IDNA to punycode.
            (K::Domain, "Example.COM", Some("example.com")),
            (K::Domain, "example.com.", Some("example.com")),
            (K::Domain, "c2.example.com", Some("c2.example.com")),
            (K::Domain, "bücher.example", Some("xn--bcher-kva.example")),
            (K::Domain, "BÜCHER.example.", Some("xn--bcher-kva.example")),
            (K::Domain, "münchen.de", Some("xn--mnchen-3ya.de")),
            (K::Domain, "例え.テスト", Some("xn--r8jz45g.xn--zckzah")),
            (
                K::Domain,
                "xn--bcher-kva.example",
                Some("xn--bcher-kva.example"),
            ),
            (K::Domain, "_dmarc.example.com", Some("_dmarc.example.com")),
            (K::Domain, "", None),
            (K::Domain, ".", None),
            (K::Domain, "a..example", None),
            (K::Domain, "exa mple.com", None),
            (K::Domain, "example.com/path", None),
            // URLs: scheme and host lower case, default port dropped, empty path "/".
            (K::Url, "HTTP://Example.COM", Some("http://example.com/")),
            (
                K::Url,
                "https://EXAMPLE.com:443/A%2Fb?Q=1#F",
                Some("https://example.com/A%2Fb?Q=1#F"),
            ),
            (
                K::Url,
                "http://example.com:8080/x",
                Some("http://example.com:8080/x"),
            ),
            (K::Url, "http://example.com:80", Some("http://example.com/")),
            (K::Url, "http://example.com:/", Some("http://example.com/")),
            (
                K::Url,
                "https://example.com:80/",
                Some("https://example.com:80/"),
            ),
            (
                K::Url,
                "ftp://Files.Example:21",
                Some("ftp://files.example/"),
            ),
            (
                K::Url,
                "http://example.com?q",
                Some("http://example.com/?q"),
            ),
            (
                K::Url,
                "http://User:Pass@Example.com/",
                Some("http://User:Pass@example.com/"),
            ),
            (
                K::Url,
                "http://[2001:DB8::1]:8080/",
                Some("http://[2001:db8::1]:8080/"),
            ),
            (
                K::Url,
                "http://bücher.example/ä",
                Some("http://xn--bcher-kva.example/ä"),
            ),
            (
                K::Url,
                "http://198.51.100.7/x",
                Some("http://198.51.100.7/x"),
            ),
            (
                K::Url,
                "http://%65xample.com/",
                Some("http://%65xample.com/"),
            ),
            (K::Url, "FILE:///etc/passwd", Some("file:///etc/passwd")),
            (
                K::Url,
                "MAILTO:Someone@Example.com",
                Some("mailto:Someone@Example.com"),
            ),
            (K::Url, "example.com/path", None),
            (K::Url, "http://example.com:http/", None),
            (K::Url, "http://example.com:99999/", None),
            (K::Url, "1http://example.com/", None),
            // Email: local part kept, domain normalised.
            (
                K::Email,
                "John.Doe@Example.COM",
                Some("John.Doe@example.com"),
            ),
            (
                K::Email,
                "jdoe@bücher.example.",
                Some("jdoe@xn--bcher-kva.example"),
            ),
            (K::Email, "\"a@b\"@example.com", Some("\"a@b\"@example.com")),
            (K::Email, "@example.com", None),
            (K::Email, "jdoe", None),
            (K::Email, "jdoe@", None),
            // Hashes: hex lower case and of the algorithm's length.
            (
                ObservableKind::Hash(HashAlgorithm::Md5),
                "CEAD3F77F6CDA6EC00F57D76C9A6879F",
                Some("cead3f77f6cda6ec00f57d76c9a6879f"),
            ),
            (ObservableKind::Hash(HashAlgorithm::Md5), "cead3f", None),
            (
                ObservableKind::Hash(HashAlgorithm::Sha1),
                "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3",
                Some("a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"),
            ),
            (
                sha256,
                "AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F",
                Some("aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f"),
            ),
            (
                sha256,
                "zec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f",
                None,
            ),
            (
                ObservableKind::Hash(HashAlgorithm::Sha512),
                &"AB".repeat(64),
                Some(&"ab".repeat(64)),
            ),
            (
                ObservableKind::Hash(HashAlgorithm::Sha3_256),
                &"Ab".repeat(32),
                Some(&"ab".repeat(32)),
            ),
            (
                ObservableKind::Hash(HashAlgorithm::Ssdeep),
                "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
                Some("3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"),
            ),
            (
                ObservableKind::Hash(HashAlgorithm::Ssdeep),
                "no colon",
                None,
            ),
            (
                ObservableKind::Hash(HashAlgorithm::Tlsh),
                "T1ABCDEF0123",
                Some("T1abcdef0123"),
            ),
            (
                ObservableKind::Hash(HashAlgorithm::Tlsh),
                "ABCDEF0123",
                Some("abcdef0123"),
            ),
            (ObservableKind::Hash(HashAlgorithm::Tlsh), "T1xyz", None),
            // MACs: lower-case colon form, zero-padded.
            (K::Mac, "00:1A:2B:3C:4D:5E", Some("00:1a:2b:3c:4d:5e")),
            (K::Mac, "00-1a-2b-3c-4d-5e", Some("00:1a:2b:3c:4d:5e")),
            (K::Mac, "001a.2b3c.4d5e", Some("00:1a:2b:3c:4d:5e")),
            (K::Mac, "001A2B3C4D5E", Some("00:1a:2b:3c:4d:5e")),
            (K::Mac, "0:1a:2b:3c:4d:5e", Some("00:1a:2b:3c:4d:5e")),
            (
                K::Mac,
                "00:1a:2b:ff:fe:3c:4d:5e",
                Some("00:1a:2b:ff:fe:3c:4d:5e"),
            ),
            (K::Mac, "00:1a:2b:3c:4d", None),
            (K::Mac, "00:1a:2b:3c:4d:5g", None),
            (K::Mac, "001:a2:b3:c4:d5:e6", None),
            // ASNs: decimal, AS prefix dropped.
            (K::Asn, "15139", Some("15139")),
            (K::Asn, "AS15139", Some("15139")),
            (K::Asn, "as 15139", Some("15139")),
            (K::Asn, "4294967295", Some("4294967295")),
            (K::Asn, "4294967296", None),
            (K::Asn, "-1", None),
            (K::Asn, "AS", None),
            // Registry keys: full hive name, the rest lower case.
            (
                K::RegistryKey,
                "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\",
                Some("HKEY_LOCAL_MACHINE\\software\\microsoft\\windows\\currentversion\\run"),
            ),
            (
                K::RegistryKey,
                "hkey_current_user\\Software\\Evil",
                Some("HKEY_CURRENT_USER\\software\\evil"),
            ),
            (K::RegistryKey, "HKU", Some("HKEY_USERS")),
            (K::RegistryKey, "", None),
            // Names and accounts: as written.
            (K::Mutex, "Global\\MyMutex ", Some("Global\\MyMutex ")),
            (K::Mutex, "", None),
            (K::UserId, "S-1-5-21-1001", Some("S-1-5-21-1001")),
            (K::AccountLogin, "JDoe", Some("JDoe")),
            // Certificate serial numbers: lower-case hex, separators dropped.
            (
                K::X509Serial,
                "36:F7:D4:32:F4:AB:70:EA",
                Some("36f7d432f4ab70ea"),
            ),
            (K::X509Serial, "1234", Some("1234")),
            (K::X509Serial, "-42 (negative)", Some("-42 (negative)")),
        ];
        for (kind, text, expected) in cases {
            let normal = Observable::normalise(*kind, text).map(|o| o.value);
            assert_eq!(
                normal.as_deref(),
                *expected,
                "case {kind} {text:?} normalises"
            );
        }
    }

    #[test]
    fn hash_algorithm_names_are_canonicalised() {
        let cases = [
            ("MD5", Some("md5")),
            ("md5", Some("md5")),
            ("SHA-1", Some("sha-1")),
            ("SHA1", Some("sha-1")),
            ("SHA256", Some("sha-256")),
            ("sha-256", Some("sha-256")),
            ("SHA-256", Some("sha-256")),
            ("SHA_256", Some("sha-256")),
            ("SHA-512", Some("sha-512")),
            ("SHA3-256", Some("sha3-256")),
            ("sha3_512", Some("sha3-512")),
            ("SSDEEP", Some("ssdeep")),
            ("TLSH", Some("tlsh")),
            ("x_custom", None),
            ("SHA-257", None),
        ];
        for (name, expected) in cases {
            assert_eq!(
                HashAlgorithm::parse(name).map(HashAlgorithm::as_str),
                expected,
                "case {name}"
            );
        }
    }

    #[test]
    fn kinds_read_back_from_their_text() {
        let hashes = HashAlgorithm::ALL.map(ObservableKind::Hash);
        let kinds = ObservableKind::OTHERS.into_iter().chain(hashes);
        for kind in kinds {
            assert_eq!(
                ObservableKind::parse(kind.as_str()),
                Some(kind),
                "case {kind}"
            );
        }
        assert_eq!(
            ObservableKind::Hash(HashAlgorithm::Sha256).as_str(),
            "hash:sha-256"
        );
        assert_eq!(ObservableKind::parse("hash:whirlpool"), None);
        assert_eq!(ObservableKind::parse("ip"), None);
    }

    #[test]
    fn patterns_yield_their_equality_comparisons_normalised() {
        let md5 = "cead3f77f6cda6ec00f57d76c9a6879f";
        let sha256 = "aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f";
        // (pattern, expected (kind, value) pairs in order)
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'C2.Example.com.']",
                &[("ipv4", "198.51.100.7"), ("domain", "c2.example.com")],
            ),
            (
                "[ipv4-addr:value = '198.51.100.7/24' AND ipv6-addr:value = '2001:DB8::1/128']",
                &[("ipv4", "198.51.100.0/24"), ("ipv6", "2001:db8::1")],
            ),
            (
                "[url:value = 'HTTP://Example.com:80'] FOLLOWEDBY [email-addr:value = 'A@B.Example']",
                &[("url", "http://example.com/"), ("email", "A@b.example")],
            ),
            (
                "[file:hashes.MD5 = 'CEAD3F77F6CDA6EC00F57D76C9A6879F' OR file:hashes.'SHA-256' = 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']",
                &[("hash:md5", md5), ("hash:sha-256", sha256)],
            ),
            (
                "[file:hashes.SHA256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
                &[("hash:sha-256", sha256)],
            ),
            (
                "[file:extensions.'ntfs-ext'.alternate_data_streams[0].hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']",
                &[("hash:md5", md5)],
            ),
            (
                "[artifact:hashes.'SHA-1' = 'A94A8FE5CCB19BA61C4C0873D391E987982FBBD3']",
                &[("hash:sha-1", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3")],
            ),
            (
                "[x509-certificate:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND x509-certificate:serial_number = '36:F7:D4']",
                &[("hash:sha-256", sha256), ("x509-serial", "36f7d4")],
            ),
            (
                "[mac-addr:value = '00-1A-2B-3C-4D-5E'] AND [autonomous-system:number = 15139]",
                &[("mac", "00:1a:2b:3c:4d:5e"), ("asn", "15139")],
            ),
            (
                "[windows-registry-key:key = 'HKLM\\\\Software\\\\Run'] OR [mutex:name = 'Global\\\\Evil']",
                &[
                    ("registry-key", "HKEY_LOCAL_MACHINE\\software\\run"),
                    ("mutex", "Global\\Evil"),
                ],
            ),
            (
                "[user-account:user_id = '1001' AND user-account:account_login = 'jdoe']",
                &[("user-id", "1001"), ("account-login", "jdoe")],
            ),
            // Referenced objects: the value's shape decides the kind.
            (
                "[network-traffic:dst_ref.value = '198.51.100.9' AND network-traffic:src_ref.value = 'evil.example']",
                &[("ipv4", "198.51.100.9"), ("domain", "evil.example")],
            ),
            (
                "[email-message:from_ref.value = 'Boss@Corp.Example' AND email-message:to_refs[*].value = 'x@y.example']",
                &[("email", "Boss@corp.example"), ("email", "x@y.example")],
            ),
            (
                "[domain-name:resolves_to_refs[0].value = '2001:db8::7'] AND [ipv4-addr:belongs_to_refs[*].number = 64496]",
                &[("ipv6", "2001:db8::7"), ("asn", "64496")],
            ),
            // Only `=`: not !=, NOT =, IN, LIKE, MATCHES, ordering or EXISTS.
            (
                "[ipv4-addr:value != '198.51.100.1' AND ipv4-addr:value NOT = '198.51.100.2' \
                 AND ipv4-addr:value IN ('198.51.100.3') AND domain-name:value LIKE '%.example' \
                 AND domain-name:value MATCHES '^a' AND file:size > 5 \
                 AND EXISTS file:name AND ipv4-addr:value ISSUBSET '10.0.0.0/8']",
                &[],
            ),
            // Properties that are not observables, and unknown hash algorithms.
            (
                "[file:name = 'evil.exe' AND file:size = 42 AND file:hashes.'x_custom' = 'abc' AND process:pid = 4]",
                &[],
            ),
            // Values malformed for their kind are left out; duplicates collapse.
            (
                "[file:hashes.TLSH = 'not hex'] OR [domain-name:value = 'a.example'] OR [domain-name:value = 'A.EXAMPLE.']",
                &[("domain", "a.example")],
            ),
        ];
        for (text, expected) in cases {
            let pattern = Pattern::parse_with(text, Vocabulary::Open)
                .unwrap_or_else(|e| panic!("case {text:?}: {e}"));
            assert_eq!(
                pairs(&from_pattern(&pattern)),
                expected.to_vec(),
                "case {text:?}"
            );
        }
    }

    #[test]
    fn canonical_paths_split_into_type_and_steps() {
        let cases = [
            ("file:name", Some(("file", vec![Step::Key("name".into())]))),
            (
                "file:hashes.'SHA-256'",
                Some((
                    "file",
                    vec![Step::Key("hashes".into()), Step::Key("SHA-256".into())],
                )),
            ),
            (
                "email-message:to_refs[*].value",
                Some((
                    "email-message",
                    vec![
                        Step::Key("to_refs".into()),
                        Step::Index,
                        Step::Key("value".into()),
                    ],
                )),
            ),
            (
                "x-a:'it\\'s'[-1].b",
                Some((
                    "x-a",
                    vec![Step::Key("it's".into()), Step::Index, Step::Key("b".into())],
                )),
            ),
            ("no-colon", None),
            ("file:'unclosed", None),
            ("file:a..b", None),
        ];
        for (path, expected) in cases {
            assert_eq!(split_path(path), expected, "case {path}");
        }
    }

    #[test]
    fn observable_objects_yield_their_identifying_properties() {
        let sha256 = "ab".repeat(32);
        let md5 = "cead3f77f6cda6ec00f57d76c9a6879f";
        let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
            (
                json!({"type": "ipv4-addr", "value": "198.51.100.7/32"}),
                vec![("ipv4", "198.51.100.7")],
            ),
            (
                json!({"type": "ipv6-addr", "value": "2001:DB8::0:1"}),
                vec![("ipv6", "2001:db8::1")],
            ),
            (
                json!({"type": "domain-name", "value": "Bücher.Example."}),
                vec![("domain", "xn--bcher-kva.example")],
            ),
            (
                json!({"type": "url", "value": "HTTPS://Example.com:443"}),
                vec![("url", "https://example.com/")],
            ),
            (
                json!({"type": "email-addr", "value": "Jane@Example.com", "display_name": "Jane"}),
                vec![("email", "Jane@example.com")],
            ),
            (
                json!({"type": "mac-addr", "value": "00:1A:2B:3C:4D:5E"}),
                vec![("mac", "00:1a:2b:3c:4d:5e")],
            ),
            (
                json!({"type": "autonomous-system", "number": 15139, "name": "Slime"}),
                vec![("asn", "15139")],
            ),
            (
                json!({"type": "windows-registry-key", "key": "HKCU\\Software\\Evil"}),
                vec![("registry-key", "HKEY_CURRENT_USER\\software\\evil")],
            ),
            (
                json!({"type": "mutex", "name": "__evil_mutex__"}),
                vec![("mutex", "__evil_mutex__")],
            ),
            (
                json!({"type": "user-account", "user_id": "1001", "account_login": "jdoe"}),
                vec![("account-login", "jdoe"), ("user-id", "1001")],
            ),
            (
                json!({"type": "file", "name": "a.exe", "hashes": {
                    "MD5": md5.to_uppercase(), "SHA256": "bad", "x_custom": "abc"}}),
                vec![("hash:md5", md5)],
            ),
            (
                json!({"type": "file", "hashes": {"md5": md5}, "extensions": {
                    "ntfs-ext": {"alternate_data_streams": [
                        {"name": "s", "hashes": {"SHA-1": "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3"}}]},
                    "windows-pebinary-ext": {"pe_type": "exe", "sections": [
                        {"name": ".text", "hashes": {"MD5": md5}}]}}}),
                vec![
                    ("hash:md5", md5),
                    ("hash:sha-1", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"),
                ],
            ),
            (
                json!({"type": "artifact", "hashes": {"SSDEEP": "3:abc:def"}}),
                vec![("hash:ssdeep", "3:abc:def")],
            ),
            (
                json!({"type": "x509-certificate", "serial_number": "36:F7:D4",
                    "hashes": {"SHA-256": "AB".repeat(32)}}),
                vec![("hash:sha-256", sha256.as_str()), ("x509-serial", "36f7d4")],
            ),
            (
                json!({"type": "x-acme-sample", "hashes": {"MD5": md5}}),
                vec![("hash:md5", md5)],
            ),
            // Defanged values are refanged first.
            (
                json!({"type": "url", "defanged": true, "value": "hxxps://evil[.]example/x"}),
                vec![("url", "https://evil.example/x")],
            ),
            (
                json!({"type": "email-addr", "defanged": true, "value": "bad[@]evil(.)example"}),
                vec![("email", "bad@evil.example")],
            ),
            (
                json!({"type": "url", "value": "hxxp://evil[.]example/"}),
                vec![],
            ),
            // Objects with no observable of their own, and malformed values.
            (
                json!({"type": "network-traffic", "src_ref": "ipv4-addr--1", "protocols": ["tcp"]}),
                vec![],
            ),
            (
                json!({"type": "email-message", "is_multipart": false, "subject": "hi"}),
                vec![],
            ),
            (
                json!({"type": "malware", "name": "x", "external_references": [
                    {"source_name": "s", "hashes": {"MD5": md5}}]}),
                vec![],
            ),
            (
                json!({"type": "ipv4-addr", "value": "not an address"}),
                vec![],
            ),
            (json!({"type": "ipv4-addr", "value": 7}), vec![]),
            (json!({"value": "198.51.100.7"}), vec![]),
        ];
        for (value, expected) in cases {
            let text = value.to_string();
            let observables = from_object(&object(value));
            let mut found = pairs(&observables);
            found.sort_unstable();
            let mut expected = expected;
            expected.sort_unstable();
            assert_eq!(found, expected, "case {text}");
        }
    }

    /// `(case name, object, expected (kind, value) pairs)`.
    type ExtractCase = (&'static str, Value, Vec<(&'static str, &'static str)>);

    #[test]
    fn extract_dispatches_on_the_object_type() {
        let indicator = |pattern: &str, pattern_type: &str| {
            json!({"type": "indicator", "spec_version": "2.1", "pattern": pattern,
                "pattern_type": pattern_type, "valid_from": "2016-01-01T00:00:00Z"})
        };
        let cases: Vec<ExtractCase> = vec![
            (
                "indicator with a stix pattern",
                indicator(
                    "[ipv4-addr:value = '198.51.100.7'] OR [domain-name:value = 'c2.example.com']",
                    "stix",
                ),
                vec![("ipv4", "198.51.100.7"), ("domain", "c2.example.com")],
            ),
            (
                "indicator of an extension-defined type",
                indicator(
                    "[acme-thing:hashes.MD5 = 'CEAD3F77F6CDA6EC00F57D76C9A6879F']",
                    "stix",
                ),
                vec![("hash:md5", "cead3f77f6cda6ec00f57d76c9a6879f")],
            ),
            (
                "indicator with a broken pattern",
                indicator("[ipv4-addr:value = '198.51.100.7'", "stix"),
                vec![],
            ),
            (
                "indicator with another pattern language",
                indicator("alert tcp any any -> 198.51.100.7 any", "snort"),
                vec![],
            ),
            (
                "observed-data with deprecated embedded objects",
                json!({"type": "observed-data", "objects": {
                    "0": {"type": "ipv4-addr", "value": "198.51.100.7"},
                    "1": {"type": "domain-name", "value": "C2.example.com"},
                    "2": {"type": "ipv4-addr", "value": "198.51.100.7"},
                    "3": {"type": "network-traffic", "src_ref": "0", "dst_ref": "1"},
                    "4": "not an object"}}),
                vec![("ipv4", "198.51.100.7"), ("domain", "c2.example.com")],
            ),
            (
                "observed-data with references only",
                json!({"type": "observed-data", "object_refs": ["ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd"]}),
                vec![],
            ),
            (
                "an observable object",
                json!({"type": "domain-name", "value": "Example.com"}),
                vec![("domain", "example.com")],
            ),
            (
                "a domain object",
                json!({"type": "malware", "name": "evil.example", "is_family": false}),
                vec![],
            ),
        ];
        for (name, value, expected) in cases {
            assert_eq!(pairs(&extract(&object(value))), expected, "case {name}");
        }
    }

    #[test]
    fn observables_display_as_kind_and_value() {
        let observable = Observable::normalise(ObservableKind::Ipv4, "198.51.100.7/24");
        assert_eq!(
            observable.map(|o| o.to_string()).as_deref(),
            Some("ipv4:198.51.100.0/24")
        );
    }

    mod properties {
        use std::net::{Ipv4Addr, Ipv6Addr};

        use proptest::prelude::*;
        use proptest::sample::select;

        use super::super::*;

        fn kind() -> impl Strategy<Value = ObservableKind> {
            let hashes = HashAlgorithm::ALL.map(ObservableKind::Hash);
            let kinds: Vec<ObservableKind> =
                ObservableKind::OTHERS.into_iter().chain(hashes).collect();
            select(kinds)
        }

        /// Text near each kind's forms, and anything at all.
        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "[0-9a-fA-F:.\\-/ ]{0,40}",
                "[a-zA-Z\u{e4}\u{f6}\u{fc}\u{df}0-9.\\-_]{1,30}",
                "(http|HTTP|ftp)s?://([a-z]+@)?[a-zA-Z0-9.\\-]{1,20}(:[0-9]{0,5})?(/[a-z%0-9]{0,10})?",
                "[a-zA-Z.]{1,10}@[a-zA-Z\u{e9}.]{1,12}",
                "(HKLM|hkcu|HKEY_USERS)(\\\\[a-zA-Z]{1,8}){0,3}\\\\?",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            #[test]
            fn normal_forms_normalise_to_themselves(kind in kind(), text in text()) {
                if let Some(observable) = Observable::normalise(kind, &text) {
                    let again = Observable::normalise(kind, &observable.value);
                    prop_assert_eq!(again, Some(observable), "case {} {:?}", kind, text);
                }
            }

            #[test]
            fn ipv4_blocks_keep_only_their_network_bits(bits in any::<u32>(), prefix in 0u32..=32) {
                let text = format!("{}/{prefix}", Ipv4Addr::from(bits));
                let network = (u64::from(bits) >> (32 - prefix) << (32 - prefix)) as u32;
                let expected = if prefix == 32 {
                    Ipv4Addr::from(bits).to_string()
                } else {
                    format!("{}/{prefix}", Ipv4Addr::from(network))
                };
                let normal = Observable::normalise(ObservableKind::Ipv4, &text).map(|o| o.value);
                prop_assert_eq!(normal, Some(expected), "case {}", text);
            }

            #[test]
            fn ipv6_blocks_keep_only_their_network_bits(bits in any::<u128>(), prefix in 0u32..=128) {
                let text = format!("{}/{prefix}", Ipv6Addr::from(bits));
                let network = if prefix == 0 { 0 } else { bits >> (128 - prefix) << (128 - prefix) };
                let expected = if prefix == 128 {
                    Ipv6Addr::from(bits).to_string()
                } else {
                    format!("{}/{prefix}", Ipv6Addr::from(network))
                };
                let normal = Observable::normalise(ObservableKind::Ipv6, &text).map(|o| o.value);
                prop_assert_eq!(normal, Some(expected), "case {}", text);
            }

            #[test]
            fn macs_in_any_spelling_meet(octets in any::<[u8; 6]>(), upper in any::<bool>(), separator in select(&[":", "-", ""][..])) {
                let hex: Vec<String> = octets
                    .iter()
                    .map(|o| if upper { format!("{o:02X}") } else { format!("{o:02x}") })
                    .collect();
                let text = hex.join(separator);
                let expected: Vec<String> = octets.iter().map(|o| format!("{o:02x}")).collect();
                let normal = Observable::normalise(ObservableKind::Mac, &text).map(|o| o.value);
                prop_assert_eq!(normal, Some(expected.join(":")), "case {}", text);
            }
        }
    }
}
