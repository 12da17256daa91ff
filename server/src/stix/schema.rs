//! What STIX 2.1 says each object type holds: for every SDO, SRO, SCO and SMO type, its
//! properties and the kind of value each takes, the rules between properties, the
//! vocabularies and enumerations, and the predefined SCO extensions.
//!
//! Data only, in static tables: nothing here allocates or reads JSON. `validate` walks
//! an object against these tables.

/// A vocabulary (open, `-ov`) or enumeration (closed, `-enum`) and its values.
#[derive(Debug)]
pub struct Vocabulary {
    /// The name the specification gives it, e.g. `malware-type-ov`.
    pub name: &'static str,
    pub values: &'static [&'static str],
}

impl Vocabulary {
    pub fn contains(&self, value: &str) -> bool {
        self.values.contains(&value)
    }
}

/// Which object types an identifier may refer to.
#[derive(Debug, Clone, Copy)]
pub enum Refs {
    /// Exactly these types.
    Types(&'static [&'static str]),
    /// STIX Domain Objects and custom object types.
    Sdo,
    /// STIX Cyber-observable Objects and custom object types.
    Sco,
    /// SDOs, SCOs and custom object types (the ends of a relationship).
    SdoOrSco,
    /// SCOs, SROs and custom object types (what observed-data observed).
    ScoOrSro,
    /// Any STIX object but a language content or a bundle.
    Translatable,
    /// Any STIX object.
    Any,
}

/// A string syntax checked beyond "is a string".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 5646 language tag.
    LanguageTag,
    /// RFC 3986 URI.
    Url,
    /// RFC 1034 / RFC 5890 domain name.
    DomainName,
    /// RFC 5322 `addr-spec`.
    EmailAddress,
    /// IPv4 address or CIDR block.
    Ipv4,
    /// IPv6 address or CIDR block.
    Ipv6,
    /// Colon-delimited lower-case MAC-48 address.
    MacAddress,
    /// CPE 2.3 formatted string.
    Cpe,
    /// IANA character set name.
    Charset,
    /// Windows registry key with its hive spelled out.
    RegistryKey,
    /// `a-z`, `0-9` and `-` only.
    RelationshipType,
    /// IANA media type (a SHOULD: only warned about).
    MediaType,
    /// IANA service name or transport protocol, lower case (a SHOULD: only warned about).
    Protocol,
    /// Windows priority class ending in `_CLASS` (a SHOULD: only warned about).
    PriorityClass,
}

/// The kind of value a property holds.
#[derive(Debug)]
pub enum Kind {
    String,
    Format(Format),
    /// A whole number within `min..=max`.
    Integer {
        min: i64,
        max: i64,
    },
    /// Any number within `min..=max`.
    Number {
        min: f64,
        max: f64,
    },
    Boolean,
    Timestamp,
    /// Base64 (RFC 4648) text.
    Binary,
    /// An even number of hexadecimal digits.
    Hex,
    Identifier(Refs),
    /// A value SHOULD come from the vocabulary; others are warned about.
    OpenVocab(&'static Vocabulary),
    /// A value MUST come from the enumeration.
    Enum(&'static Vocabulary),
    List(&'static Kind),
    /// A dictionary whose values are all of this kind.
    Dictionary(&'static Kind),
    /// A string or an integer.
    StringOrInteger,
    /// Any value.
    Any,
    Hashes,
    Structure(&'static Structure),
    /// The common `extensions` dictionary.
    Extensions,
    /// Socket options: `SO_*`-like keys with integer values.
    SocketOptions,
    /// Language content `contents`: language tag -> property -> translation.
    Contents,
    /// Observed-data's deprecated `objects` dictionary.
    ObservedObjects,
}

/// One property of an object or embedded type.
#[derive(Debug)]
pub struct Property {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

/// A rule between the properties of one object or embedded type.
#[derive(Debug)]
pub enum Rule {
    /// At least one of these is present.
    AnyOf(&'static [&'static str]),
    /// Exactly one of these is present.
    OneOf(&'static [&'static str]),
    /// When the first is present, so is the second.
    Requires(&'static str, &'static str),
    /// At least one of the type's own properties is present.
    NotEmpty,
    /// Timestamps in order: `first <= second`, or `first < second` when `strictly`.
    Ordered {
        first: &'static str,
        second: &'static str,
        strictly: bool,
    },
    /// When boolean `property` has `value`, `other` must be present (`present`) or absent.
    When {
        property: &'static str,
        value: bool,
        other: &'static str,
        present: bool,
    },
    /// External references: `cve` and `capec` sources carry ids of their form.
    ExternalId,
    /// Extension definitions: `extension_properties` only with a
    /// `toplevel-property-extension`.
    ExtensionProperties,
}

/// An object type or an embedded type: its own properties and their rules.
#[derive(Debug)]
pub struct Structure {
    /// The name used in messages, e.g. `kill-chain-phase` or `ntfs-ext`.
    pub name: &'static str,
    pub properties: &'static [Property],
    pub rules: &'static [Rule],
}

impl Structure {
    pub fn property(&self, name: &str) -> Option<&'static Property> {
        find(self.properties, name)
    }
}

/// Where a type stands in STIX 2.1, which decides its common properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    DomainObject,
    RelationshipObject,
    CyberObservable,
    MarkingDefinition,
    /// Language content and extension definition: versioned like SDOs.
    MetaObject,
    Custom,
}

/// A STIX 2.1 object type.
#[derive(Debug)]
pub struct ObjectType {
    pub category: Category,
    pub structure: Structure,
    /// STIX 2.1 section 6 "ID Contributing Properties" of an SCO type.
    pub id_contributing: &'static [&'static str],
}

/// A predefined SCO extension (STIX 2.1 section 6) and the type that may carry it.
#[derive(Debug)]
pub struct PredefinedExtension {
    pub host: &'static str,
    pub structure: &'static Structure,
}

pub fn find(properties: &'static [Property], name: &str) -> Option<&'static Property> {
    properties.iter().find(|p| p.name == name)
}

const fn req(name: &'static str, kind: Kind) -> Property {
    Property {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Property {
    Property {
        name,
        kind,
        required: false,
    }
}

/// STIX 2.1 "Integer": representable as a signed 54-bit value.
pub const MAX_INTEGER: i64 = (1 << 53) - 1;
const INTEGER: Kind = Kind::Integer {
    min: -MAX_INTEGER,
    max: MAX_INTEGER,
};
const NON_NEGATIVE: Kind = Kind::Integer {
    min: 0,
    max: MAX_INTEGER,
};
const STRINGS: Kind = Kind::List(&Kind::String);
const TIMESTAMP: Kind = Kind::Timestamp;
const KILL_CHAIN_PHASES: Kind = Kind::List(&Kind::Structure(&KILL_CHAIN_PHASE));

/// Properties every object has, checked by `validate` itself.
pub const BASE_PROPERTIES: &[&str] = &["type", "spec_version", "id", "created", "modified"];

/// STIX 2.1 "Reserved Property Names".
pub const RESERVED_PROPERTIES: &[&str] = &["severity", "action", "username", "phone_numbers"];

/// STIX 2.1 "Reserved Object Type Names".
pub const RESERVED_TYPES: &[&str] = &["action"];

/// Common properties of SDOs, SROs and language contents (STIX 2.1 section 3.2).
pub const DOMAIN_COMMON: &[Property] = &[
    opt(
        "created_by_ref",
        Kind::Identifier(Refs::Types(&["identity"])),
    ),
    opt("revoked", Kind::Boolean),
    opt("labels", STRINGS),
    opt("confidence", Kind::Integer { min: 0, max: 100 }),
    opt("lang", Kind::Format(Format::LanguageTag)),
    opt(
        "external_references",
        Kind::List(&Kind::Structure(&EXTERNAL_REFERENCE)),
    ),
    opt(
        "object_marking_refs",
        Kind::List(&Kind::Identifier(Refs::Types(&["marking-definition"]))),
    ),
    opt(
        "granular_markings",
        Kind::List(&Kind::Structure(&GRANULAR_MARKING)),
    ),
    opt("extensions", Kind::Extensions),
];

/// Common properties of SCOs (STIX 2.1 section 3.2).
pub const OBSERVABLE_COMMON: &[Property] = &[
    opt(
        "object_marking_refs",
        Kind::List(&Kind::Identifier(Refs::Types(&["marking-definition"]))),
    ),
    opt(
        "granular_markings",
        Kind::List(&Kind::Structure(&GRANULAR_MARKING)),
    ),
    opt("defanged", Kind::Boolean),
    opt("extensions", Kind::Extensions),
];

/// Common properties of marking definitions (STIX 2.1 section 7.2.1).
pub const MARKING_COMMON: &[Property] = &[
    opt(
        "created_by_ref",
        Kind::Identifier(Refs::Types(&["identity"])),
    ),
    opt(
        "external_references",
        Kind::List(&Kind::Structure(&EXTERNAL_REFERENCE)),
    ),
    opt(
        "object_marking_refs",
        Kind::List(&Kind::Identifier(Refs::Types(&["marking-definition"]))),
    ),
    opt(
        "granular_markings",
        Kind::List(&Kind::Structure(&GRANULAR_MARKING)),
    ),
    opt("extensions", Kind::Extensions),
];

/// Every common property: one not applicable to a category is still type-checked.
pub const ANY_COMMON: &[Property] = &[
    opt(
        "created_by_ref",
        Kind::Identifier(Refs::Types(&["identity"])),
    ),
    opt("revoked", Kind::Boolean),
    opt("labels", STRINGS),
    opt("confidence", Kind::Integer { min: 0, max: 100 }),
    opt("lang", Kind::Format(Format::LanguageTag)),
    opt(
        "external_references",
        Kind::List(&Kind::Structure(&EXTERNAL_REFERENCE)),
    ),
    opt("defanged", Kind::Boolean),
];

/// STIX 2.1 "External Reference".
pub const EXTERNAL_REFERENCE: Structure = Structure {
    name: "external-reference",
    properties: &[
        req("source_name", Kind::String),
        opt("description", Kind::String),
        opt("url", Kind::Format(Format::Url)),
        opt("hashes", Kind::Hashes),
        opt("external_id", Kind::String),
    ],
    rules: &[
        Rule::AnyOf(&["description", "url", "external_id"]),
        Rule::ExternalId,
    ],
};

/// STIX 2.1 "Kill Chain Phase".
pub const KILL_CHAIN_PHASE: Structure = Structure {
    name: "kill-chain-phase",
    properties: &[
        req("kill_chain_name", Kind::String),
        req("phase_name", Kind::String),
    ],
    rules: &[],
};

/// STIX 2.1 "Granular Marking" (selectors are resolved by `validate`).
pub const GRANULAR_MARKING: Structure = Structure {
    name: "granular-marking",
    properties: &[
        req("selectors", STRINGS),
        opt(
            "marking_ref",
            Kind::Identifier(Refs::Types(&["marking-definition"])),
        ),
        opt("lang", Kind::Format(Format::LanguageTag)),
    ],
    rules: &[Rule::OneOf(&["marking_ref", "lang"])],
};

/// The TLP 2.0 marking extension (OASIS `extension-definition--60a3c5c5-...`).
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// STIX 2.1 section 7.2.1.4 "TLP Marking": the only TLP 1.0 marking definitions.
pub const TLP1_MARKINGS: &[(&str, &str)] = &[
    (
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        "white",
    ),
    (
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "green",
    ),
    (
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        "amber",
    ),
    (
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        "red",
    ),
];

/// The `created` of every TLP 1.0 marking definition.
pub const TLP1_CREATED: &str = "2017-01-20T00:00:00.000Z";

/// The TLP 2.0 marking definitions published with the TLP 2.0 extension.
pub const TLP2_MARKINGS: &[(&str, &str)] = &[
    (
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "clear",
    ),
    (
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "green",
    ),
    (
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "amber",
    ),
    (
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "amber+strict",
    ),
    (
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        "red",
    ),
];

/// STIX 2.1 section 7.2.1 `definition_type` values.
pub const MARKING_DEFINITION_TYPE: Vocabulary = Vocabulary {
    name: "marking-definition-type",
    values: &["statement", "tlp"],
};

// Vocabularies (STIX 2.1 section 10).

pub const ACCOUNT_TYPE: Vocabulary = Vocabulary {
    name: "account-type-ov",
    values: &[
        "facebook",
        "ldap",
        "nis",
        "openid",
        "radius",
        "skype",
        "tacacs",
        "twitter",
        "unix",
        "windows-local",
        "windows-domain",
    ],
};
pub const ATTACK_MOTIVATION: Vocabulary = Vocabulary {
    name: "attack-motivation-ov",
    values: &[
        "accidental",
        "coercion",
        "dominance",
        "ideology",
        "notoriety",
        "organizational-gain",
        "personal-gain",
        "personal-satisfaction",
        "revenge",
        "unpredictable",
    ],
};
pub const ATTACK_RESOURCE_LEVEL: Vocabulary = Vocabulary {
    name: "attack-resource-level-ov",
    values: &[
        "individual",
        "club",
        "contest",
        "team",
        "organization",
        "government",
    ],
};
pub const ENCRYPTION_ALGORITHM: Vocabulary = Vocabulary {
    name: "encryption-algorithm-enum",
    values: &["AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"],
};
pub const EXTENSION_TYPE: Vocabulary = Vocabulary {
    name: "extension-type-enum",
    values: &[
        "new-sdo",
        "new-sco",
        "new-sro",
        "property-extension",
        "toplevel-property-extension",
    ],
};
pub const GROUPING_CONTEXT: Vocabulary = Vocabulary {
    name: "grouping-context-ov",
    values: &["suspicious-activity", "malware-analysis", "unspecified"],
};
pub const HASHING_ALGORITHM: Vocabulary = Vocabulary {
    name: "hash-algorithm-ov",
    values: &[
        "MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH",
    ],
};
pub const IDENTITY_CLASS: Vocabulary = Vocabulary {
    name: "identity-class-ov",
    values: &[
        "individual",
        "group",
        "system",
        "organization",
        "class",
        "unknown",
    ],
};
pub const IMPLEMENTATION_LANGUAGE: Vocabulary = Vocabulary {
    name: "implementation-language-ov",
    values: &[
        "applescript",
        "bash",
        "c",
        "c++",
        "c#",
        "go",
        "java",
        "javascript",
        "lua",
        "objective-c",
        "perl",
        "php",
        "powershell",
        "python",
        "ruby",
        "scala",
        "swift",
        "typescript",
        "visual-basic",
        "x86-32",
        "x86-64",
    ],
};
pub const INDICATOR_TYPE: Vocabulary = Vocabulary {
    name: "indicator-type-ov",
    values: &[
        "anomalous-activity",
        "anonymization",
        "benign",
        "compromised",
        "malicious-activity",
        "attribution",
        "unknown",
    ],
};
pub const INDUSTRY_SECTOR: Vocabulary = Vocabulary {
    name: "industry-sector-ov",
    values: &[
        "agriculture",
        "aerospace",
        "automotive",
        "chemical",
        "commercial",
        "communications",
        "construction",
        "defense",
        "education",
        "energy",
        "entertainment",
        "financial-services",
        "government",
        "emergency-services",
        "government-national",
        "government-regional",
        "government-local",
        "government-public-services",
        "healthcare",
        "hospitality-leisure",
        "infrastructure",
        "dams",
        "nuclear",
        "water",
        "insurance",
        "manufacturing",
        "mining",
        "non-profit",
        "pharmaceuticals",
        "retail",
        "technology",
        "telecommunications",
        "transportation",
        "utilities",
    ],
};
pub const INFRASTRUCTURE_TYPE: Vocabulary = Vocabulary {
    name: "infrastructure-type-ov",
    values: &[
        "amplification",
        "anonymization",
        "botnet",
        "command-and-control",
        "control-system",
        "exfiltration",
        "firewall",
        "hosting-malware",
        "hosting-target-lists",
        "phishing",
        "reconnaissance",
        "routers-switches",
        "staging",
        "workstation",
        "unknown",
    ],
};
pub const MALWARE_RESULT: Vocabulary = Vocabulary {
    name: "malware-result-ov",
    values: &["malicious", "suspicious", "benign", "unknown"],
};
pub const MALWARE_CAPABILITIES: Vocabulary = Vocabulary {
    name: "malware-capabilities-ov",
    values: &[
        "accesses-remote-machines",
        "anti-debugging",
        "anti-disassembly",
        "anti-emulation",
        "anti-memory-forensics",
        "anti-sandbox",
        "anti-vm",
        "captures-input-peripherals",
        "captures-output-peripherals",
        "captures-system-state-data",
        "cleans-traces-of-infection",
        "commits-fraud",
        "communicates-with-c2",
        "compromises-data-availability",
        "compromises-data-integrity",
        "compromises-system-availability",
        "controls-local-machine",
        "degrades-security-software",
        "degrades-system-updates",
        "determines-c2-server",
        "emails-spam",
        "escalates-privileges",
        "evades-av",
        "exfiltrates-data",
        "fingerprints-host",
        "hides-artifacts",
        "hides-executing-code",
        "infects-files",
        "infects-remote-machines",
        "installs-other-components",
        "persists-after-system-reboot",
        "prevents-artifact-access",
        "prevents-artifact-deletion",
        "probes-network-environment",
        "self-modifies",
        "steals-authentication-credentials",
        "violates-system-operational-integrity",
    ],
};
pub const MALWARE_TYPE: Vocabulary = Vocabulary {
    name: "malware-type-ov",
    values: &[
        "adware",
        "backdoor",
        "bot",
        "bootkit",
        "ddos",
        "downloader",
        "dropper",
        "exploit-kit",
        "keylogger",
        "ransomware",
        "remote-access-trojan",
        "resource-exploitation",
        "rogue-security-software",
        "rootkit",
        "screen-capture",
        "spyware",
        "trojan",
        "unknown",
        "virus",
        "webshell",
        "wiper",
        "worm",
    ],
};
pub const NETWORK_SOCKET_ADDRESS_FAMILY: Vocabulary = Vocabulary {
    name: "network-socket-address-family-enum",
    values: &[
        "AF_UNSPEC",
        "AF_INET",
        "AF_IPX",
        "AF_APPLETALK",
        "AF_NETBIOS",
        "AF_INET6",
        "AF_IRDA",
        "AF_BTH",
    ],
};
pub const NETWORK_SOCKET_TYPE: Vocabulary = Vocabulary {
    name: "network-socket-type-enum",
    values: &[
        "SOCK_STREAM",
        "SOCK_DGRAM",
        "SOCK_RAW",
        "SOCK_RDM",
        "SOCK_SEQPACKET",
    ],
};
pub const OPINION: Vocabulary = Vocabulary {
    name: "opinion-enum",
    values: &[
        "strongly-disagree",
        "disagree",
        "neutral",
        "agree",
        "strongly-agree",
    ],
};
pub const PATTERN_TYPE: Vocabulary = Vocabulary {
    name: "pattern-type-ov",
    values: &["stix", "pcre", "sigma", "snort", "suricata", "yara"],
};
pub const PROCESSOR_ARCHITECTURE: Vocabulary = Vocabulary {
    name: "processor-architecture-ov",
    values: &[
        "alpha", "arm", "ia-64", "mips", "powerpc", "sparc", "x86", "x86-64",
    ],
};
pub const REGION: Vocabulary = Vocabulary {
    name: "region-ov",
    values: &[
        "africa",
        "eastern-africa",
        "middle-africa",
        "northern-africa",
        "southern-africa",
        "western-africa",
        "americas",
        "latin-america-caribbean",
        "south-america",
        "caribbean",
        "central-america",
        "northern-america",
        "asia",
        "central-asia",
        "eastern-asia",
        "southern-asia",
        "south-eastern-asia",
        "western-asia",
        "europe",
        "eastern-europe",
        "northern-europe",
        "southern-europe",
        "western-europe",
        "oceania",
        "antarctica",
        "australia-new-zealand",
        "melanesia",
        "micronesia",
        "polynesia",
    ],
};
pub const REPORT_TYPE: Vocabulary = Vocabulary {
    name: "report-type-ov",
    values: &[
        "attack-pattern",
        "campaign",
        "identity",
        "indicator",
        "intrusion-set",
        "malware",
        "observed-data",
        "threat-actor",
        "threat-report",
        "tool",
        "vulnerability",
    ],
};
pub const THREAT_ACTOR_TYPE: Vocabulary = Vocabulary {
    name: "threat-actor-type-ov",
    values: &[
        "activist",
        "competitor",
        "crime-syndicate",
        "criminal",
        "hacker",
        "insider-accidental",
        "insider-disgruntled",
        "nation-state",
        "sensationalist",
        "spy",
        "terrorist",
        "unknown",
    ],
};
pub const THREAT_ACTOR_ROLE: Vocabulary = Vocabulary {
    name: "threat-actor-role-ov",
    values: &[
        "agent",
        "director",
        "independent",
        "infrastructure-architect",
        "infrastructure-operator",
        "malware-author",
        "sponsor",
    ],
};
pub const THREAT_ACTOR_SOPHISTICATION: Vocabulary = Vocabulary {
    name: "threat-actor-sophistication-ov",
    values: &[
        "none",
        "minimal",
        "intermediate",
        "advanced",
        "expert",
        "innovator",
        "strategic",
    ],
};
pub const TOOL_TYPE: Vocabulary = Vocabulary {
    name: "tool-type-ov",
    values: &[
        "denial-of-service",
        "exploitation",
        "information-gathering",
        "network-capture",
        "credential-exploitation",
        "remote-access",
        "vulnerability-scanning",
        "unknown",
    ],
};
pub const WINDOWS_INTEGRITY_LEVEL: Vocabulary = Vocabulary {
    name: "windows-integrity-level-enum",
    values: &["low", "medium", "high", "system"],
};
pub const WINDOWS_PEBINARY_TYPE: Vocabulary = Vocabulary {
    name: "windows-pebinary-type-ov",
    values: &["dll", "exe", "sys"],
};
pub const WINDOWS_REGISTRY_DATATYPE: Vocabulary = Vocabulary {
    name: "windows-registry-datatype-enum",
    values: &[
        "REG_NONE",
        "REG_SZ",
        "REG_EXPAND_SZ",
        "REG_BINARY",
        "REG_DWORD",
        "REG_DWORD_BIG_ENDIAN",
        "REG_DWORD_LITTLE_ENDIAN",
        "REG_LINK",
        "REG_MULTI_SZ",
        "REG_RESOURCE_LIST",
        "REG_FULL_RESOURCE_DESCRIPTION",
        "REG_RESOURCE_REQUIREMENTS_LIST",
        "REG_QWORD",
        "REG_INVALID_TYPE",
    ],
};
pub const WINDOWS_SERVICE_START_TYPE: Vocabulary = Vocabulary {
    name: "windows-service-start-type-enum",
    values: &[
        "SERVICE_AUTO_START",
        "SERVICE_BOOT_START",
        "SERVICE_DEMAND_START",
        "SERVICE_DISABLED",
        "SERVICE_SYSTEM_ALERT",
    ],
};
pub const WINDOWS_SERVICE_TYPE: Vocabulary = Vocabulary {
    name: "windows-service-type-enum",
    values: &[
        "SERVICE_KERNEL_DRIVER",
        "SERVICE_FILE_SYSTEM_DRIVER",
        "SERVICE_WIN32_OWN_PROCESS",
        "SERVICE_WIN32_SHARE_PROCESS",
    ],
};
pub const WINDOWS_SERVICE_STATUS: Vocabulary = Vocabulary {
    name: "windows-service-status-enum",
    values: &[
        "SERVICE_CONTINUE_PENDING",
        "SERVICE_PAUSE_PENDING",
        "SERVICE_PAUSED",
        "SERVICE_RUNNING",
        "SERVICE_START_PENDING",
        "SERVICE_STOP_PENDING",
        "SERVICE_STOPPED",
    ],
};

const fn id(types: &'static [&'static str]) -> Kind {
    Kind::Identifier(Refs::Types(types))
}

const fn first_last_seen() -> Rule {
    Rule::Ordered {
        first: "first_seen",
        second: "last_seen",
        strictly: false,
    }
}

const fn object(
    category: Category,
    name: &'static str,
    properties: &'static [Property],
    rules: &'static [Rule],
) -> ObjectType {
    ObjectType {
        category,
        structure: Structure {
            name,
            properties,
            rules,
        },
        id_contributing: &[],
    }
}

const fn observable(
    name: &'static str,
    properties: &'static [Property],
    rules: &'static [Rule],
    id_contributing: &'static [&'static str],
) -> ObjectType {
    ObjectType {
        category: Category::CyberObservable,
        structure: Structure {
            name,
            properties,
            rules,
        },
        id_contributing,
    }
}

use Category::{DomainObject, MetaObject, RelationshipObject};

/// STIX 2.1 section 4, STIX Domain Objects.
static DOMAIN_OBJECTS: &[ObjectType] = &[
    object(
        DomainObject,
        "attack-pattern",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt("aliases", STRINGS),
            opt("kill_chain_phases", KILL_CHAIN_PHASES),
        ],
        &[],
    ),
    object(
        DomainObject,
        "campaign",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt("aliases", STRINGS),
            opt("first_seen", TIMESTAMP),
            opt("last_seen", TIMESTAMP),
            opt("objective", Kind::String),
        ],
        &[first_last_seen()],
    ),
    object(
        DomainObject,
        "course-of-action",
        &[req("name", Kind::String), opt("description", Kind::String)],
        &[],
    ),
    object(
        DomainObject,
        "grouping",
        &[
            opt("name", Kind::String),
            opt("description", Kind::String),
            req("context", Kind::OpenVocab(&GROUPING_CONTEXT)),
            req("object_refs", Kind::List(&Kind::Identifier(Refs::Any))),
        ],
        &[],
    ),
    object(
        DomainObject,
        "identity",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt("roles", STRINGS),
            opt("identity_class", Kind::OpenVocab(&IDENTITY_CLASS)),
            opt("sectors", Kind::List(&Kind::OpenVocab(&INDUSTRY_SECTOR))),
            opt("contact_information", Kind::String),
        ],
        &[],
    ),
    object(
        DomainObject,
        "incident",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt("kill_chain_phases", KILL_CHAIN_PHASES),
        ],
        &[],
    ),
    object(
        DomainObject,
        "indicator",
        &[
            opt("name", Kind::String),
            opt("description", Kind::String),
            opt(
                "indicator_types",
                Kind::List(&Kind::OpenVocab(&INDICATOR_TYPE)),
            ),
            // Parsed by `validate` when `pattern_type` is `stix`.
            req("pattern", Kind::String),
            req("pattern_type", Kind::OpenVocab(&PATTERN_TYPE)),
            opt("pattern_version", Kind::String),
            req("valid_from", TIMESTAMP),
            opt("valid_until", TIMESTAMP),
            opt("kill_chain_phases", KILL_CHAIN_PHASES),
        ],
        &[Rule::Ordered {
            first: "valid_from",
            second: "valid_until",
            strictly: true,
        }],
    ),
    object(
        DomainObject,
        "infrastructure",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt(
                "infrastructure_types",
                Kind::List(&Kind::OpenVocab(&INFRASTRUCTURE_TYPE)),
            ),
            opt("aliases", STRINGS),
            opt("kill_chain_phases", KILL_CHAIN_PHASES),
            opt("first_seen", TIMESTAMP),
            opt("last_seen", TIMESTAMP),
        ],
        &[first_last_seen()],
    ),
    object(
        DomainObject,
        "intrusion-set",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt("aliases", STRINGS),
            opt("first_seen", TIMESTAMP),
            opt("last_seen", TIMESTAMP),
            opt("goals", STRINGS),
            opt("resource_level", Kind::OpenVocab(&ATTACK_RESOURCE_LEVEL)),
            opt("primary_motivation", Kind::OpenVocab(&ATTACK_MOTIVATION)),
            opt(
                "secondary_motivations",
                Kind::List(&Kind::OpenVocab(&ATTACK_MOTIVATION)),
            ),
        ],
        &[first_last_seen()],
    ),
    object(
        DomainObject,
        "location",
        &[
            opt("name", Kind::String),
            opt("description", Kind::String),
            opt(
                "latitude",
                Kind::Number {
                    min: -90.0,
                    max: 90.0,
                },
            ),
            opt(
                "longitude",
                Kind::Number {
                    min: -180.0,
                    max: 180.0,
                },
            ),
            opt(
                "precision",
                Kind::Number {
                    min: 0.0,
                    max: f64::MAX,
                },
            ),
            opt("region", Kind::OpenVocab(&REGION)),
            opt("country", Kind::String),
            opt("administrative_area", Kind::String),
            opt("city", Kind::String),
            opt("street_address", Kind::String),
            opt("postal_code", Kind::String),
        ],
        &[
            Rule::AnyOf(&["region", "country", "latitude"]),
            Rule::Requires("latitude", "longitude"),
            Rule::Requires("longitude", "latitude"),
            Rule::Requires("precision", "latitude"),
        ],
    ),
    object(
        DomainObject,
        "malware",
        &[
            opt("name", Kind::String),
            opt("description", Kind::String),
            opt("malware_types", Kind::List(&Kind::OpenVocab(&MALWARE_TYPE))),
            req("is_family", Kind::Boolean),
            opt("aliases", STRINGS),
            opt("kill_chain_phases", KILL_CHAIN_PHASES),
            opt("first_seen", TIMESTAMP),
            opt("last_seen", TIMESTAMP),
            opt("operating_system_refs", Kind::List(&id(&["software"]))),
            opt(
                "architecture_execution_envs",
                Kind::List(&Kind::OpenVocab(&PROCESSOR_ARCHITECTURE)),
            ),
            opt(
                "implementation_languages",
                Kind::List(&Kind::OpenVocab(&IMPLEMENTATION_LANGUAGE)),
            ),
            opt(
                "capabilities",
                Kind::List(&Kind::OpenVocab(&MALWARE_CAPABILITIES)),
            ),
            opt("sample_refs", Kind::List(&id(&["file", "artifact"]))),
        ],
        &[
            Rule::When {
                property: "is_family",
                value: true,
                other: "name",
                present: true,
            },
            first_last_seen(),
        ],
    ),
    object(
        DomainObject,
        "malware-analysis",
        &[
            req("product", Kind::String),
            opt("version", Kind::String),
            opt("host_vm_ref", id(&["software"])),
            opt("operating_system_ref", id(&["software"])),
            opt("installed_software_refs", Kind::List(&id(&["software"]))),
            opt("configuration_version", Kind::String),
            opt("modules", STRINGS),
            opt("analysis_engine_version", Kind::String),
            opt("analysis_definition_version", Kind::String),
            opt("submitted", TIMESTAMP),
            opt("analysis_started", TIMESTAMP),
            opt("analysis_ended", TIMESTAMP),
            opt("result_name", Kind::String),
            opt("result", Kind::OpenVocab(&MALWARE_RESULT)),
            opt(
                "analysis_sco_refs",
                Kind::List(&Kind::Identifier(Refs::Sco)),
            ),
            opt("sample_ref", id(&["file", "network-traffic", "artifact"])),
        ],
        &[Rule::AnyOf(&["result", "analysis_sco_refs"])],
    ),
    object(
        DomainObject,
        "note",
        &[
            opt("abstract", Kind::String),
            req("content", Kind::String),
            opt("authors", STRINGS),
            req("object_refs", Kind::List(&Kind::Identifier(Refs::Any))),
        ],
        &[],
    ),
    object(
        DomainObject,
        "observed-data",
        &[
            req("first_observed", TIMESTAMP),
            req("last_observed", TIMESTAMP),
            req(
                "number_observed",
                Kind::Integer {
                    min: 1,
                    max: 999_999_999,
                },
            ),
            opt("objects", Kind::ObservedObjects),
            opt("object_refs", Kind::List(&Kind::Identifier(Refs::ScoOrSro))),
        ],
        &[
            Rule::OneOf(&["objects", "object_refs"]),
            Rule::Ordered {
                first: "first_observed",
                second: "last_observed",
                strictly: false,
            },
        ],
    ),
    object(
        DomainObject,
        "opinion",
        &[
            opt("explanation", Kind::String),
            opt("authors", STRINGS),
            req("opinion", Kind::Enum(&OPINION)),
            req("object_refs", Kind::List(&Kind::Identifier(Refs::Any))),
        ],
        &[],
    ),
    object(
        DomainObject,
        "report",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt("report_types", Kind::List(&Kind::OpenVocab(&REPORT_TYPE))),
            req("published", TIMESTAMP),
            req("object_refs", Kind::List(&Kind::Identifier(Refs::Any))),
        ],
        &[],
    ),
    object(
        DomainObject,
        "threat-actor",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt(
                "threat_actor_types",
                Kind::List(&Kind::OpenVocab(&THREAT_ACTOR_TYPE)),
            ),
            opt("aliases", STRINGS),
            opt("first_seen", TIMESTAMP),
            opt("last_seen", TIMESTAMP),
            opt("roles", Kind::List(&Kind::OpenVocab(&THREAT_ACTOR_ROLE))),
            opt("goals", STRINGS),
            opt(
                "sophistication",
                Kind::OpenVocab(&THREAT_ACTOR_SOPHISTICATION),
            ),
            opt("resource_level", Kind::OpenVocab(&ATTACK_RESOURCE_LEVEL)),
            opt("primary_motivation", Kind::OpenVocab(&ATTACK_MOTIVATION)),
            opt(
                "secondary_motivations",
                Kind::List(&Kind::OpenVocab(&ATTACK_MOTIVATION)),
            ),
            opt(
                "personal_motivations",
                Kind::List(&Kind::OpenVocab(&ATTACK_MOTIVATION)),
            ),
        ],
        &[first_last_seen()],
    ),
    object(
        DomainObject,
        "tool",
        &[
            req("name", Kind::String),
            opt("description", Kind::String),
            opt("tool_types", Kind::List(&Kind::OpenVocab(&TOOL_TYPE))),
            opt("aliases", STRINGS),
            opt("kill_chain_phases", KILL_CHAIN_PHASES),
            opt("tool_version", Kind::String),
        ],
        &[],
    ),
    object(
        DomainObject,
        "vulnerability",
        &[req("name", Kind::String), opt("description", Kind::String)],
        &[],
    ),
];

/// STIX 2.1 section 5, STIX Relationship Objects.
static RELATIONSHIP_OBJECTS: &[ObjectType] = &[
    object(
        RelationshipObject,
        "relationship",
        &[
            req("relationship_type", Kind::Format(Format::RelationshipType)),
            opt("description", Kind::String),
            req("source_ref", Kind::Identifier(Refs::SdoOrSco)),
            req("target_ref", Kind::Identifier(Refs::SdoOrSco)),
            opt("start_time", TIMESTAMP),
            opt("stop_time", TIMESTAMP),
        ],
        &[Rule::Ordered {
            first: "start_time",
            second: "stop_time",
            strictly: true,
        }],
    ),
    object(
        RelationshipObject,
        "sighting",
        &[
            opt("description", Kind::String),
            opt("first_seen", TIMESTAMP),
            opt("last_seen", TIMESTAMP),
            opt(
                "count",
                Kind::Integer {
                    min: 0,
                    max: 999_999_999,
                },
            ),
            req("sighting_of_ref", Kind::Identifier(Refs::Sdo)),
            opt("observed_data_refs", Kind::List(&id(&["observed-data"]))),
            opt(
                "where_sighted_refs",
                Kind::List(&id(&["identity", "location"])),
            ),
            opt("summary", Kind::Boolean),
        ],
        &[first_last_seen()],
    ),
];

/// STIX 2.1 section 7, STIX Meta Objects.
static META_OBJECTS: &[ObjectType] = &[
    object(
        MetaObject,
        "language-content",
        &[
            req("object_ref", Kind::Identifier(Refs::Translatable)),
            opt("object_modified", TIMESTAMP),
            req("contents", Kind::Contents),
        ],
        &[],
    ),
    object(
        MetaObject,
        "extension-definition",
        &[
            req("created_by_ref", id(&["identity"])),
            req("name", Kind::String),
            opt("description", Kind::String),
            req("schema", Kind::String),
            req("version", Kind::String),
            req("extension_types", Kind::List(&Kind::Enum(&EXTENSION_TYPE))),
            opt("extension_properties", STRINGS),
        ],
        &[Rule::ExtensionProperties],
    ),
    object(
        Category::MarkingDefinition,
        "marking-definition",
        &[
            opt("name", Kind::String),
            // Checked against the definition by `validate`.
            opt("definition_type", Kind::String),
            opt("definition", Kind::Dictionary(&Kind::Any)),
        ],
        &[],
    ),
];

/// STIX 2.1 section 6, STIX Cyber-observable Objects.
static CYBER_OBSERVABLES: &[ObjectType] = &[
    observable(
        "artifact",
        &[
            opt("mime_type", Kind::Format(Format::MediaType)),
            opt("payload_bin", Kind::Binary),
            opt("url", Kind::Format(Format::Url)),
            opt("hashes", Kind::Hashes),
            opt("encryption_algorithm", Kind::Enum(&ENCRYPTION_ALGORITHM)),
            opt("decryption_key", Kind::String),
        ],
        &[
            Rule::OneOf(&["payload_bin", "url"]),
            Rule::Requires("url", "hashes"),
            Rule::Requires("decryption_key", "encryption_algorithm"),
        ],
        &["hashes", "payload_bin"],
    ),
    observable(
        "autonomous-system",
        &[
            req("number", INTEGER),
            opt("name", Kind::String),
            opt("rir", Kind::String),
        ],
        &[],
        &["number"],
    ),
    observable(
        "directory",
        &[
            req("path", Kind::String),
            opt("path_enc", Kind::Format(Format::Charset)),
            opt("ctime", TIMESTAMP),
            opt("mtime", TIMESTAMP),
            opt("atime", TIMESTAMP),
            opt("contains_refs", Kind::List(&id(&["file", "directory"]))),
        ],
        &[],
        &["path"],
    ),
    observable(
        "domain-name",
        &[
            req("value", Kind::Format(Format::DomainName)),
            opt(
                "resolves_to_refs",
                Kind::List(&id(&["ipv4-addr", "ipv6-addr", "domain-name"])),
            ),
        ],
        &[],
        &["value"],
    ),
    observable(
        "email-addr",
        &[
            req("value", Kind::Format(Format::EmailAddress)),
            opt("display_name", Kind::String),
            opt("belongs_to_ref", id(&["user-account"])),
        ],
        &[],
        &["value"],
    ),
    observable(
        "email-message",
        &[
            req("is_multipart", Kind::Boolean),
            opt("date", TIMESTAMP),
            opt("content_type", Kind::String),
            opt("from_ref", id(&["email-addr"])),
            opt("sender_ref", id(&["email-addr"])),
            opt("to_refs", Kind::List(&id(&["email-addr"]))),
            opt("cc_refs", Kind::List(&id(&["email-addr"]))),
            opt("bcc_refs", Kind::List(&id(&["email-addr"]))),
            opt("message_id", Kind::String),
            opt("subject", Kind::String),
            opt("received_lines", STRINGS),
            // STIX 2.1 "Email Message Object": each value MUST be a list of strings.
            opt("additional_header_fields", Kind::Dictionary(&STRINGS)),
            opt("body", Kind::String),
            opt(
                "body_multipart",
                Kind::List(&Kind::Structure(&EMAIL_MIME_PART)),
            ),
            opt("raw_email_ref", id(&["artifact"])),
        ],
        &[
            Rule::When {
                property: "is_multipart",
                value: true,
                other: "body",
                present: false,
            },
            Rule::When {
                property: "is_multipart",
                value: false,
                other: "body_multipart",
                present: false,
            },
        ],
        &["from_ref", "subject", "body"],
    ),
    observable(
        "file",
        &[
            opt("hashes", Kind::Hashes),
            opt("size", NON_NEGATIVE),
            opt("name", Kind::String),
            opt("name_enc", Kind::Format(Format::Charset)),
            opt("magic_number_hex", Kind::Hex),
            opt("mime_type", Kind::Format(Format::MediaType)),
            opt("ctime", TIMESTAMP),
            opt("mtime", TIMESTAMP),
            opt("atime", TIMESTAMP),
            opt("parent_directory_ref", id(&["directory"])),
            opt("contains_refs", Kind::List(&Kind::Identifier(Refs::Sco))),
            opt("content_ref", id(&["artifact"])),
        ],
        &[Rule::AnyOf(&["hashes", "name"])],
        &["hashes", "name", "extensions", "parent_directory_ref"],
    ),
    observable(
        "ipv4-addr",
        &[
            req("value", Kind::Format(Format::Ipv4)),
            opt("resolves_to_refs", Kind::List(&id(&["mac-addr"]))),
            opt("belongs_to_refs", Kind::List(&id(&["autonomous-system"]))),
        ],
        &[],
        &["value"],
    ),
    observable(
        "ipv6-addr",
        &[
            req("value", Kind::Format(Format::Ipv6)),
            opt("resolves_to_refs", Kind::List(&id(&["mac-addr"]))),
            opt("belongs_to_refs", Kind::List(&id(&["autonomous-system"]))),
        ],
        &[],
        &["value"],
    ),
    observable(
        "mac-addr",
        &[req("value", Kind::Format(Format::MacAddress))],
        &[],
        &["value"],
    ),
    observable("mutex", &[req("name", Kind::String)], &[], &["name"]),
    observable(
        "network-traffic",
        &[
            opt("start", TIMESTAMP),
            opt("end", TIMESTAMP),
            opt("is_active", Kind::Boolean),
            opt(
                "src_ref",
                id(&["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"]),
            ),
            opt(
                "dst_ref",
                id(&["ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"]),
            ),
            opt("src_port", Kind::Integer { min: 0, max: 65535 }),
            opt("dst_port", Kind::Integer { min: 0, max: 65535 }),
            req("protocols", Kind::List(&Kind::Format(Format::Protocol))),
            opt("src_byte_count", NON_NEGATIVE),
            opt("dst_byte_count", NON_NEGATIVE),
            opt("src_packets", NON_NEGATIVE),
            opt("dst_packets", NON_NEGATIVE),
            opt("ipfix", Kind::Dictionary(&Kind::StringOrInteger)),
            opt("src_payload_ref", id(&["artifact"])),
            opt("dst_payload_ref", id(&["artifact"])),
            opt("encapsulates_refs", Kind::List(&id(&["network-traffic"]))),
            opt("encapsulated_by_ref", id(&["network-traffic"])),
        ],
        &[
            Rule::AnyOf(&["src_ref", "dst_ref"]),
            Rule::When {
                property: "is_active",
                value: true,
                other: "end",
                present: false,
            },
            Rule::Ordered {
                first: "start",
                second: "end",
                strictly: false,
            },
        ],
        &[
            "start",
            "end",
            "src_ref",
            "dst_ref",
            "src_port",
            "dst_port",
            "protocols",
            "extensions",
        ],
    ),
    observable(
        "process",
        &[
            opt("is_hidden", Kind::Boolean),
            opt("pid", INTEGER),
            opt("created_time", TIMESTAMP),
            opt("cwd", Kind::String),
            opt("command_line", Kind::String),
            opt("environment_variables", Kind::Dictionary(&Kind::String)),
            opt(
                "opened_connection_refs",
                Kind::List(&id(&["network-traffic"])),
            ),
            opt("creator_user_ref", id(&["user-account"])),
            opt("image_ref", id(&["file"])),
            opt("parent_ref", id(&["process"])),
            opt("child_refs", Kind::List(&id(&["process"]))),
        ],
        // "at least one property (other than type) from this object or one of its
        // extensions": `extensions` is checked with the object's own properties.
        &[Rule::NotEmpty],
        &[],
    ),
    observable(
        "software",
        &[
            req("name", Kind::String),
            opt("cpe", Kind::Format(Format::Cpe)),
            opt("swid", Kind::String),
            opt("languages", Kind::List(&Kind::Format(Format::LanguageTag))),
            opt("vendor", Kind::String),
            opt("version", Kind::String),
        ],
        &[],
        &["name", "cpe", "swid", "vendor", "version"],
    ),
    observable(
        "url",
        &[req("value", Kind::Format(Format::Url))],
        &[],
        &["value"],
    ),
    observable(
        "user-account",
        &[
            opt("user_id", Kind::String),
            opt("credential", Kind::String),
            opt("account_login", Kind::String),
            opt("account_type", Kind::OpenVocab(&ACCOUNT_TYPE)),
            opt("display_name", Kind::String),
            opt("is_service_account", Kind::Boolean),
            opt("is_privileged", Kind::Boolean),
            opt("can_escalate_privs", Kind::Boolean),
            opt("is_disabled", Kind::Boolean),
            opt("account_created", TIMESTAMP),
            opt("account_expires", TIMESTAMP),
            opt("credential_last_changed", TIMESTAMP),
            opt("account_first_login", TIMESTAMP),
            opt("account_last_login", TIMESTAMP),
        ],
        &[Rule::NotEmpty],
        &["account_type", "user_id", "account_login"],
    ),
    observable(
        "windows-registry-key",
        &[
            opt("key", Kind::Format(Format::RegistryKey)),
            opt(
                "values",
                Kind::List(&Kind::Structure(&WINDOWS_REGISTRY_VALUE)),
            ),
            opt("modified_time", TIMESTAMP),
            opt("creator_user_ref", id(&["user-account"])),
            opt("number_of_subkeys", INTEGER),
        ],
        &[Rule::NotEmpty],
        &["key", "values"],
    ),
    observable(
        "x509-certificate",
        &[
            opt("is_self_signed", Kind::Boolean),
            opt("hashes", Kind::Hashes),
            opt("version", Kind::String),
            opt("serial_number", Kind::String),
            opt("signature_algorithm", Kind::String),
            opt("issuer", Kind::String),
            opt("validity_not_before", TIMESTAMP),
            opt("validity_not_after", TIMESTAMP),
            opt("subject", Kind::String),
            opt("subject_public_key_algorithm", Kind::String),
            opt("subject_public_key_modulus", Kind::String),
            opt("subject_public_key_exponent", INTEGER),
            opt("x509_v3_extensions", Kind::Structure(&X509_V3_EXTENSIONS)),
        ],
        &[Rule::NotEmpty],
        &["hashes", "serial_number"],
    ),
];

/// STIX 2.1 "Email MIME Component Type".
const EMAIL_MIME_PART: Structure = Structure {
    name: "email-mime-part-type",
    properties: &[
        opt("body", Kind::String),
        opt("body_raw_ref", id(&["artifact", "file"])),
        opt("content_type", Kind::String),
        opt("content_disposition", Kind::String),
    ],
    rules: &[Rule::OneOf(&["body", "body_raw_ref"])],
};

/// STIX 2.1 "Windows Registry Value Type".
const WINDOWS_REGISTRY_VALUE: Structure = Structure {
    name: "windows-registry-value-type",
    properties: &[
        opt("name", Kind::String),
        opt("data", Kind::String),
        opt("data_type", Kind::Enum(&WINDOWS_REGISTRY_DATATYPE)),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "X.509 v3 Extensions Type".
const X509_V3_EXTENSIONS: Structure = Structure {
    name: "x509-v3-extensions-type",
    properties: &[
        opt("basic_constraints", Kind::String),
        opt("name_constraints", Kind::String),
        opt("policy_constraints", Kind::String),
        opt("key_usage", Kind::String),
        opt("extended_key_usage", Kind::String),
        opt("subject_key_identifier", Kind::String),
        opt("authority_key_identifier", Kind::String),
        opt("subject_alternative_name", Kind::String),
        opt("issuer_alternative_name", Kind::String),
        opt("subject_directory_attributes", Kind::String),
        opt("crl_distribution_points", Kind::String),
        opt("inhibit_any_policy", Kind::String),
        opt("private_key_usage_period_not_before", TIMESTAMP),
        opt("private_key_usage_period_not_after", TIMESTAMP),
        opt("certificate_policies", Kind::String),
        opt("policy_mappings", Kind::String),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "Archive File Extension".
const ARCHIVE_EXT: Structure = Structure {
    name: "archive-ext",
    properties: &[
        req("contains_refs", Kind::List(&id(&["file", "directory"]))),
        opt("comment", Kind::String),
    ],
    rules: &[],
};

/// STIX 2.1 "Alternate Data Stream Type".
const ALTERNATE_DATA_STREAM: Structure = Structure {
    name: "alternate-data-stream-type",
    properties: &[
        req("name", Kind::String),
        opt("hashes", Kind::Hashes),
        opt("size", NON_NEGATIVE),
    ],
    rules: &[],
};

/// STIX 2.1 "NTFS File Extension".
const NTFS_EXT: Structure = Structure {
    name: "ntfs-ext",
    properties: &[
        opt("sid", Kind::String),
        opt(
            "alternate_data_streams",
            Kind::List(&Kind::Structure(&ALTERNATE_DATA_STREAM)),
        ),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "PDF File Extension".
const PDF_EXT: Structure = Structure {
    name: "pdf-ext",
    properties: &[
        opt("version", Kind::String),
        opt("is_optimized", Kind::Boolean),
        opt("document_info_dict", Kind::Dictionary(&Kind::String)),
        opt("pdfid0", Kind::String),
        opt("pdfid1", Kind::String),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "Raster Image File Extension".
const RASTER_IMAGE_EXT: Structure = Structure {
    name: "raster-image-ext",
    properties: &[
        opt("image_height", INTEGER),
        opt("image_width", INTEGER),
        opt("bits_per_pixel", INTEGER),
        opt("exif_tags", Kind::Dictionary(&Kind::StringOrInteger)),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "Windows PE Optional Header Type".
const WINDOWS_PE_OPTIONAL_HEADER: Structure = Structure {
    name: "windows-pe-optional-header-type",
    properties: &[
        opt("magic_hex", Kind::Hex),
        opt("major_linker_version", INTEGER),
        opt("minor_linker_version", INTEGER),
        opt("size_of_code", NON_NEGATIVE),
        opt("size_of_initialized_data", NON_NEGATIVE),
        opt("size_of_uninitialized_data", NON_NEGATIVE),
        opt("address_of_entry_point", INTEGER),
        opt("base_of_code", INTEGER),
        opt("base_of_data", INTEGER),
        opt("image_base", INTEGER),
        opt("section_alignment", INTEGER),
        opt("file_alignment", INTEGER),
        opt("major_os_version", INTEGER),
        opt("minor_os_version", INTEGER),
        opt("major_image_version", INTEGER),
        opt("minor_image_version", INTEGER),
        opt("major_subsystem_version", INTEGER),
        opt("minor_subsystem_version", INTEGER),
        opt("win32_version_value_hex", Kind::Hex),
        opt("size_of_image", NON_NEGATIVE),
        opt("size_of_headers", NON_NEGATIVE),
        opt("checksum_hex", Kind::Hex),
        opt("subsystem_hex", Kind::Hex),
        opt("dll_characteristics_hex", Kind::Hex),
        opt("size_of_stack_reserve", NON_NEGATIVE),
        opt("size_of_stack_commit", NON_NEGATIVE),
        opt("size_of_heap_reserve", NON_NEGATIVE),
        opt("size_of_heap_commit", NON_NEGATIVE),
        opt("loader_flags_hex", Kind::Hex),
        opt("number_of_rva_and_sizes", INTEGER),
        opt("hashes", Kind::Hashes),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "Windows PE Section Type".
const WINDOWS_PE_SECTION: Structure = Structure {
    name: "windows-pe-section-type",
    properties: &[
        req("name", Kind::String),
        opt("size", NON_NEGATIVE),
        opt(
            "entropy",
            Kind::Number {
                min: f64::MIN,
                max: f64::MAX,
            },
        ),
        opt("hashes", Kind::Hashes),
    ],
    rules: &[],
};

/// STIX 2.1 "Windows PE Binary File Extension".
const WINDOWS_PEBINARY_EXT: Structure = Structure {
    name: "windows-pebinary-ext",
    properties: &[
        req("pe_type", Kind::OpenVocab(&WINDOWS_PEBINARY_TYPE)),
        opt("imphash", Kind::String),
        opt("machine_hex", Kind::Hex),
        opt("number_of_sections", NON_NEGATIVE),
        opt("time_date_stamp", TIMESTAMP),
        opt("pointer_to_symbol_table_hex", Kind::Hex),
        opt("number_of_symbols", NON_NEGATIVE),
        opt("size_of_optional_header", NON_NEGATIVE),
        opt("characteristics_hex", Kind::Hex),
        opt("file_header_hashes", Kind::Hashes),
        opt(
            "optional_header",
            Kind::Structure(&WINDOWS_PE_OPTIONAL_HEADER),
        ),
        opt(
            "sections",
            Kind::List(&Kind::Structure(&WINDOWS_PE_SECTION)),
        ),
    ],
    rules: &[],
};

/// STIX 2.1 "HTTP Request Extension".
const HTTP_REQUEST_EXT: Structure = Structure {
    name: "http-request-ext",
    properties: &[
        req("request_method", Kind::String),
        req("request_value", Kind::String),
        opt("request_version", Kind::String),
        // Each value MUST be a list of strings (a header may repeat).
        opt("request_header", Kind::Dictionary(&STRINGS)),
        opt("message_body_length", INTEGER),
        opt("message_body_data_ref", id(&["artifact"])),
    ],
    rules: &[],
};

/// STIX 2.1 "ICMP Extension".
const ICMP_EXT: Structure = Structure {
    name: "icmp-ext",
    properties: &[
        req("icmp_type_hex", Kind::Hex),
        req("icmp_code_hex", Kind::Hex),
    ],
    rules: &[],
};

/// STIX 2.1 "Network Socket Extension".
const SOCKET_EXT: Structure = Structure {
    name: "socket-ext",
    properties: &[
        req("address_family", Kind::Enum(&NETWORK_SOCKET_ADDRESS_FAMILY)),
        opt("is_blocking", Kind::Boolean),
        opt("is_listening", Kind::Boolean),
        opt("options", Kind::SocketOptions),
        opt("socket_type", Kind::Enum(&NETWORK_SOCKET_TYPE)),
        opt("socket_descriptor", NON_NEGATIVE),
        opt("socket_handle", INTEGER),
    ],
    rules: &[],
};

/// STIX 2.1 "TCP Extension".
const TCP_EXT: Structure = Structure {
    name: "tcp-ext",
    properties: &[
        opt("src_flags_hex", Kind::Hex),
        opt("dst_flags_hex", Kind::Hex),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "Windows Process Extension".
const WINDOWS_PROCESS_EXT: Structure = Structure {
    name: "windows-process-ext",
    properties: &[
        opt("aslr_enabled", Kind::Boolean),
        opt("dep_enabled", Kind::Boolean),
        opt("priority", Kind::Format(Format::PriorityClass)),
        opt("owner_sid", Kind::String),
        opt("window_title", Kind::String),
        opt("startup_info", Kind::Dictionary(&Kind::Any)),
        opt("integrity_level", Kind::Enum(&WINDOWS_INTEGRITY_LEVEL)),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "Windows Service Extension".
const WINDOWS_SERVICE_EXT: Structure = Structure {
    name: "windows-service-ext",
    properties: &[
        opt("service_name", Kind::String),
        opt("descriptions", STRINGS),
        opt("display_name", Kind::String),
        opt("group_name", Kind::String),
        opt("start_type", Kind::Enum(&WINDOWS_SERVICE_START_TYPE)),
        opt("service_dll_refs", Kind::List(&id(&["file"]))),
        opt("service_type", Kind::Enum(&WINDOWS_SERVICE_TYPE)),
        opt("service_status", Kind::Enum(&WINDOWS_SERVICE_STATUS)),
    ],
    rules: &[Rule::NotEmpty],
};

/// STIX 2.1 "UNIX Account Extension".
const UNIX_ACCOUNT_EXT: Structure = Structure {
    name: "unix-account-ext",
    properties: &[
        opt("gid", INTEGER),
        opt("groups", STRINGS),
        opt("home_dir", Kind::String),
        opt("shell", Kind::String),
    ],
    rules: &[Rule::NotEmpty],
};

/// The predefined SCO extensions (STIX 2.1 section 6), by name.
static PREDEFINED_EXTENSIONS: &[(&str, PredefinedExtension)] = &[
    (
        "archive-ext",
        PredefinedExtension {
            host: "file",
            structure: &ARCHIVE_EXT,
        },
    ),
    (
        "ntfs-ext",
        PredefinedExtension {
            host: "file",
            structure: &NTFS_EXT,
        },
    ),
    (
        "pdf-ext",
        PredefinedExtension {
            host: "file",
            structure: &PDF_EXT,
        },
    ),
    (
        "raster-image-ext",
        PredefinedExtension {
            host: "file",
            structure: &RASTER_IMAGE_EXT,
        },
    ),
    (
        "windows-pebinary-ext",
        PredefinedExtension {
            host: "file",
            structure: &WINDOWS_PEBINARY_EXT,
        },
    ),
    (
        "http-request-ext",
        PredefinedExtension {
            host: "network-traffic",
            structure: &HTTP_REQUEST_EXT,
        },
    ),
    (
        "icmp-ext",
        PredefinedExtension {
            host: "network-traffic",
            structure: &ICMP_EXT,
        },
    ),
    (
        "socket-ext",
        PredefinedExtension {
            host: "network-traffic",
            structure: &SOCKET_EXT,
        },
    ),
    (
        "tcp-ext",
        PredefinedExtension {
            host: "network-traffic",
            structure: &TCP_EXT,
        },
    ),
    (
        "windows-process-ext",
        PredefinedExtension {
            host: "process",
            structure: &WINDOWS_PROCESS_EXT,
        },
    ),
    (
        "windows-service-ext",
        PredefinedExtension {
            host: "process",
            structure: &WINDOWS_SERVICE_EXT,
        },
    ),
    (
        "unix-account-ext",
        PredefinedExtension {
            host: "user-account",
            structure: &UNIX_ACCOUNT_EXT,
        },
    ),
];

/// The STIX 2.1 type named `name`, `None` for custom types.
pub fn object_type(name: &str) -> Option<&'static ObjectType> {
    [
        DOMAIN_OBJECTS,
        CYBER_OBSERVABLES,
        RELATIONSHIP_OBJECTS,
        META_OBJECTS,
    ]
    .into_iter()
    .flatten()
    .find(|t| t.structure.name == name)
}

/// Where a type stands; unknown types are custom.
pub fn category(name: &str) -> Category {
    object_type(name).map_or(Category::Custom, |t| t.category)
}

/// The predefined SCO extension named `name`, if it is one.
pub fn predefined_extension(name: &str) -> Option<&'static PredefinedExtension> {
    PREDEFINED_EXTENSIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, e)| e)
}

/// The common properties of a category.
pub fn common_properties(category: Category) -> &'static [Property] {
    match category {
        Category::CyberObservable => OBSERVABLE_COMMON,
        Category::MarkingDefinition => MARKING_COMMON,
        _ => DOMAIN_COMMON,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stix_type_has_a_table_in_its_category() {
        let cases = [
            ("attack-pattern", Category::DomainObject),
            ("vulnerability", Category::DomainObject),
            ("relationship", Category::RelationshipObject),
            ("sighting", Category::RelationshipObject),
            ("ipv4-addr", Category::CyberObservable),
            ("x509-certificate", Category::CyberObservable),
            ("marking-definition", Category::MarkingDefinition),
            ("language-content", Category::MetaObject),
            ("extension-definition", Category::MetaObject),
            ("x-acme-widget", Category::Custom),
        ];
        for (name, expected) in cases {
            assert_eq!(category(name), expected, "case {name}");
        }
        assert_eq!(DOMAIN_OBJECTS.len(), 19, "STIX 2.1 defines 19 SDOs");
        assert_eq!(CYBER_OBSERVABLES.len(), 18, "STIX 2.1 defines 18 SCOs");
    }

    #[test]
    fn predefined_extensions_name_their_host_type() {
        let cases = [
            ("ntfs-ext", Some("file")),
            ("socket-ext", Some("network-traffic")),
            ("windows-service-ext", Some("process")),
            ("unix-account-ext", Some("user-account")),
            ("x-acme-ext", None),
        ];
        for (name, host) in cases {
            assert_eq!(
                predefined_extension(name).map(|e| e.host),
                host,
                "case {name}"
            );
        }
    }

    #[test]
    fn property_names_follow_the_naming_rule() {
        let structures = DOMAIN_OBJECTS
            .iter()
            .chain(CYBER_OBSERVABLES)
            .chain(RELATIONSHIP_OBJECTS)
            .chain(META_OBJECTS)
            .map(|t| &t.structure)
            .chain(PREDEFINED_EXTENSIONS.iter().map(|(_, e)| e.structure));
        for structure in structures {
            for property in structure.properties {
                let name = property.name;
                assert!(
                    (3..=250).contains(&name.len())
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "case {}.{name}",
                    structure.name
                );
            }
        }
    }
}
