//! Recursive-descent parser for the grammar of STIX 2.1 section 9 (STIXPattern.g4).
//!
//! The grammar's left-recursive rules become loops, so chains of operators and
//! qualifiers cost no stack; only parentheses and brackets nest, and they are bounded
//! by [`MAX_NESTING`]. Each token is looked at a bounded number of times, so parsing is
//! linear in the length of the pattern.

use super::PatternError;
use super::ast::{
    Comparison, ComparisonExpression, Constant, Literal, ObjectPath, Observation, ObservationBody,
    ObservationExpression, Operand, Operator, PathStep, Qualifier,
};
use super::lexer::{Keyword, Lexer, Token, TokenKind};

/// How many levels of brackets and parentheses may nest, counted together: 31
/// parentheses around one `[...]`, or one `[...]` around 31 parentheses.
pub const MAX_NESTING: usize = 32;

/// The STIX integer range (STIX 2.1 section 2, "Integer"): `-(2^53)+1 ..= 2^53-1`.
pub const MAX_INTEGER: i64 = (1 << 53) - 1;

pub(super) fn parse(source: &str) -> Result<ObservationExpression, PatternError> {
    let mut lexer = Lexer::new(source);
    let current = lexer.next_token()?;
    let mut parser = Parser { lexer, current };
    let expression = parser.observation_expressions(0)?;
    if parser.current.kind != TokenKind::End {
        return Err(parser.unexpected("end of pattern"));
    }
    Ok(expression)
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    current: Token<'a>,
}

/// Which observation operator a chain is joined by.
#[derive(Clone, Copy)]
enum Join {
    FollowedBy,
    Or,
    And,
}

impl<'a> Parser<'a> {
    fn advance(&mut self) -> Result<Token<'a>, PatternError> {
        let next = self.lexer.next_token()?;
        Ok(std::mem::replace(&mut self.current, next))
    }

    fn at_keyword(&self, keyword: Keyword) -> bool {
        self.current.kind == TokenKind::Keyword(keyword)
    }

    fn unexpected(&self, expected: &str) -> PatternError {
        PatternError {
            offset: self.current.offset,
            expected: expected.into(),
            found: self.current.describe(),
        }
    }

    fn expect(&mut self, kind: &TokenKind, expected: &str) -> Result<Token<'a>, PatternError> {
        if &self.current.kind == kind {
            self.advance()
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn enter(&self, depth: usize) -> Result<usize, PatternError> {
        if depth >= MAX_NESTING {
            return Err(PatternError {
                offset: self.current.offset,
                expected: format!("at most {MAX_NESTING} nested brackets and parentheses"),
                found: "deeper nesting".into(),
            });
        }
        Ok(depth + 1)
    }

    /// `FOLLOWEDBY` (loosest) over `OR` over `AND` over observations.
    fn observation_expressions(
        &mut self,
        depth: usize,
    ) -> Result<ObservationExpression, PatternError> {
        self.observation_chain(Join::FollowedBy, depth)
    }

    fn observation_chain(
        &mut self,
        join: Join,
        depth: usize,
    ) -> Result<ObservationExpression, PatternError> {
        let (keyword, tighter) = match join {
            Join::FollowedBy => (Keyword::FollowedBy, Some(Join::Or)),
            Join::Or => (Keyword::Or, Some(Join::And)),
            Join::And => (Keyword::And, None),
        };
        let operand = |parser: &mut Self| match tighter {
            Some(tighter) => parser.observation_chain(tighter, depth),
            None => parser
                .observation(depth)
                .map(ObservationExpression::Observation),
        };
        let first = operand(self)?;
        if !self.at_keyword(keyword) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.at_keyword(keyword) {
            self.advance()?;
            items.push(operand(self)?);
        }
        Ok(match join {
            Join::FollowedBy => ObservationExpression::FollowedBy(items),
            Join::Or => ObservationExpression::Or(items),
            Join::And => ObservationExpression::And(items),
        })
    }

    /// `[ comparison ]` or `( observation expression )`, then its qualifiers.
    fn observation(&mut self, depth: usize) -> Result<Observation, PatternError> {
        let offset = self.current.offset;
        let body = match self.current.kind {
            TokenKind::LeftBracket => {
                let inner = self.enter(depth)?;
                self.advance()?;
                let comparison = self.comparison_or(inner)?;
                self.expect(&TokenKind::RightBracket, "']'")?;
                ObservationBody::Bracketed(comparison)
            }
            TokenKind::LeftParen => {
                let inner = self.enter(depth)?;
                self.advance()?;
                let expression = self.observation_expressions(inner)?;
                self.expect(&TokenKind::RightParen, "')'")?;
                ObservationBody::Parenthesized(Box::new(expression))
            }
            _ => return Err(self.unexpected("'[' or '('")),
        };
        let mut qualifiers = Vec::new();
        while let Some(qualifier) = self.qualifier()? {
            qualifiers.push(qualifier);
        }
        Ok(Observation {
            body,
            qualifiers,
            offset,
        })
    }

    /// A qualifier if one starts here (section 9, "Pattern Qualifiers").
    fn qualifier(&mut self) -> Result<Option<Qualifier>, PatternError> {
        let offset = self.current.offset;
        let TokenKind::Keyword(keyword) = self.current.kind else {
            return Ok(None);
        };
        let qualifier = match keyword {
            Keyword::Within => {
                self.advance()?;
                let seconds = self.positive_number("a number of seconds (e.g. 300)")?;
                self.expect(&TokenKind::Keyword(Keyword::Seconds), "'SECONDS'")?;
                Qualifier::Within { seconds, offset }
            }
            Keyword::Repeats => {
                self.advance()?;
                if self.current.kind != TokenKind::Integer || self.current.text.starts_with('-') {
                    return Err(self.unexpected("a whole number of repetitions (e.g. 5)"));
                }
                let token = self.advance()?;
                let times = integer(&token)?;
                // Negative counts are not tokens here; zero is refused semantically.
                let times = u64::try_from(times).unwrap_or(0);
                self.expect(&TokenKind::Keyword(Keyword::Times), "'TIMES'")?;
                Qualifier::Repeats { times, offset }
            }
            Keyword::Start => {
                self.advance()?;
                let start = self.timestamp()?;
                self.expect(&TokenKind::Keyword(Keyword::Stop), "'STOP'")?;
                let stop = self.timestamp()?;
                Qualifier::StartStop {
                    start,
                    stop,
                    offset,
                }
            }
            _ => return Ok(None),
        };
        Ok(Some(qualifier))
    }

    /// `IntPosLiteral | FloatPosLiteral`, as a number of seconds.
    fn positive_number(&mut self, expected: &str) -> Result<f64, PatternError> {
        let negative = self.current.text.starts_with('-');
        match self.current.kind {
            TokenKind::Integer if !negative => {
                let token = self.advance()?;
                // Within the integer range, so exactly representable.
                Ok(integer(&token)? as f64)
            }
            TokenKind::Float if !negative => {
                let token = self.advance()?;
                let seconds = float(&token)?;
                if seconds > MAX_INTEGER as f64 {
                    return Err(PatternError {
                        offset: token.offset,
                        expected: "a number of seconds up to 2^53-1".into(),
                        found: token.describe(),
                    });
                }
                Ok(seconds)
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    fn timestamp(&mut self) -> Result<String, PatternError> {
        if self.current.kind != TokenKind::Timestamp {
            return Err(self.unexpected("a timestamp t'YYYY-MM-DDTHH:MM:SS[.s+]Z'"));
        }
        let token = self.advance()?;
        Ok(token.quoted_content().to_owned())
    }

    /// `OR` over `AND` over property tests.
    fn comparison_or(&mut self, depth: usize) -> Result<ComparisonExpression, PatternError> {
        let first = self.comparison_and(depth)?;
        if !self.at_keyword(Keyword::Or) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.at_keyword(Keyword::Or) {
            self.advance()?;
            items.push(self.comparison_and(depth)?);
        }
        Ok(ComparisonExpression::Or(items))
    }

    fn comparison_and(&mut self, depth: usize) -> Result<ComparisonExpression, PatternError> {
        let first = self.property_test(depth)?;
        if !self.at_keyword(Keyword::And) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.at_keyword(Keyword::And) {
            self.advance()?;
            items.push(self.property_test(depth)?);
        }
        Ok(ComparisonExpression::And(items))
    }

    /// The grammar's `propTest`.
    fn property_test(&mut self, depth: usize) -> Result<ComparisonExpression, PatternError> {
        let offset = self.current.offset;
        match self.current.kind {
            TokenKind::LeftParen => {
                let inner = self.enter(depth)?;
                self.advance()?;
                let expression = self.comparison_or(inner)?;
                self.expect(&TokenKind::RightParen, "')'")?;
                Ok(expression)
            }
            TokenKind::Keyword(Keyword::Not) => {
                self.advance()?;
                self.expect(&TokenKind::Keyword(Keyword::Exists), "'EXISTS'")?;
                let path = self.object_path()?;
                Ok(ComparisonExpression::Exists {
                    path,
                    negated: true,
                    offset,
                })
            }
            TokenKind::Keyword(Keyword::Exists) => {
                self.advance()?;
                let path = self.object_path()?;
                Ok(ComparisonExpression::Exists {
                    path,
                    negated: false,
                    offset,
                })
            }
            TokenKind::Identifier | TokenKind::HyphenatedIdentifier => self
                .comparison(offset)
                .map(ComparisonExpression::Comparison),
            _ => Err(self.unexpected("an object path, 'EXISTS', 'NOT EXISTS' or '('")),
        }
    }

    fn comparison(&mut self, offset: usize) -> Result<Comparison, PatternError> {
        let path = self.object_path()?;
        let negated = self.at_keyword(Keyword::Not);
        if negated {
            self.advance()?;
        }
        let operator = match self.current.kind {
            TokenKind::Equal => Operator::Equal,
            TokenKind::NotEqual => Operator::NotEqual,
            TokenKind::Less => Operator::Less,
            TokenKind::LessOrEqual => Operator::LessOrEqual,
            TokenKind::Greater => Operator::Greater,
            TokenKind::GreaterOrEqual => Operator::GreaterOrEqual,
            TokenKind::Keyword(Keyword::In) => Operator::In,
            TokenKind::Keyword(Keyword::Like) => Operator::Like,
            TokenKind::Keyword(Keyword::Matches) => Operator::Matches,
            TokenKind::Keyword(Keyword::IsSubset) => Operator::IsSubset,
            TokenKind::Keyword(Keyword::IsSuperset) => Operator::IsSuperset,
            _ => {
                return Err(self.unexpected(
                    "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET)",
                ));
            }
        };
        self.advance()?;
        let operand = match operator {
            Operator::Equal | Operator::NotEqual => Operand::Constant(self.constant(true)?),
            Operator::Less
            | Operator::LessOrEqual
            | Operator::Greater
            | Operator::GreaterOrEqual => Operand::Constant(self.constant(false)?),
            Operator::In => Operand::Set(self.set()?),
            Operator::Like | Operator::Matches | Operator::IsSubset | Operator::IsSuperset => {
                Operand::Constant(self.string_constant()?)
            }
        };
        Ok(Comparison {
            path,
            negated,
            operator,
            operand,
            offset,
        })
    }

    /// `objectType ':' firstPathComponent objectPathComponent*`.
    fn object_path(&mut self) -> Result<ObjectPath, PatternError> {
        let offset = self.current.offset;
        if !matches!(
            self.current.kind,
            TokenKind::Identifier | TokenKind::HyphenatedIdentifier
        ) {
            return Err(self.unexpected("an object type (e.g. file, ipv4-addr)"));
        }
        let object_type = self.advance()?.text.to_owned();
        self.expect(&TokenKind::Colon, "':' after the object type")?;
        let property = self.property_name()?;
        let mut steps = Vec::new();
        loop {
            match self.current.kind {
                TokenKind::Dot => {
                    self.advance()?;
                    steps.push(PathStep::Key(self.property_name()?));
                }
                TokenKind::LeftBracket => {
                    self.advance()?;
                    let step = match self.current.kind {
                        TokenKind::Asterisk => PathStep::AnyIndex,
                        TokenKind::Integer => PathStep::Index(integer(&self.current)?),
                        _ => return Err(self.unexpected("a list index (an integer or '*')")),
                    };
                    self.advance()?;
                    self.expect(&TokenKind::RightBracket, "']' closing the list index")?;
                    steps.push(step);
                }
                _ => break,
            }
        }
        Ok(ObjectPath {
            object_type,
            property,
            steps,
            offset,
        })
    }

    /// An identifier without hyphen, or a quoted string for any other name.
    fn property_name(&mut self) -> Result<String, PatternError> {
        match &self.current.kind {
            TokenKind::Identifier => Ok(self.advance()?.text.to_owned()),
            TokenKind::String(name) => {
                let name = name.clone();
                self.advance()?;
                Ok(name)
            }
            _ => Err(self.unexpected(
                "a property name (letters, digits and '_'; quote any other name, e.g. 'windows-pebinary-ext')",
            )),
        }
    }

    /// A constant; booleans only where `primitive` (after `=`, `!=` and in sets).
    fn constant(&mut self, primitive: bool) -> Result<Constant, PatternError> {
        let offset = self.current.offset;
        let value = match &self.current.kind {
            TokenKind::String(text) => Literal::String(text.clone()),
            TokenKind::Integer => Literal::Integer(integer(&self.current)?),
            TokenKind::Float => Literal::Float(float(&self.current)?),
            TokenKind::Boolean(value) if primitive => Literal::Boolean(*value),
            TokenKind::Binary => Literal::Binary(self.current.quoted_content().to_owned()),
            TokenKind::Hex => Literal::Hex(self.current.quoted_content().to_owned()),
            TokenKind::Timestamp => Literal::Timestamp(self.current.quoted_content().to_owned()),
            _ => {
                return Err(self.unexpected(if primitive {
                    "a constant (string, number, boolean, b'', h'' or t'')"
                } else {
                    "an orderable constant (string, number, b'', h'' or t'')"
                }));
            }
        };
        self.advance()?;
        Ok(Constant { value, offset })
    }

    fn string_constant(&mut self) -> Result<Constant, PatternError> {
        match &self.current.kind {
            TokenKind::String(text) => {
                let constant = Constant {
                    value: Literal::String(text.clone()),
                    offset: self.current.offset,
                };
                self.advance()?;
                Ok(constant)
            }
            _ => Err(self.unexpected("a string constant")),
        }
    }

    /// `( )` or `( c1, c2, ... )`.
    fn set(&mut self) -> Result<Vec<Constant>, PatternError> {
        self.expect(&TokenKind::LeftParen, "'(' starting a set of constants")?;
        let mut members = Vec::new();
        if self.current.kind == TokenKind::RightParen {
            self.advance()?;
            return Ok(members);
        }
        loop {
            members.push(self.constant(true)?);
            match self.current.kind {
                TokenKind::Comma => {
                    self.advance()?;
                }
                TokenKind::RightParen => {
                    self.advance()?;
                    return Ok(members);
                }
                _ => return Err(self.unexpected("',' or ')'")),
            }
        }
    }
}

/// An integer token's value, within the STIX integer range.
fn integer(token: &Token<'_>) -> Result<i64, PatternError> {
    token
        .text
        .parse::<i64>()
        .ok()
        .filter(|value| (-MAX_INTEGER..=MAX_INTEGER).contains(value))
        .ok_or_else(|| PatternError {
            offset: token.offset,
            expected: "an integer from -(2^53)+1 to 2^53-1 (STIX integer range)".into(),
            found: token.describe(),
        })
}

/// A float token's value, finite.
fn float(token: &Token<'_>) -> Result<f64, PatternError> {
    token
        .text
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .ok_or_else(|| PatternError {
            offset: token.offset,
            expected: "a finite floating-point number".into(),
            found: token.describe(),
        })
}
