//! The STIX 2.1 patterning language (section 9): parsing an indicator's `pattern` into
//! a syntax tree, the checks a grammatical pattern must still pass, and the observables
//! it names. Pure (no I/O), linear in the length of the pattern, bounded recursion.
//!
//! The grammar is the OASIS `STIXPattern.g4`; where the prose of section 9 adds rules
//! (positive qualifiers, START before STOP, valid timestamps, compiling regular
//! expressions, known object types and properties, well-formed addresses and hashes),
//! they are checked after parsing, by `semantic`.

pub mod ast;
mod lexer;
mod parser;
mod pcre;
mod semantic;
mod vocabulary;

use std::fmt;

pub use ast::{
    Comparison, ComparisonExpression, Constant, Literal, ObjectPath, Observation, ObservationBody,
    ObservationExpression, Operand, Operator, PathStep, Qualifier,
};
pub use parser::{MAX_INTEGER, MAX_NESTING};

/// Why a pattern was refused: where, what the language wanted there, and what was
/// written instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at offset {offset}: expected {expected} but found {found}")]
pub struct PatternError {
    /// Byte offset in the pattern text.
    pub offset: usize,
    pub expected: String,
    pub found: String,
}

/// Which object types and property names a pattern may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vocabulary {
    /// STIX 2.1 cyber-observable types with their own and common top-level properties,
    /// custom `x-` types (any property), custom `x_` properties (section 11, customizing
    /// STIX).
    #[default]
    Strict,
    /// Any type and property the grammar allows, e.g. types defined by an
    /// extension-definition (section 7). All other checks still apply.
    Open,
}

/// A parsed and checked STIX pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub expression: ObservationExpression,
}

impl Pattern {
    /// Parses `text` as a STIX 2.1 pattern (section 9) and applies every check, with
    /// the [`Vocabulary::Strict`] vocabulary.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        Pattern::parse_with(text, Vocabulary::Strict)
    }

    /// Parses and checks `text`, allowing the object types and properties of
    /// `vocabulary`.
    pub fn parse_with(text: &str, vocabulary: Vocabulary) -> Result<Pattern, PatternError> {
        let expression = parser::parse(text)?;
        semantic::check(&expression, vocabulary)?;
        Ok(Pattern { expression })
    }

    /// The `(object path, value)` of every `=` comparison (not `NOT =`), in the order
    /// written, e.g. `("ipv4-addr:value", "198.51.100.1")`. The path is in canonical form
    /// (see [`ObjectPath`]'s `Display`); the value is [`Literal::value_text`].
    pub fn observables(&self) -> Vec<(String, String)> {
        let mut found = Vec::new();
        collect_observations(&self.expression, &mut found);
        found
    }
}

impl fmt::Display for Pattern {
    /// The canonical text: single spaces, `=`/`!=` spellings, bare names where allowed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expression.fmt(f)
    }
}

fn collect_observations(expression: &ObservationExpression, found: &mut Vec<(String, String)>) {
    match expression {
        ObservationExpression::Observation(observation) => match &observation.body {
            ObservationBody::Bracketed(comparison) => collect_comparisons(comparison, found),
            ObservationBody::Parenthesized(inner) => collect_observations(inner, found),
        },
        ObservationExpression::And(items)
        | ObservationExpression::Or(items)
        | ObservationExpression::FollowedBy(items) => {
            for item in items {
                collect_observations(item, found);
            }
        }
    }
}

fn collect_comparisons(expression: &ComparisonExpression, found: &mut Vec<(String, String)>) {
    match expression {
        ComparisonExpression::Comparison(Comparison {
            path,
            negated: false,
            operator: Operator::Equal,
            operand: Operand::Constant(constant),
            ..
        }) => found.push((path.to_string(), constant.value.value_text())),
        ComparisonExpression::Comparison(_) | ComparisonExpression::Exists { .. } => {}
        ComparisonExpression::And(items) | ComparisonExpression::Or(items) => {
            for item in items {
                collect_comparisons(item, found);
            }
        }
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
