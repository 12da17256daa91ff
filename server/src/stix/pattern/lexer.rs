//! Splits pattern text into tokens, following the lexer rules of the OASIS grammar
//! (STIXPattern.g4, STIX 2.1 section 9): longest match wins, keywords are upper case
//! (`true`/`false` lower case) and win over identifiers of the same length, whitespace
//! is the Unicode White_Space set, and `/* */` and `//` comments are skipped.
//!
//! Tokens are produced on demand, so the first error reported is the first one the
//! parser reaches.

use super::PatternError;

/// Reserved words. `LAST` is reserved by the grammar but used nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keyword {
    And,
    Or,
    Not,
    FollowedBy,
    Like,
    Matches,
    IsSuperset,
    IsSubset,
    Exists,
    Last,
    In,
    Start,
    Stop,
    Seconds,
    Within,
    Repeats,
    Times,
}

const KEYWORDS: &[(&str, Keyword)] = &[
    ("AND", Keyword::And),
    ("OR", Keyword::Or),
    ("NOT", Keyword::Not),
    ("FOLLOWEDBY", Keyword::FollowedBy),
    ("LIKE", Keyword::Like),
    ("MATCHES", Keyword::Matches),
    ("ISSUPERSET", Keyword::IsSuperset),
    ("ISSUBSET", Keyword::IsSubset),
    ("EXISTS", Keyword::Exists),
    ("LAST", Keyword::Last),
    ("IN", Keyword::In),
    ("START", Keyword::Start),
    ("STOP", Keyword::Stop),
    ("SECONDS", Keyword::Seconds),
    ("WITHIN", Keyword::Within),
    ("REPEATS", Keyword::Repeats),
    ("TIMES", Keyword::Times),
];

#[derive(Debug, Clone, PartialEq)]
pub(super) enum TokenKind {
    LeftBracket,
    RightBracket,
    LeftParen,
    RightParen,
    Colon,
    Dot,
    Comma,
    Asterisk,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Keyword(Keyword),
    /// `[A-Za-z_][A-Za-z0-9_]*`, not a keyword: an object type or a property name.
    Identifier,
    /// An identifier with at least one `-`: only an object type.
    HyphenatedIdentifier,
    /// A quoted string, unescaped.
    String(String),
    /// `[+-]? (0 | [1-9][0-9]*)`, as written.
    Integer,
    /// `[+-]? [0-9]* . [0-9]+`, as written.
    Float,
    Boolean(bool),
    /// `b'...'`, well-formed base64 (the content is `text[2..len-1]`).
    Binary,
    /// `h'...'`, an even number of hex digits.
    Hex,
    /// `t'...'` in the grammar's timestamp shape (calendar checked later).
    Timestamp,
    End,
}

#[derive(Debug, Clone)]
pub(super) struct Token<'a> {
    pub kind: TokenKind,
    /// Byte offset in the pattern.
    pub offset: usize,
    /// The token as written.
    pub text: &'a str,
}

impl Token<'_> {
    /// The token as an error message shows it.
    pub fn describe(&self) -> String {
        match self.kind {
            TokenKind::End => "end of pattern".into(),
            // Quoted constants already carry their quotes.
            TokenKind::String(_) | TokenKind::Binary | TokenKind::Hex | TokenKind::Timestamp => {
                shorten(self.text)
            }
            _ => format!("'{}'", shorten(self.text)),
        }
    }

    /// The content between the quotes of `b'..'`, `h'..'` or `t'..'`.
    pub fn quoted_content(&self) -> &str {
        self.text
            .get(2..self.text.len().saturating_sub(1))
            .unwrap_or_default()
    }
}

/// At most 40 characters of `text`, for messages.
pub(super) fn shorten(text: &str) -> String {
    const LIMIT: usize = 40;
    if text.chars().count() <= LIMIT {
        text.to_owned()
    } else {
        let head: String = text.chars().take(LIMIT - 3).collect();
        format!("{head}...")
    }
}

/// Whether `name` can be written unquoted as a property name: an identifier without
/// hyphen that is not a keyword or boolean.
pub fn is_bare_property_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let starts_well = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    starts_well
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && keyword(name).is_none()
        && name != "true"
        && name != "false"
}

fn keyword(text: &str) -> Option<Keyword> {
    KEYWORDS
        .iter()
        .find(|(word, _)| *word == text)
        .map(|(_, keyword)| *keyword)
}

pub(super) struct Lexer<'a> {
    source: &'a str,
    position: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(source: &'a str) -> Self {
        Lexer {
            source,
            position: 0,
        }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.source.as_bytes().get(at).copied()
    }

    fn error(&self, offset: usize, expected: &str, found: String) -> PatternError {
        PatternError {
            offset,
            expected: expected.into(),
            found,
        }
    }

    /// Skips whitespace and comments.
    fn skip_trivia(&mut self) -> Result<(), PatternError> {
        loop {
            let rest = &self.source[self.position..];
            if let Some(c) = rest.chars().next()
                && c.is_whitespace()
            {
                self.position += c.len_utf8();
            } else if let Some(comment) = rest.strip_prefix("/*") {
                match comment.find("*/") {
                    Some(end) => self.position += 2 + end + 2,
                    None => {
                        return Err(self.error(
                            self.position,
                            "'*/' closing the comment",
                            "end of pattern".into(),
                        ));
                    }
                }
            } else if rest.starts_with("//") {
                let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
                self.position += end;
            } else {
                return Ok(());
            }
        }
    }

    pub fn next_token(&mut self) -> Result<Token<'a>, PatternError> {
        self.skip_trivia()?;
        let start = self.position;
        let Some(first) = self.byte(start) else {
            return Ok(Token {
                kind: TokenKind::End,
                offset: start,
                text: "",
            });
        };
        let next = self.byte(start + 1);
        let (kind, length) = match first {
            b'[' => (TokenKind::LeftBracket, 1),
            b']' => (TokenKind::RightBracket, 1),
            b'(' => (TokenKind::LeftParen, 1),
            b')' => (TokenKind::RightParen, 1),
            b':' => (TokenKind::Colon, 1),
            b',' => (TokenKind::Comma, 1),
            b'*' => (TokenKind::Asterisk, 1),
            b'=' if next == Some(b'=') => (TokenKind::Equal, 2),
            b'=' => (TokenKind::Equal, 1),
            b'!' if next == Some(b'=') => (TokenKind::NotEqual, 2),
            b'<' if next == Some(b'>') => (TokenKind::NotEqual, 2),
            b'<' if next == Some(b'=') => (TokenKind::LessOrEqual, 2),
            b'<' => (TokenKind::Less, 1),
            b'>' if next == Some(b'=') => (TokenKind::GreaterOrEqual, 2),
            b'>' => (TokenKind::Greater, 1),
            b'\'' => return self.string(start),
            b'.' if next.is_some_and(|b| b.is_ascii_digit()) => return Ok(self.number(start)),
            b'.' => (TokenKind::Dot, 1),
            b'+' | b'-' if self.starts_number(start + 1) => return Ok(self.number(start)),
            b'0'..=b'9' => return Ok(self.number(start)),
            b'h' | b'b' | b't' if next == Some(b'\'') => return self.quoted_constant(start),
            b if b.is_ascii_alphabetic() || b == b'_' => return Ok(self.word(start)),
            _ => {
                let c = self.source[start..].chars().next().unwrap_or('?');
                return Err(self.error(start, "a pattern token", format!("'{c}'")));
            }
        };
        self.position = start + length;
        Ok(self.token(kind, start))
    }

    fn token(&self, kind: TokenKind, start: usize) -> Token<'a> {
        Token {
            kind,
            offset: start,
            text: &self.source[start..self.position],
        }
    }

    /// Whether a number's digits (after an optional sign) start at `at`.
    fn starts_number(&self, at: usize) -> bool {
        match self.byte(at) {
            Some(b) if b.is_ascii_digit() => true,
            Some(b'.') => self.byte(at + 1).is_some_and(|b| b.is_ascii_digit()),
            _ => false,
        }
    }

    fn digits_from(&self, mut at: usize) -> usize {
        while self.byte(at).is_some_and(|b| b.is_ascii_digit()) {
            at += 1;
        }
        at
    }

    /// Integer or float, longest match: `007` is `0`, `0`, `7`; `1.` is `1`, `.`.
    fn number(&mut self, start: usize) -> Token<'a> {
        let digits_start = if matches!(self.byte(start), Some(b'+' | b'-')) {
            start + 1
        } else {
            start
        };
        let digits_end = self.digits_from(digits_start);
        let is_float = self.byte(digits_end) == Some(b'.')
            && self
                .byte(digits_end + 1)
                .is_some_and(|b| b.is_ascii_digit());
        if is_float {
            self.position = self.digits_from(digits_end + 1);
            return self.token(TokenKind::Float, start);
        }
        // A leading zero is the whole integer.
        self.position = if self.byte(digits_start) == Some(b'0') {
            digits_start + 1
        } else {
            digits_end
        };
        self.token(TokenKind::Integer, start)
    }

    fn word(&mut self, start: usize) -> Token<'a> {
        let mut end = start;
        while self
            .byte(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            end += 1;
        }
        self.position = end;
        let text = &self.source[start..end];
        let kind = if let Some(keyword) = keyword(text) {
            TokenKind::Keyword(keyword)
        } else if text == "true" || text == "false" {
            TokenKind::Boolean(text == "true")
        } else if text.contains('-') {
            TokenKind::HyphenatedIdentifier
        } else {
            TokenKind::Identifier
        };
        self.token(kind, start)
    }

    /// `'...'` with `\'` and `\\` as the only escapes.
    fn string(&mut self, start: usize) -> Result<Token<'a>, PatternError> {
        let mut value = String::new();
        let mut at = start + 1;
        loop {
            let rest = &self.source[at..];
            let Some(c) = rest.chars().next() else {
                return Err(self.error(
                    start,
                    "a string closed by a quote (')",
                    format!(
                        "{} running to the end of pattern",
                        shorten(&self.source[start..])
                    ),
                ));
            };
            match c {
                '\'' => {
                    self.position = at + 1;
                    return Ok(self.token(TokenKind::String(value), start));
                }
                '\\' => match self.byte(at + 1) {
                    Some(escaped @ (b'\'' | b'\\')) => {
                        value.push(char::from(escaped));
                        at += 2;
                    }
                    _ => {
                        let shown: String = rest.chars().take(2).collect();
                        return Err(self.error(
                            at,
                            "only \\' or \\\\ as escapes in a string",
                            format!("'{shown}'"),
                        ));
                    }
                },
                _ => {
                    value.push(c);
                    at += c.len_utf8();
                }
            }
        }
    }

    /// `b'..'`, `h'..'`, `t'..'`: the content runs to the next quote and must have the
    /// grammar's shape.
    fn quoted_constant(&mut self, start: usize) -> Result<Token<'a>, PatternError> {
        let content_start = start + 2;
        let Some(length) = self.source[content_start..].find('\'') else {
            return Err(self.error(
                start,
                "a constant closed by a quote (')",
                format!(
                    "{} running to the end of pattern",
                    shorten(&self.source[start..])
                ),
            ));
        };
        let content = &self.source[content_start..content_start + length];
        let (kind, well_formed, expected) = match self.byte(start) {
            Some(b'b') => (
                TokenKind::Binary,
                is_base64(content),
                "base64 in b'' (A-Z a-z 0-9 + /, padded with = to a multiple of 4)",
            ),
            Some(b'h') => (
                TokenKind::Hex,
                content.len().is_multiple_of(2) && content.bytes().all(|b| b.is_ascii_hexdigit()),
                "an even number of hex digits in h''",
            ),
            _ => (
                TokenKind::Timestamp,
                has_timestamp_shape(content.as_bytes()),
                "a timestamp t'YYYY-MM-DDTHH:MM:SS[.s+]Z'",
            ),
        };
        self.position = content_start + length + 1;
        let token = self.token(kind, start);
        if well_formed {
            Ok(token)
        } else {
            Err(self.error(start, expected, shorten(token.text)))
        }
    }
}

/// RFC 4648 base64 as the grammar has it: non-empty, groups of four, `=` padding only
/// at the end.
fn is_base64(content: &str) -> bool {
    let bytes = content.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return false;
    }
    let padding = bytes.iter().rev().take_while(|b| **b == b'=').count();
    padding <= 2
        && bytes[..bytes.len() - padding]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

/// The grammar's TimestampLiteral: `YYYY-MM-DDTHH:MM:SS[.d+]Z` with month 01-12, day
/// 01-31, hour 00-23, minute 00-59 and second 00-60. Days per month are checked later.
fn has_timestamp_shape(bytes: &[u8]) -> bool {
    let two = |at: usize| -> Option<u32> {
        let high = bytes.get(at).filter(|b| b.is_ascii_digit())?;
        let low = bytes.get(at + 1).filter(|b| b.is_ascii_digit())?;
        Some(u32::from(high - b'0') * 10 + u32::from(low - b'0'))
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if bytes.len() < 20
        || !bytes[..4].iter().all(u8::is_ascii_digit)
        || separators.iter().any(|(at, c)| bytes.get(*at) != Some(c))
        || bytes.last() != Some(&b'Z')
    {
        return false;
    }
    let in_range = matches!(two(5), Some(1..=12))
        && matches!(two(8), Some(1..=31))
        && matches!(two(11), Some(0..=23))
        && matches!(two(14), Some(0..=59))
        && matches!(two(17), Some(0..=60));
    let fraction = &bytes[19..bytes.len() - 1];
    let fraction_ok = match fraction {
        [] => true,
        [b'.', digits @ ..] => !digits.is_empty() && digits.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    in_range && fraction_ok
}
