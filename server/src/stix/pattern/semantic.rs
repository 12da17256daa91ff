//! The rules a grammatical pattern must still meet (STIX 2.1 section 9 and the data
//! types of section 2): qualifier values, calendar-valid timestamps, START before STOP,
//! regular expressions that compile, known object types and properties, address
//! constants for `ipv4-addr:value` / `ipv6-addr:value`, and hash values of the right
//! shape. Integer range, float finiteness, base64 and hex shape are checked while
//! parsing.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::ast::{
    Comparison, ComparisonExpression, Constant, Literal, ObjectPath, Observation, ObservationBody,
    ObservationExpression, Operand, Operator, Qualifier,
};
use super::lexer::shorten;
use super::{PatternError, Vocabulary, pcre, vocabulary};
use crate::stix::id::check_type_name;
use crate::stix::timestamp::{self, Instant};

pub(super) fn check(
    expression: &ObservationExpression,
    vocabulary: Vocabulary,
) -> Result<(), PatternError> {
    match expression {
        ObservationExpression::Observation(observation) => {
            check_observation(observation, vocabulary)
        }
        ObservationExpression::And(items)
        | ObservationExpression::Or(items)
        | ObservationExpression::FollowedBy(items) => {
            items.iter().try_for_each(|item| check(item, vocabulary))
        }
    }
}

fn error(offset: usize, expected: impl Into<String>, found: impl Into<String>) -> PatternError {
    PatternError {
        offset,
        expected: expected.into(),
        found: found.into(),
    }
}

fn check_observation(
    observation: &Observation,
    vocabulary: Vocabulary,
) -> Result<(), PatternError> {
    match &observation.body {
        ObservationBody::Bracketed(comparison) => {
            check_comparisons(comparison, vocabulary)?;
            check_no_repeated_qualifier(&observation.qualifiers)?;
        }
        ObservationBody::Parenthesized(inner) => check(inner, vocabulary)?,
    }
    observation.qualifiers.iter().try_for_each(check_qualifier)
}

/// The OASIS validator refuses two qualifiers of one kind on one bracketed observation
/// (`[a] WITHIN 5 SECONDS WITHIN 6 SECONDS`); a parenthesized group may carry them.
fn check_no_repeated_qualifier(qualifiers: &[Qualifier]) -> Result<(), PatternError> {
    let kind = |qualifier: &Qualifier| std::mem::discriminant(qualifier);
    for (i, qualifier) in qualifiers.iter().enumerate() {
        if qualifiers[..i]
            .iter()
            .any(|earlier| kind(earlier) == kind(qualifier))
        {
            let (offset, name) = match qualifier {
                Qualifier::Within { offset, .. } => (*offset, "WITHIN"),
                Qualifier::Repeats { offset, .. } => (*offset, "REPEATS"),
                Qualifier::StartStop { offset, .. } => (*offset, "START/STOP"),
            };
            return Err(error(
                offset,
                format!("at most one {name} qualifier on an observation"),
                format!("a second {name}"),
            ));
        }
    }
    Ok(())
}

/// Section 9, "Pattern Qualifiers": `WITHIN` a positive number of seconds, `REPEATS` a
/// positive number of times, `START` strictly before `STOP`.
fn check_qualifier(qualifier: &Qualifier) -> Result<(), PatternError> {
    match qualifier {
        Qualifier::Within { seconds, offset } => {
            if *seconds <= 0.0 {
                return Err(error(
                    *offset,
                    "a WITHIN duration greater than 0 seconds",
                    format!("'{seconds}'"),
                ));
            }
        }
        Qualifier::Repeats { times, offset } => {
            if *times == 0 {
                return Err(error(*offset, "a REPEATS count of at least 1", "'0'"));
            }
        }
        Qualifier::StartStop {
            start,
            stop,
            offset,
        } => {
            let start_at = instant(start, *offset)?;
            let stop_at = instant(stop, *offset)?;
            if stop_at <= start_at {
                return Err(error(
                    *offset,
                    "a STOP timestamp later than START",
                    format!("START t'{start}' STOP t'{stop}'"),
                ));
            }
        }
    }
    Ok(())
}

fn instant(text: &str, offset: usize) -> Result<Instant, PatternError> {
    timestamp::parse_stix(text)
        .map(|parsed| parsed.instant)
        .map_err(|e| error(offset, "a valid timestamp", format!("t'{text}' which {e}")))
}

fn check_comparisons(
    expression: &ComparisonExpression,
    vocabulary: Vocabulary,
) -> Result<(), PatternError> {
    match expression {
        ComparisonExpression::Comparison(comparison) => check_comparison(comparison, vocabulary),
        ComparisonExpression::Exists { path, .. } => check_path(path, vocabulary),
        ComparisonExpression::And(items) | ComparisonExpression::Or(items) => items
            .iter()
            .try_for_each(|item| check_comparisons(item, vocabulary)),
    }
}

fn check_comparison(comparison: &Comparison, vocabulary: Vocabulary) -> Result<(), PatternError> {
    check_path(&comparison.path, vocabulary)?;
    let constants: &[Constant] = match &comparison.operand {
        Operand::Constant(constant) => std::slice::from_ref(constant),
        Operand::Set(members) => members,
    };
    for constant in constants {
        if let Literal::Timestamp(text) = &constant.value {
            instant(text, constant.offset)?;
        }
    }
    let path = &comparison.path;
    match comparison.operator {
        Operator::Matches => {
            for constant in constants {
                if let Literal::String(regex) = &constant.value {
                    pcre::check(regex).map_err(|e| {
                        error(
                            constant.offset,
                            "a PCRE regular expression that compiles",
                            format!("'{}' ({e})", shorten(regex)),
                        )
                    })?;
                }
            }
        }
        Operator::Like => {}
        Operator::IsSubset | Operator::IsSuperset => {
            if let Some(family) = address_family(path) {
                constants
                    .iter()
                    .try_for_each(|constant| check_address(family, constant))?;
            }
        }
        Operator::Equal
        | Operator::NotEqual
        | Operator::In
        | Operator::Less
        | Operator::LessOrEqual
        | Operator::Greater
        | Operator::GreaterOrEqual => {
            let equality = matches!(
                comparison.operator,
                Operator::Equal | Operator::NotEqual | Operator::In
            );
            if equality && let Some(family) = address_family(path) {
                constants
                    .iter()
                    .try_for_each(|constant| check_address(family, constant))?;
            }
            if let Some(shape) = hash_algorithm(path) {
                for constant in constants {
                    let valid =
                        matches!(&constant.value, Literal::String(value) if shape.1.accepts(value));
                    if !valid {
                        return Err(error(
                            constant.offset,
                            format!("a {} hash value", shape.0),
                            shorten(&constant.value.to_string()),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// Section 9, "Object Path", with sections 6 and 11: the object type is a STIX 2.1 SCO
/// type or a custom `x-` type, and a SCO's first property is one of its own, a common
/// one, or a custom `x_` one.
fn check_path(path: &ObjectPath, vocabulary: Vocabulary) -> Result<(), PatternError> {
    if vocabulary == Vocabulary::Open {
        return Ok(());
    }
    if let Some(properties) = vocabulary::properties_of(&path.object_type) {
        if vocabulary::has_property(properties, &path.property)
            || vocabulary::is_custom_property(&path.property)
        {
            return Ok(());
        }
        return Err(error(
            path.offset,
            format!(
                "a property of '{}' (or a custom 'x_' property)",
                path.object_type
            ),
            format!("'{}'", shorten(&path.property)),
        ));
    }
    if vocabulary::is_custom_type(&path.object_type) {
        return check_type_name(&path.object_type).map_err(|e| {
            error(
                path.offset,
                format!("a custom object type name that {e}"),
                format!("'{}'", shorten(&path.object_type)),
            )
        });
    }
    Err(error(
        path.offset,
        "a STIX 2.1 cyber-observable object type (or a custom 'x-' type)",
        format!("'{}'", shorten(&path.object_type)),
    ))
}

#[derive(Clone, Copy)]
enum AddressFamily {
    V4,
    V6,
}

/// `ipv4-addr:value` or `ipv6-addr:value` exactly.
fn address_family(path: &ObjectPath) -> Option<AddressFamily> {
    if path.property != "value" || !path.steps.is_empty() {
        return None;
    }
    match path.object_type.as_str() {
        "ipv4-addr" => Some(AddressFamily::V4),
        "ipv6-addr" => Some(AddressFamily::V6),
        _ => None,
    }
}

/// Sections 6.8 and 6.9: a single address or a CIDR block.
fn check_address(family: AddressFamily, constant: &Constant) -> Result<(), PatternError> {
    let (valid, expected) = match (&constant.value, family) {
        (Literal::String(text), AddressFamily::V4) => (
            is_address_or_cidr(text, 32, |a| a.parse::<Ipv4Addr>().is_ok()),
            "an IPv4 address or CIDR block (e.g. '198.51.100.0/24')",
        ),
        (Literal::String(text), AddressFamily::V6) => (
            is_address_or_cidr(text, 128, |a| a.parse::<Ipv6Addr>().is_ok()),
            "an IPv6 address or CIDR block (e.g. '2001:db8::/32')",
        ),
        (_, AddressFamily::V4) => (false, "an IPv4 address string"),
        (_, AddressFamily::V6) => (false, "an IPv6 address string"),
    };
    if valid {
        Ok(())
    } else {
        Err(error(
            constant.offset,
            expected,
            shorten(&constant.value.to_string()),
        ))
    }
}

fn is_address_or_cidr(text: &str, max_prefix: u32, address: impl Fn(&str) -> bool) -> bool {
    match text.split_once('/') {
        None => address(text),
        Some((addr, prefix)) => {
            let prefix_ok = !prefix.is_empty()
                && prefix.len() <= 3
                && prefix.bytes().all(|b| b.is_ascii_digit())
                && (prefix == "0" || !prefix.starts_with('0'))
                && prefix.parse::<u32>().is_ok_and(|p| p <= max_prefix);
            prefix_ok && address(addr)
        }
    }
}

/// A path into a `hashes` dictionary ending in a known algorithm's key.
fn hash_algorithm(path: &ObjectPath) -> Option<(String, vocabulary::HashShape)> {
    if path.steps.is_empty() || !path.has_key("hashes") {
        return None;
    }
    let algorithm = path.last_key()?;
    if algorithm == "hashes" {
        return None;
    }
    vocabulary::hash_shape(algorithm).map(|shape| (algorithm.to_owned(), shape))
}
