//! The syntax tree of a STIX pattern, and its canonical text.
//!
//! Chains of `AND`, `OR` and `FOLLOWEDBY` are kept flat (one node with all operands), so
//! the tree is only as deep as the pattern's parentheses, which the parser bounds.
//! Parentheses that only group comparisons are not kept: they change nothing the tree
//! does not already say. Parentheses around observation expressions are kept, because
//! qualifiers bind to them.

use std::fmt;

/// An observation expression (STIX 2.1 section 9, "Pattern Expressions"):
/// observations joined by the "Observation Operators". `FOLLOWEDBY` binds loosest, then
/// `OR`, then `AND`.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservationExpression {
    Observation(Observation),
    /// Two or more operands, all of which must match (`AND`).
    And(Vec<ObservationExpression>),
    /// Two or more operands, any of which may match (`OR`).
    Or(Vec<ObservationExpression>),
    /// Two or more operands matching in this order in time (`FOLLOWEDBY`).
    FollowedBy(Vec<ObservationExpression>),
}

/// One bracketed or parenthesized observation and the qualifiers written right after it
/// (section 9, "Pattern Qualifiers"): in `[a] FOLLOWEDBY [b] REPEATS 5 TIMES` only `[b]`
/// repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub body: ObservationBody,
    /// In the order written.
    pub qualifiers: Vec<Qualifier>,
    /// Byte offset of the opening `[` or `(`.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObservationBody {
    /// `[ comparison expression ]`
    Bracketed(ComparisonExpression),
    /// `( observation expression )`
    Parenthesized(Box<ObservationExpression>),
}

/// A qualifier (STIX 2.1 section 9, "Pattern Qualifiers").
#[derive(Debug, Clone, PartialEq)]
pub enum Qualifier {
    /// `WITHIN n SECONDS`: the qualified observations all happen within `seconds`.
    Within { seconds: f64, offset: usize },
    /// `REPEATS n TIMES`: the qualified expression matches `times` times.
    Repeats { times: u64, offset: usize },
    /// `START t'..' STOP t'..'`: the observations happen in `[start, stop)`. The
    /// timestamps are kept as written.
    StartStop {
        start: String,
        stop: String,
        offset: usize,
    },
}

/// A comparison expression (section 9, "Pattern Expressions"): property tests joined by
/// `AND` (binding tighter) and `OR`, all about one observation.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparisonExpression {
    Comparison(Comparison),
    /// `EXISTS path` / `NOT EXISTS path` (section 9, "Comparison Operators").
    Exists {
        path: ObjectPath,
        negated: bool,
        offset: usize,
    },
    And(Vec<ComparisonExpression>),
    Or(Vec<ComparisonExpression>),
}

/// `path [NOT] operator operand` (section 9, "Comparison Operators").
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub path: ObjectPath,
    /// Written with `NOT` before the operator.
    pub negated: bool,
    pub operator: Operator,
    pub operand: Operand,
    /// Byte offset of the object path.
    pub offset: usize,
}

/// The comparison operators (section 9, "Comparison Operators") that take an operand
/// (`EXISTS` is [`ComparisonExpression::Exists`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `=` (also written `==`).
    Equal,
    /// `!=` (also written `<>`).
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    In,
    Like,
    Matches,
    IsSubset,
    IsSuperset,
}

impl Operator {
    /// The operator as written canonically.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Equal => "=",
            Operator::NotEqual => "!=",
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
            Operator::In => "IN",
            Operator::Like => "LIKE",
            Operator::Matches => "MATCHES",
            Operator::IsSubset => "ISSUBSET",
            Operator::IsSuperset => "ISSUPERSET",
        }
    }
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Constant(Constant),
    /// `( c1, c2, ... )` after `IN`; may be empty.
    Set(Vec<Constant>),
}

/// A constant (section 9, "Constants") and the byte offset where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Constant {
    pub value: Literal,
    pub offset: usize,
}

/// The constant types of section 9, "Constants".
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `'...'`, unescaped (`\'` and `\\` are the only escapes).
    String(String),
    /// Within the STIX integer range, `-(2^53)+1 ..= 2^53-1`.
    Integer(i64),
    /// Finite.
    Float(f64),
    /// `true` / `false`, lower case only.
    Boolean(bool),
    /// `b'...'`: the base64 text as written (padded, a multiple of 4 characters).
    Binary(String),
    /// `h'...'`: the hex text as written (an even number of hex digits).
    Hex(String),
    /// `t'...'`: the timestamp text as written.
    Timestamp(String),
}

impl Literal {
    /// The value as it would appear in a STIX object's JSON: a string's content, a
    /// number's digits, `true`/`false`, the base64, hex or timestamp text.
    pub fn value_text(&self) -> String {
        match self {
            Literal::String(text)
            | Literal::Binary(text)
            | Literal::Hex(text)
            | Literal::Timestamp(text) => text.clone(),
            Literal::Integer(value) => value.to_string(),
            Literal::Float(value) => value.to_string(),
            Literal::Boolean(value) => value.to_string(),
        }
    }
}

/// An object path (section 9, "Object Path"): `type:property`, then `.key`, `[index]` or
/// `[*]` steps.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectPath {
    pub object_type: String,
    /// The first property name, unquoted.
    pub property: String,
    pub steps: Vec<PathStep>,
    /// Byte offset of the object type.
    pub offset: usize,
}

/// One step after an object path's first property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.name` or `.'quoted name'`, unquoted.
    Key(String),
    /// `[n]`.
    Index(i64),
    /// `[*]`: any element of a list.
    AnyIndex,
}

impl ObjectPath {
    /// Whether a step or the first property is the key `name` (e.g. `hashes`).
    pub fn has_key(&self, name: &str) -> bool {
        self.property == name
            || self
                .steps
                .iter()
                .any(|step| matches!(step, PathStep::Key(key) if key == name))
    }

    /// The last key of the path, when the path ends with a key.
    pub fn last_key(&self) -> Option<&str> {
        match self.steps.last() {
            None => Some(&self.property),
            Some(PathStep::Key(key)) => Some(key),
            Some(_) => None,
        }
    }
}

impl fmt::Display for ObservationExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObservationExpression::Observation(observation) => observation.fmt(f),
            ObservationExpression::And(items) => join(f, items, " AND "),
            ObservationExpression::Or(items) => join(f, items, " OR "),
            ObservationExpression::FollowedBy(items) => join(f, items, " FOLLOWEDBY "),
        }
    }
}

impl fmt::Display for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.body {
            ObservationBody::Bracketed(comparison) => write!(f, "[{comparison}]")?,
            ObservationBody::Parenthesized(inner) => write!(f, "({inner})")?,
        }
        for qualifier in &self.qualifiers {
            write!(f, " {qualifier}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Qualifier::Within { seconds, .. } => write!(f, "WITHIN {seconds} SECONDS"),
            Qualifier::Repeats { times, .. } => write!(f, "REPEATS {times} TIMES"),
            Qualifier::StartStop { start, stop, .. } => {
                write!(f, "START t'{start}' STOP t'{stop}'")
            }
        }
    }
}

impl fmt::Display for ComparisonExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComparisonExpression::Comparison(comparison) => comparison.fmt(f),
            ComparisonExpression::Exists { path, negated, .. } => {
                let not = if *negated { "NOT " } else { "" };
                write!(f, "{not}EXISTS {path}")
            }
            ComparisonExpression::And(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" AND ")?;
                    }
                    // OR binds looser than AND: an OR operand needs its parentheses back.
                    if matches!(item, ComparisonExpression::Or(_)) {
                        write!(f, "({item})")?;
                    } else {
                        item.fmt(f)?;
                    }
                }
                Ok(())
            }
            ComparisonExpression::Or(items) => join(f, items, " OR "),
        }
    }
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not = if self.negated { "NOT " } else { "" };
        write!(
            f,
            "{} {not}{} {}",
            self.path,
            self.operator.as_str(),
            self.operand
        )
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Constant(constant) => constant.value.fmt(f),
            Operand::Set(members) => {
                f.write_str("(")?;
                for (i, member) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    member.value.fmt(f)?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(text) => write_quoted(f, text),
            Literal::Integer(value) => write!(f, "{value}"),
            Literal::Float(value) => {
                // Always with a fraction, so it reads back as a float.
                if value.fract() == 0.0 {
                    write!(f, "{value:.1}")
                } else {
                    write!(f, "{value}")
                }
            }
            Literal::Boolean(value) => write!(f, "{value}"),
            Literal::Binary(text) => write!(f, "b'{text}'"),
            Literal::Hex(text) => write!(f, "h'{text}'"),
            Literal::Timestamp(text) => write!(f, "t'{text}'"),
        }
    }
}

impl fmt::Display for ObjectPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.object_type)?;
        write_key(f, &self.property)?;
        for step in &self.steps {
            match step {
                PathStep::Key(key) => {
                    f.write_str(".")?;
                    write_key(f, key)?;
                }
                PathStep::Index(index) => write!(f, "[{index}]")?,
                PathStep::AnyIndex => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

fn join<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T], separator: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        item.fmt(f)?;
    }
    Ok(())
}

/// A property name bare when the grammar allows it bare, else quoted.
fn write_key(f: &mut fmt::Formatter<'_>, key: &str) -> fmt::Result {
    if super::lexer::is_bare_property_name(key) {
        f.write_str(key)
    } else {
        write_quoted(f, key)
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("'")?;
    for c in text.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            _ => write!(f, "{c}")?,
        }
    }
    f.write_str("'")
}
