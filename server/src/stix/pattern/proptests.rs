//! Property tests of the pattern language: no text panics the parser, and every
//! well-formed syntax tree prints (`Display`) to text that parses back to the same tree.
//! Bounded: a few hundred cases per property.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use proptest::sample::select;

use super::*;
use crate::stix::id::{IdError, StixId};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Tokens of the language, good and bad, to build near-patterns from.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    ":",
    ".",
    ",",
    "*",
    "=",
    "==",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "AND",
    "OR",
    "NOT",
    "FOLLOWEDBY",
    "IN",
    "LIKE",
    "MATCHES",
    "ISSUBSET",
    "ISSUPERSET",
    "EXISTS",
    "WITHIN",
    "SECONDS",
    "REPEATS",
    "TIMES",
    "START",
    "STOP",
    "file:name",
    "ipv4-addr:value",
    "file:hashes.MD5",
    "x-acme:a",
    "[0]",
    "[*]",
    "'a'",
    "'\\''",
    "'198.51.100.1'",
    "'cead3f77f6cda6ec00f57d76c9a6879f'",
    "'",
    "1",
    "-1",
    "1.5",
    "true",
    "b'YQ=='",
    "h'ff'",
    "t'2016-01-01T00:00:00Z'",
    "t'",
    "/*",
    "*/",
    "//",
    " ",
    "\n",
    "\u{a0}",
    "é",
];

fn near_pattern() -> impl Strategy<Value = String> {
    prop::collection::vec(select(TOKENS), 0..40).prop_map(|tokens| tokens.join(" "))
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, always a real date; `year_offset` years after a
/// base year so that a second timestamp can be made strictly later.
fn timestamp_from(year: u32) -> impl Strategy<Value = String> {
    (
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        prop::option::of("[0-9]{1,9}"),
    )
        .prop_map(move |(month, day, hour, minute, second, fraction)| {
            let fraction = fraction.map_or_else(String::new, |digits| format!(".{digits}"));
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z")
        })
}

fn timestamp() -> impl Strategy<Value = String> {
    (1970u32..2100).prop_flat_map(timestamp_from)
}

/// START strictly before STOP: STOP is in a later year.
fn start_stop() -> impl Strategy<Value = Qualifier> {
    (1970u32..2100, 1u32..10).prop_flat_map(|(year, later)| {
        (timestamp_from(year), timestamp_from(year + later)).prop_map(|(start, stop)| {
            Qualifier::StartStop {
                start,
                stop,
                offset: 0,
            }
        })
    })
}

fn qualifier() -> impl Strategy<Value = Qualifier> {
    let within_integer = (1..=MAX_INTEGER).prop_map(|seconds| seconds as f64);
    let within_fraction =
        (1u32..1_000_000, 1u32..1_000).prop_map(|(a, b)| f64::from(a) / f64::from(b));
    prop_oneof![
        prop_oneof![within_integer, within_fraction]
            .prop_map(|seconds| Qualifier::Within { seconds, offset: 0 }),
        (1..=MAX_INTEGER).prop_map(|times| Qualifier::Repeats {
            times: times.unsigned_abs(),
            offset: 0,
        }),
        start_stop(),
    ]
}

/// A bracketed observation takes each kind of qualifier at most once.
fn distinct_qualifiers() -> impl Strategy<Value = Vec<Qualifier>> {
    prop::collection::vec(qualifier(), 0..3).prop_map(|mut qualifiers| {
        let mut seen = Vec::new();
        qualifiers.retain(|qualifier| {
            let kind = std::mem::discriminant(qualifier);
            let first = !seen.contains(&kind);
            seen.push(kind);
            first
        });
        qualifiers
    })
}

fn constant(value: Literal) -> Constant {
    Constant { value, offset: 0 }
}

fn hex_text(bytes: &[u8], upper: bool) -> String {
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect()
}

fn string_value() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z'\\\\ %_]{0,8}"]
}

/// A constant the grammar accepts; booleans only where `primitive`.
fn literal(primitive: bool) -> BoxedStrategy<Literal> {
    let float = prop::num::f64::POSITIVE
        | prop::num::f64::NEGATIVE
        | prop::num::f64::NORMAL
        | prop::num::f64::SUBNORMAL
        | prop::num::f64::ZERO;
    let ordered = prop_oneof![
        string_value().prop_map(Literal::String),
        (-MAX_INTEGER..=MAX_INTEGER).prop_map(Literal::Integer),
        float.prop_map(Literal::Float),
        prop::collection::vec(any::<u8>(), 1..24)
            .prop_map(|bytes| Literal::Binary(STANDARD.encode(bytes))),
        (prop::collection::vec(any::<u8>(), 0..16), any::<bool>())
            .prop_map(|(bytes, upper)| Literal::Hex(hex_text(&bytes, upper))),
        timestamp().prop_map(Literal::Timestamp),
    ];
    if primitive {
        prop_oneof![ordered, any::<bool>().prop_map(Literal::Boolean)].boxed()
    } else {
        ordered.boxed()
    }
}

/// A property name: often bare, sometimes anything (printed quoted). Never `hashes`, so
/// no hash-value rule applies to these paths.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_]{0,6}",
        any::<String>(),
        Just("AND".to_owned())
    ]
    .prop_filter("not a hashes dictionary", |key| key != "hashes")
}

fn step() -> impl Strategy<Value = PathStep> {
    prop_oneof![
        key().prop_map(PathStep::Key),
        (-MAX_INTEGER..=MAX_INTEGER).prop_map(PathStep::Index),
        Just(PathStep::AnyIndex),
    ]
}

/// Object paths with no rule on their values: known SCO properties other than addresses
/// and hashes, and custom `x-` types with any property.
fn free_path() -> impl Strategy<Value = ObjectPath> {
    const KNOWN: &[(&str, &str)] = &[
        ("file", "name"),
        ("file", "size"),
        ("file", "ctime"),
        ("file", "x_tag"),
        ("artifact", "payload_bin"),
        ("domain-name", "value"),
        ("email-message", "subject"),
        ("email-message", "to_refs"),
        ("network-traffic", "dst_port"),
        ("process", "pid"),
        ("url", "value"),
        ("user-account", "user_id"),
        ("windows-registry-key", "key"),
        ("x509-certificate", "serial_number"),
    ];
    let known = select(KNOWN)
        .prop_map(|(object_type, property)| (object_type.to_owned(), property.to_owned()));
    let custom = ("x-[a-z0-9]{1,8}", key());
    (
        prop_oneof![known, custom],
        prop::collection::vec(step(), 0..3),
    )
        .prop_map(|((object_type, property), steps)| ObjectPath {
            object_type,
            property,
            steps,
            offset: 0,
        })
}

fn simple_path(object_type: &str, property: &str, steps: Vec<PathStep>) -> ObjectPath {
    ObjectPath {
        object_type: object_type.to_owned(),
        property: property.to_owned(),
        steps,
        offset: 0,
    }
}

fn comparison(path: ObjectPath, negated: bool, operator: Operator, operand: Operand) -> Comparison {
    Comparison {
        path,
        negated,
        operator,
        operand,
        offset: 0,
    }
}

/// Regular expressions that compile.
fn regex() -> impl Strategy<Value = String> {
    prop_oneof![
        select(&["^a+$", "(?i)abc", "\\d{2,}", "[a-z]+", "a|b", "^x\\.y$", ""][..])
            .prop_map(str::to_owned),
        "[a-zA-Z0-9 ]{0,10}",
    ]
}

fn free_comparison() -> impl Strategy<Value = ComparisonExpression> {
    let equality = (
        select(&[Operator::Equal, Operator::NotEqual][..]),
        literal(true),
    )
        .prop_map(|(operator, value)| (operator, Operand::Constant(constant(value))));
    let ordering = (
        select(
            &[
                Operator::Less,
                Operator::LessOrEqual,
                Operator::Greater,
                Operator::GreaterOrEqual,
            ][..],
        ),
        literal(false),
    )
        .prop_map(|(operator, value)| (operator, Operand::Constant(constant(value))));
    let set = prop::collection::vec(literal(true), 0..4).prop_map(|values| {
        let members = values.into_iter().map(constant).collect();
        (Operator::In, Operand::Set(members))
    });
    let string = (
        select(&[Operator::Like, Operator::IsSubset, Operator::IsSuperset][..]),
        string_value(),
    )
        .prop_map(|(operator, text)| {
            (operator, Operand::Constant(constant(Literal::String(text))))
        });
    let matches = regex().prop_map(|regex| {
        (
            Operator::Matches,
            Operand::Constant(constant(Literal::String(regex))),
        )
    });
    (
        free_path(),
        any::<bool>(),
        prop_oneof![equality, ordering, set, string, matches],
    )
        .prop_map(|(path, negated, (operator, operand))| {
            ComparisonExpression::Comparison(comparison(path, negated, operator, operand))
        })
}

/// `ipv4-addr:value` / `ipv6-addr:value` against addresses and CIDR blocks.
fn address_comparison() -> impl Strategy<Value = ComparisonExpression> {
    let v4 = (any::<[u8; 4]>(), prop::option::of(0u32..=32)).prop_map(|(octets, prefix)| {
        let address = std::net::Ipv4Addr::from(octets).to_string();
        let text = prefix.map_or(address.clone(), |p| format!("{address}/{p}"));
        ("ipv4-addr", text)
    });
    let v6 = (any::<u128>(), prop::option::of(0u32..=128)).prop_map(|(bits, prefix)| {
        let address = std::net::Ipv6Addr::from(bits).to_string();
        let text = prefix.map_or(address.clone(), |p| format!("{address}/{p}"));
        ("ipv6-addr", text)
    });
    let operator = select(
        &[
            Operator::Equal,
            Operator::NotEqual,
            Operator::In,
            Operator::IsSubset,
            Operator::IsSuperset,
        ][..],
    );
    (prop_oneof![v4, v6], operator, any::<bool>()).prop_map(
        |((object_type, address), operator, negated)| {
            let value = constant(Literal::String(address));
            let operand = if operator == Operator::In {
                Operand::Set(vec![value])
            } else {
                Operand::Constant(value)
            };
            let path = simple_path(object_type, "value", Vec::new());
            ComparisonExpression::Comparison(comparison(path, negated, operator, operand))
        },
    )
}

/// `file:hashes.<algorithm>` against a digest of the right length.
fn hash_comparison() -> impl Strategy<Value = ComparisonExpression> {
    const ALGORITHMS: &[(&str, usize)] = &[
        ("MD5", 16),
        ("SHA-1", 20),
        ("SHA-256", 32),
        ("SHA256", 32),
        ("sha-512", 64),
        ("SHA3-256", 32),
    ];
    (
        select(ALGORITHMS),
        prop::collection::vec(any::<u8>(), 64),
        any::<bool>(),
        select(&["file", "artifact", "x509-certificate"][..]),
    )
        .prop_map(|((algorithm, length), bytes, upper, object_type)| {
            let digest = hex_text(&bytes[..length], upper);
            let steps = vec![PathStep::Key(algorithm.to_owned())];
            let path = simple_path(object_type, "hashes", steps);
            let operand = Operand::Constant(constant(Literal::String(digest)));
            ComparisonExpression::Comparison(comparison(path, false, Operator::Equal, operand))
        })
}

fn exists() -> impl Strategy<Value = ComparisonExpression> {
    (free_path(), any::<bool>()).prop_map(|(path, negated)| ComparisonExpression::Exists {
        path,
        negated,
        offset: 0,
    })
}

/// Flattens operands of the same kind into the chain, as the parser does for an
/// unparenthesized chain.
fn comparison_chain(and: bool, items: Vec<ComparisonExpression>) -> ComparisonExpression {
    let mut flat = Vec::new();
    for item in items {
        match item {
            ComparisonExpression::And(inner) if and => flat.extend(inner),
            ComparisonExpression::Or(inner) if !and => flat.extend(inner),
            other => flat.push(other),
        }
    }
    if and {
        ComparisonExpression::And(flat)
    } else {
        ComparisonExpression::Or(flat)
    }
}

fn comparison_expression() -> impl Strategy<Value = ComparisonExpression> {
    let leaf = prop_oneof![
        4 => free_comparison(),
        1 => address_comparison(),
        1 => hash_comparison(),
        1 => exists(),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|items| comparison_chain(true, items)),
            prop::collection::vec(inner, 2..4).prop_map(|items| comparison_chain(false, items)),
        ]
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Join {
    And,
    Or,
    FollowedBy,
}

/// Joins observation expressions the way their text would parse: operands of the same
/// operator are flattened in, operands of a looser one are parenthesized.
fn observation_chain(join: Join, items: Vec<ObservationExpression>) -> ObservationExpression {
    let rank = |expression: &ObservationExpression| match expression {
        ObservationExpression::Observation(_) => None,
        ObservationExpression::And(_) => Some(Join::And),
        ObservationExpression::Or(_) => Some(Join::Or),
        ObservationExpression::FollowedBy(_) => Some(Join::FollowedBy),
    };
    let looser = |other: Join| match join {
        Join::And => other != Join::And,
        Join::Or => other == Join::FollowedBy,
        Join::FollowedBy => false,
    };
    let mut flat = Vec::new();
    for item in items {
        match rank(&item) {
            Some(kind) if kind == join => match item {
                ObservationExpression::And(inner)
                | ObservationExpression::Or(inner)
                | ObservationExpression::FollowedBy(inner) => flat.extend(inner),
                ObservationExpression::Observation(_) => flat.push(item),
            },
            Some(kind) if looser(kind) => {
                flat.push(ObservationExpression::Observation(Observation {
                    body: ObservationBody::Parenthesized(Box::new(item)),
                    qualifiers: Vec::new(),
                    offset: 0,
                }));
            }
            _ => flat.push(item),
        }
    }
    match join {
        Join::And => ObservationExpression::And(flat),
        Join::Or => ObservationExpression::Or(flat),
        Join::FollowedBy => ObservationExpression::FollowedBy(flat),
    }
}

fn observation_expression() -> impl Strategy<Value = ObservationExpression> {
    let leaf =
        (comparison_expression(), distinct_qualifiers()).prop_map(|(comparison, qualifiers)| {
            ObservationExpression::Observation(Observation {
                body: ObservationBody::Bracketed(comparison),
                qualifiers,
                offset: 0,
            })
        });
    leaf.prop_recursive(3, 12, 3, |inner| {
        let chain = |join| {
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(move |items| observation_chain(join, items))
        };
        prop_oneof![
            (inner.clone(), prop::collection::vec(qualifier(), 0..3)).prop_map(
                |(expression, qualifiers)| {
                    ObservationExpression::Observation(Observation {
                        body: ObservationBody::Parenthesized(Box::new(expression)),
                        qualifiers,
                        offset: 0,
                    })
                }
            ),
            chain(Join::And),
            chain(Join::Or),
            chain(Join::FollowedBy),
        ]
    })
}

/// Sets every byte offset to 0, so trees built here compare with parsed ones.
fn without_offsets(expression: &mut ObservationExpression) {
    match expression {
        ObservationExpression::Observation(observation) => {
            observation.offset = 0;
            for qualifier in &mut observation.qualifiers {
                match qualifier {
                    Qualifier::Within { offset, .. }
                    | Qualifier::Repeats { offset, .. }
                    | Qualifier::StartStop { offset, .. } => *offset = 0,
                }
            }
            match &mut observation.body {
                ObservationBody::Bracketed(comparison) => comparison_without_offsets(comparison),
                ObservationBody::Parenthesized(inner) => without_offsets(inner),
            }
        }
        ObservationExpression::And(items)
        | ObservationExpression::Or(items)
        | ObservationExpression::FollowedBy(items) => items.iter_mut().for_each(without_offsets),
    }
}

fn comparison_without_offsets(expression: &mut ComparisonExpression) {
    match expression {
        ComparisonExpression::Comparison(comparison) => {
            comparison.offset = 0;
            comparison.path.offset = 0;
            match &mut comparison.operand {
                Operand::Constant(constant) => constant.offset = 0,
                Operand::Set(members) => members.iter_mut().for_each(|member| member.offset = 0),
            }
        }
        ComparisonExpression::Exists { path, offset, .. } => {
            path.offset = 0;
            *offset = 0;
        }
        ComparisonExpression::And(items) | ComparisonExpression::Or(items) => {
            items.iter_mut().for_each(comparison_without_offsets);
        }
    }
}

fn type_name() -> impl Strategy<Value = String> {
    "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}".prop_filter("3 to 250 characters", |name| name.len() >= 3)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_text_panics_the_parser(text in prop_oneof![any::<String>(), near_pattern()]) {
        for vocabulary in [Vocabulary::Strict, Vocabulary::Open] {
            match Pattern::parse_with(&text, vocabulary) {
                Ok(pattern) => {
                    let printed = pattern.to_string();
                    let again = Pattern::parse_with(&printed, vocabulary).map_err(|e| {
                        TestCaseError::fail(format!("case {text:?} printed {printed:?}: {e}"))
                    })?;
                    prop_assert_eq!(again.to_string(), printed, "case {:?}", text);
                }
                Err(error) => {
                    prop_assert!(error.offset <= text.len(), "case {text:?}: {error}");
                    prop_assert!(text.is_char_boundary(error.offset), "case {text:?}: {error}");
                }
            }
        }
    }

    #[test]
    fn generated_patterns_print_and_parse_back_to_the_same_tree(
        expression in observation_expression(),
    ) {
        let text = Pattern { expression: expression.clone() }.to_string();
        let mut parsed = Pattern::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("case {text:?}: {e}")))?
            .expression;
        without_offsets(&mut parsed);
        prop_assert_eq!(parsed, expression, "case {:?}", text);
    }

    #[test]
    fn identifiers_with_rfc_4122_uuids_round_trip(name in type_name(), bytes in any::<[u8; 16]>()) {
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        let text = format!("{name}--{uuid}");
        let id = StixId::parse(&text)
            .map_err(|e| TestCaseError::fail(format!("case {text}: {e}")))?;
        prop_assert_eq!(id.as_str(), text.as_str());
        prop_assert_eq!(id.type_name(), name.as_str());
        prop_assert_eq!(id.to_string(), text);
    }

    #[test]
    fn identifiers_with_other_uuid_variants_are_refused(
        name in type_name(),
        bytes in any::<[u8; 16]>(),
        variant in select(&['0', '1', '2', '3', '4', '5', '6', '7', 'c', 'd', 'e', 'f'][..]),
    ) {
        let mut uuid = uuid::Builder::from_random_bytes(bytes).into_uuid().to_string();
        // The variant nibble opens the fourth group (index 19 of the hyphenated form).
        uuid.replace_range(19..20, &variant.to_string());
        let text = format!("{name}--{uuid}");
        prop_assert_eq!(StixId::parse(&text), Err(IdError::NotRfc4122), "case {}", text);
    }
}
