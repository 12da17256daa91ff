//! A conservative syntax check for the PCRE regular expressions of `MATCHES` (STIX 2.1
//! section 9, "Comparison Operators"). The `regex` crate is not a dependency here, and it
//! would not be the right judge anyway: it lacks look-around and back-references, which
//! PCRE has.
//!
//! Only what PCRE certainly refuses is refused: unbalanced parentheses, an unclosed
//! character class, a trailing backslash, a quantifier with nothing to repeat or
//! following another quantifier, `{n,m}` with `n > m` or above 65535, and a class
//! range running backwards (`[z-a]`). Everything else, including unknown escapes and
//! group kinds, is let through. One pass, linear in the length of the expression.

/// Why a regular expression does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum RegexError {
    #[error("a '(' is never closed")]
    UnclosedGroup,
    #[error("a ')' closes no group")]
    UnopenedGroup,
    #[error("a '[' character class is never closed")]
    UnclosedClass,
    #[error("it ends with a lone backslash")]
    TrailingBackslash,
    #[error("a quantifier has nothing to repeat")]
    NothingToRepeat,
    #[error("a quantifier follows another quantifier")]
    DoubleQuantifier,
    #[error("a {{n,m}} quantifier has n greater than m")]
    BoundsOutOfOrder,
    #[error("a {{n,m}} quantifier bound is above 65535")]
    BoundTooLarge,
    #[error("a character class range runs backwards")]
    RangeOutOfOrder,
    #[error("a named group's name is not closed")]
    UnclosedName,
}

/// What the previous item lets a quantifier do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Previous {
    /// Start of the expression, a group or an alternative: nothing to repeat.
    Nothing,
    /// Something repeatable.
    Atom,
    /// A quantifier; `?` or `+` may still modify it once.
    Quantifier,
    /// A modified quantifier: nothing more may follow.
    Modified,
}

pub(super) fn check(regex: &str) -> Result<(), RegexError> {
    let chars: Vec<char> = regex.chars().collect();
    let mut at = 0;
    let mut open_groups: usize = 0;
    let mut previous = Previous::Nothing;
    while let Some(&c) = chars.get(at) {
        at += 1;
        match c {
            '\\' => {
                let escaped = *chars.get(at).ok_or(RegexError::TrailingBackslash)?;
                at += 1;
                if escaped == 'Q' {
                    // \Q...\E quotes everything up to \E (or the end).
                    while at < chars.len()
                        && !(chars[at] == '\\' && chars.get(at + 1) == Some(&'E'))
                    {
                        at += 1;
                    }
                    at = (at + 2).min(chars.len());
                }
                previous = Previous::Atom;
            }
            '[' => {
                at = skip_class(&chars, at)?;
                previous = Previous::Atom;
            }
            '(' => {
                match chars.get(at) {
                    // (*VERB) and (?...) items that are complete in themselves.
                    Some('*') => {
                        at = skip_past_close(&chars, at)?;
                        previous = Previous::Atom;
                        continue;
                    }
                    Some('?') => {
                        let (next, closed) = group_header(&chars, at + 1)?;
                        at = next;
                        if closed {
                            previous = Previous::Atom;
                            continue;
                        }
                    }
                    _ => {}
                }
                open_groups += 1;
                previous = Previous::Nothing;
            }
            ')' => {
                open_groups = open_groups
                    .checked_sub(1)
                    .ok_or(RegexError::UnopenedGroup)?;
                previous = Previous::Atom;
            }
            '|' => previous = Previous::Nothing,
            '*' | '+' | '?' => previous = quantify(previous, c)?,
            '{' => match bounds(&chars, at) {
                Some((next, low, high)) => {
                    if low > 65_535 || high.is_some_and(|high| high > 65_535) {
                        return Err(RegexError::BoundTooLarge);
                    }
                    if high.is_some_and(|high| high < low) {
                        return Err(RegexError::BoundsOutOfOrder);
                    }
                    previous = quantify(previous, '{')?;
                    at = next;
                }
                // Not a quantifier: a literal brace.
                None => previous = Previous::Atom,
            },
            _ => previous = Previous::Atom,
        }
    }
    if open_groups > 0 {
        return Err(RegexError::UnclosedGroup);
    }
    Ok(())
}

fn quantify(previous: Previous, c: char) -> Result<Previous, RegexError> {
    match previous {
        Previous::Nothing => Err(RegexError::NothingToRepeat),
        Previous::Atom => Ok(Previous::Quantifier),
        // `*?` lazy, `*+` possessive.
        Previous::Quantifier if matches!(c, '?' | '+') => Ok(Previous::Modified),
        Previous::Quantifier | Previous::Modified => Err(RegexError::DoubleQuantifier),
    }
}

/// `{n}`, `{n,}`, `{n,m}` or `{,m}` starting after the `{`: the index after `}` and
/// the bounds, or `None` when the brace is a literal.
fn bounds(chars: &[char], start: usize) -> Option<(usize, u64, Option<u64>)> {
    let number = |from: usize| -> (usize, Option<u64>) {
        let mut end = from;
        let mut value: u64 = 0;
        while let Some(digit) = chars.get(end).and_then(|c| c.to_digit(10)) {
            value = value.saturating_mul(10).saturating_add(u64::from(digit));
            end += 1;
        }
        (end, (end > from).then_some(value))
    };
    let (after_low, low) = number(start);
    match chars.get(after_low) {
        Some('}') => low.map(|low| (after_low + 1, low, Some(low))),
        Some(',') => {
            let (after_high, high) = number(after_low + 1);
            if chars.get(after_high) != Some(&'}') || (low.is_none() && high.is_none()) {
                return None;
            }
            Some((after_high + 1, low.unwrap_or(0), high))
        }
        _ => None,
    }
}

/// Skips a character class whose `[` is just before `start`; returns the index after
/// its `]`.
fn skip_class(chars: &[char], start: usize) -> Result<usize, RegexError> {
    let mut at = start;
    if chars.get(at) == Some(&'^') {
        at += 1;
    }
    // A `]` first is a literal.
    if chars.get(at) == Some(&']') {
        at += 1;
    }
    // The last single literal character, for range checks.
    let mut last_literal: Option<char> = None;
    loop {
        let c = *chars.get(at).ok_or(RegexError::UnclosedClass)?;
        at += 1;
        match c {
            ']' => return Ok(at),
            '\\' => {
                chars.get(at).ok_or(RegexError::UnclosedClass)?;
                at += 1;
                last_literal = None;
            }
            '[' if chars.get(at) == Some(&':') => {
                // A POSIX class [:name:] (or [:^name:]); otherwise '[' is a literal.
                let mut end = at + 1;
                if chars.get(end) == Some(&'^') {
                    end += 1;
                }
                while chars.get(end).is_some_and(char::is_ascii_alphabetic) {
                    end += 1;
                }
                if chars.get(end) == Some(&':') && chars.get(end + 1) == Some(&']') {
                    at = end + 2;
                    last_literal = None;
                } else {
                    last_literal = Some('[');
                }
            }
            '-' => {
                let low = last_literal.take();
                let high = chars.get(at).copied();
                if let (Some(low), Some(high)) = (low, high)
                    && high != ']'
                    && high != '\\'
                    && high != '['
                {
                    if high < low {
                        return Err(RegexError::RangeOutOfOrder);
                    }
                    at += 1;
                } else {
                    last_literal = Some('-');
                }
            }
            _ => last_literal = Some(c),
        }
    }
}

/// The index just after the next `)`.
fn skip_past_close(chars: &[char], from: usize) -> Result<usize, RegexError> {
    chars[from..]
        .iter()
        .position(|c| *c == ')')
        .map(|i| from + i + 1)
        .ok_or(RegexError::UnclosedGroup)
}

/// Reads what follows `(?`: returns where the group's content starts, and whether the
/// item was already closed (comments, option settings, recursion, back-references).
fn group_header(chars: &[char], at: usize) -> Result<(usize, bool), RegexError> {
    let closed = |at| skip_past_close(chars, at).map(|next| (next, true));
    match chars.get(at) {
        Some('#') => closed(at),
        Some(':' | '=' | '!' | '>' | '|') => Ok((at + 1, false)),
        Some('<') if matches!(chars.get(at + 1), Some('=' | '!')) => Ok((at + 2, false)),
        Some('<') => name_end(chars, at + 1, '>'),
        Some('\'') => name_end(chars, at + 1, '\''),
        Some('P') => match chars.get(at + 1) {
            Some('<') => name_end(chars, at + 2, '>'),
            _ => closed(at),
        },
        // A condition: its own parenthesized part follows.
        Some('(') => Ok((at, false)),
        Some(c) if c.is_ascii_digit() || matches!(c, 'R' | '&' | '+' | 'C') => closed(at),
        Some('-') if chars.get(at + 1).is_some_and(char::is_ascii_digit) => closed(at),
        _ => {
            // Option letters, then ':' (a group) or ')' (a setting).
            let mut end = at;
            while chars
                .get(end)
                .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '^'))
            {
                end += 1;
            }
            match chars.get(end) {
                Some(':') => Ok((end + 1, false)),
                Some(')') => Ok((end + 1, true)),
                // Unknown: let the content be read as a group's.
                _ => Ok((at, false)),
            }
        }
    }
}

fn name_end(chars: &[char], from: usize, close: char) -> Result<(usize, bool), RegexError> {
    chars[from.min(chars.len())..]
        .iter()
        .position(|c| *c == close)
        .map(|i| (from + i + 1, false))
        .ok_or(RegexError::UnclosedName)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcre_syntax_is_refused_only_when_certainly_broken() {
        let cases: &[(&str, Result<(), RegexError>)] = &[
            ("^abc$", Ok(())),
            (".+\\@example\\.com$", Ok(())),
            ("\\xd4\\xc3\\xb2\\xa1", Ok(())),
            ("a{2,5}b{3}c{1,}", Ok(())),
            ("a{,5}", Ok(())),
            ("x{y}", Ok(())),
            ("{", Ok(())),
            ("a*?b+?c??", Ok(())),
            ("a*+b++", Ok(())),
            ("(?i)abc", Ok(())),
            ("(?i:abc)*", Ok(())),
            ("(?:a|b)+", Ok(())),
            ("(?<year>\\d{4})-\\k<year>", Ok(())),
            ("(?P<n>a)(?P=n)", Ok(())),
            ("(?'n'a)", Ok(())),
            ("(?=a)b", Ok(())),
            ("(?<!a)b", Ok(())),
            ("(?#comment)a", Ok(())),
            ("(?(1)a|b)", Ok(())),
            ("(a)\\1", Ok(())),
            ("(?R)", Ok(())),
            ("(*UTF8)abc", Ok(())),
            ("[]a]", Ok(())),
            ("[^]a]", Ok(())),
            ("[a-z0-9_-]", Ok(())),
            ("[[:alpha:]]+", Ok(())),
            ("[\\]]", Ok(())),
            ("\\Q(*+\\E", Ok(())),
            ("", Ok(())),
            ("(", Err(RegexError::UnclosedGroup)),
            ("(a|b", Err(RegexError::UnclosedGroup)),
            ("a)", Err(RegexError::UnopenedGroup)),
            ("[a-z", Err(RegexError::UnclosedClass)),
            ("[", Err(RegexError::UnclosedClass)),
            ("abc\\", Err(RegexError::TrailingBackslash)),
            ("*a", Err(RegexError::NothingToRepeat)),
            ("a|*b", Err(RegexError::NothingToRepeat)),
            ("(+a)", Err(RegexError::NothingToRepeat)),
            ("a**", Err(RegexError::DoubleQuantifier)),
            ("a{2}{3}", Err(RegexError::DoubleQuantifier)),
            ("a*??", Err(RegexError::DoubleQuantifier)),
            ("a{5,2}", Err(RegexError::BoundsOutOfOrder)),
            ("a{70000}", Err(RegexError::BoundTooLarge)),
            ("[z-a]", Err(RegexError::RangeOutOfOrder)),
            ("(?<name", Err(RegexError::UnclosedName)),
        ];
        for (regex, expected) in cases {
            assert_eq!(check(regex), *expected, "case {regex:?}");
        }
    }
}
