//! What a pattern may name: the STIX 2.1 Cyber-observable Object types and their
//! top-level properties (section 6), and the hash algorithms whose values have a known
//! shape (the "Hashing Algorithm Vocabulary" of section 10, plus those the OASIS validator
//! also knows).

/// Properties every SCO may carry (section 3, common properties of SCOs).
const COMMON_PROPERTIES: &[&str] = &[
    "type",
    "id",
    "spec_version",
    "object_marking_refs",
    "granular_markings",
    "defanged",
    "extensions",
];

/// Each STIX 2.1 SCO type and its own top-level properties (section 6.1–6.18).
const OBJECT_TYPES: &[(&str, &[&str])] = &[
    (
        "artifact",
        &[
            "mime_type",
            "payload_bin",
            "url",
            "hashes",
            "encryption_algorithm",
            "decryption_key",
        ],
    ),
    ("autonomous-system", &["number", "name", "rir"]),
    (
        "directory",
        &[
            "path",
            "path_enc",
            "ctime",
            "mtime",
            "atime",
            "contains_refs",
        ],
    ),
    ("domain-name", &["value", "resolves_to_refs"]),
    ("email-addr", &["value", "display_name", "belongs_to_ref"]),
    (
        "email-message",
        &[
            "is_multipart",
            "date",
            "content_type",
            "from_ref",
            "sender_ref",
            "to_refs",
            "cc_refs",
            "bcc_refs",
            "message_id",
            "subject",
            "received_lines",
            "additional_header_fields",
            "body",
            "body_multipart",
            "raw_email_ref",
        ],
    ),
    (
        "file",
        &[
            "hashes",
            "size",
            "name",
            "name_enc",
            "magic_number_hex",
            "mime_type",
            "ctime",
            "mtime",
            "atime",
            "parent_directory_ref",
            "contains_refs",
            "content_ref",
        ],
    ),
    (
        "ipv4-addr",
        &["value", "resolves_to_refs", "belongs_to_refs"],
    ),
    (
        "ipv6-addr",
        &["value", "resolves_to_refs", "belongs_to_refs"],
    ),
    ("mac-addr", &["value"]),
    ("mutex", &["name"]),
    (
        "network-traffic",
        &[
            "start",
            "end",
            "is_active",
            "src_ref",
            "dst_ref",
            "src_port",
            "dst_port",
            "protocols",
            "src_byte_count",
            "dst_byte_count",
            "src_packets",
            "dst_packets",
            "ipfix",
            "src_payload_ref",
            "dst_payload_ref",
            "encapsulates_refs",
            "encapsulated_by_ref",
        ],
    ),
    (
        "process",
        &[
            "is_hidden",
            "pid",
            "created_time",
            "cwd",
            "command_line",
            "environment_variables",
            "opened_connection_refs",
            "creator_user_ref",
            "image_ref",
            "parent_ref",
            "child_refs",
        ],
    ),
    (
        "software",
        &["name", "cpe", "swid", "languages", "vendor", "version"],
    ),
    ("url", &["value"]),
    (
        "user-account",
        &[
            "user_id",
            "credential",
            "account_login",
            "account_type",
            "display_name",
            "is_service_account",
            "is_privileged",
            "can_escalate_privs",
            "is_disabled",
            "account_created",
            "account_expires",
            "credential_last_changed",
            "account_first_login",
            "account_last_login",
        ],
    ),
    (
        "windows-registry-key",
        &[
            "key",
            "values",
            "modified_time",
            "creator_user_ref",
            "number_of_subkeys",
        ],
    ),
    (
        "x509-certificate",
        &[
            "is_self_signed",
            "hashes",
            "version",
            "serial_number",
            "signature_algorithm",
            "issuer",
            "validity_not_before",
            "validity_not_after",
            "subject",
            "subject_public_key_algorithm",
            "subject_public_key_modulus",
            "subject_public_key_exponent",
            "x509_v3_extensions",
        ],
    ),
];

/// The properties of a STIX 2.1 SCO type, `None` when the type is not one.
pub(super) fn properties_of(object_type: &str) -> Option<&'static [&'static str]> {
    OBJECT_TYPES
        .iter()
        .find(|(name, _)| *name == object_type)
        .map(|(_, properties)| *properties)
}

/// Whether `property` is a top-level property of the SCO type with `properties`.
pub(super) fn has_property(properties: &[&str], property: &str) -> bool {
    properties.contains(&property) || COMMON_PROPERTIES.contains(&property)
}

/// A custom object type (section 11, customizing STIX): `x-` prefix.
pub(super) fn is_custom_type(object_type: &str) -> bool {
    object_type.starts_with("x-")
}

/// A custom property (section 11, customizing STIX): `x_` prefix.
pub(super) fn is_custom_property(property: &str) -> bool {
    property.starts_with("x_")
}

/// What a hash value looks like.
#[derive(Debug, Clone, Copy)]
pub(super) enum HashShape {
    /// Hex digits, one of these lengths.
    Hex(&'static [usize]),
    /// SSDEEP: up to 128 of `A-Z a-z 0-9 / + : .`.
    Ssdeep,
}

impl HashShape {
    pub fn accepts(self, value: &str) -> bool {
        match self {
            HashShape::Hex(lengths) => {
                lengths.contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit())
            }
            HashShape::Ssdeep => {
                (1..=128).contains(&value.len())
                    && value.bytes().all(|b| {
                        b.is_ascii_alphanumeric() || matches!(b, b'/' | b'+' | b':' | b'.')
                    })
            }
        }
    }
}

/// Hash algorithms keyed by name upper-cased without `-` (so `SHA-256`, `sha256` and
/// `SHA256` are one), as the OASIS pattern validator compares them.
const HASHES: &[(&str, HashShape)] = &[
    ("MD5", HashShape::Hex(&[32])),
    ("MD6", HashShape::Hex(&[32, 40, 56, 64, 96, 128])),
    ("RIPEMD160", HashShape::Hex(&[40])),
    ("SHA1", HashShape::Hex(&[40])),
    ("SHA224", HashShape::Hex(&[56])),
    ("SHA256", HashShape::Hex(&[64])),
    ("SHA384", HashShape::Hex(&[96])),
    ("SHA512", HashShape::Hex(&[128])),
    ("SHA3224", HashShape::Hex(&[56])),
    ("SHA3256", HashShape::Hex(&[64])),
    ("SHA3384", HashShape::Hex(&[96])),
    ("SHA3512", HashShape::Hex(&[128])),
    ("SSDEEP", HashShape::Ssdeep),
    ("WHIRLPOOL", HashShape::Hex(&[128])),
];

/// The shape of a known hash algorithm's values.
pub(super) fn hash_shape(algorithm: &str) -> Option<HashShape> {
    let key: String = algorithm
        .chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    HASHES
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, shape)| *shape)
}
