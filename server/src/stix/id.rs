//! STIX identifiers: `<type>--<RFC 4122 UUID>`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("is not of the form <type>--<uuid>")]
    Malformed,
    #[error("has an invalid type part: {0}")]
    Type(TypeError),
    #[error("does not carry an RFC 4122 UUID")]
    NotRfc4122,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeError {
    #[error("must be 3 to 250 characters long")]
    Length,
    #[error("may contain only a-z, 0-9 and single hyphens, not at either end")]
    Characters,
}

/// A syntactically valid STIX identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StixId(String);

impl StixId {
    /// STIX 2.1 "Identifier": the type part must be a valid type name and the UUID an
    /// RFC 4122 one (variant bits `10`), in its canonical lower-case hyphenated form.
    pub fn parse(text: &str) -> Result<StixId, IdError> {
        let (type_name, uuid) = text.split_once("--").ok_or(IdError::Malformed)?;
        check_type_name(type_name).map_err(IdError::Type)?;
        check_uuid(uuid)?;
        Ok(StixId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `--`.
    pub fn type_name(&self) -> &str {
        self.0
            .split_once("--")
            .map_or("", |(type_name, _)| type_name)
    }
}

impl fmt::Display for StixId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// STIX 2.1 "Type": 3–250 characters of `a-z`, `0-9` and `-`, no leading, trailing or
/// doubled hyphen.
pub fn check_type_name(name: &str) -> Result<(), TypeError> {
    if !(3..=250).contains(&name.len()) {
        return Err(TypeError::Length);
    }
    let allowed = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !allowed || name.starts_with('-') || name.ends_with('-') || name.contains("--") {
        return Err(TypeError::Characters);
    }
    Ok(())
}

fn check_uuid(uuid: &str) -> Result<(), IdError> {
    let bytes = uuid.as_bytes();
    let shape_ok = bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(b),
        });
    if !shape_ok {
        return Err(IdError::Malformed);
    }
    // The variant nibble (first of the fourth group) is 8, 9, a or b for RFC 4122.
    if !matches!(bytes[19], b'8' | b'9' | b'a' | b'b') {
        return Err(IdError::NotRfc4122);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_parse_by_the_spec_rules() {
        let cases = [
            ("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", Ok(())),
            ("x-acme-thing--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", Ok(())),
            (
                "indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f",
                Err(IdError::NotRfc4122),
            ),
            (
                "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F",
                Err(IdError::Malformed),
            ),
            (
                "indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                Err(IdError::Malformed),
            ),
            (
                "in--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                Err(IdError::Type(TypeError::Length)),
            ),
            (
                "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                Err(IdError::Type(TypeError::Characters)),
            ),
            ("indicator--", Err(IdError::Malformed)),
        ];
        for (text, expected) in cases {
            assert_eq!(StixId::parse(text).map(|_| ()), expected, "case {text}");
        }
    }
}
