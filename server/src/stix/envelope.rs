//! TAXII 2.1 "Envelope" as posted: the objects are kept as raw JSON text, so what is
//! stored is exactly what the producer sent.

use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the request body is not a valid TAXII envelope: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("the envelope has no 'objects' (a list of STIX objects is required)")]
    NoObjects,
    #[error("the request body must be a JSON object with an 'objects' list")]
    NotAnObject,
}

#[derive(Deserialize)]
struct Posted<'a> {
    #[serde(borrow, default)]
    objects: Option<Vec<&'a RawValue>>,
}

/// Parses a posted envelope, borrowing each object's text from `body`.
pub fn parse(body: &[u8]) -> Result<Vec<&RawValue>, EnvelopeError> {
    // serde would also read a struct from a JSON array; an envelope is an object.
    if body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b != b'{')
    {
        return Err(EnvelopeError::NotAnObject);
    }
    let posted: Posted<'_> = serde_json::from_slice(body)?;
    match posted.objects {
        Some(objects) if !objects.is_empty() => Ok(objects),
        _ => Err(EnvelopeError::NoObjects),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_their_exact_text() {
        let body = br#"{"objects":[{"b":1.50,"a":"2016-01-01T00:00:00.1230Z"}],"more":false}"#;
        let objects = parse(body).expect("envelope");
        assert_eq!(
            objects[0].get(),
            r#"{"b":1.50,"a":"2016-01-01T00:00:00.1230Z"}"#
        );
    }

    #[test]
    fn malformed_envelopes_are_refused_with_a_reason() {
        for (body, expected) in [
            (&b"{"[..], "EOF"),
            (b"[]", "must be a JSON object"),
            (b"{}", "no 'objects'"),
            (br#"{"objects":[]}"#, "no 'objects'"),
            (br#"{"objects":{}}"#, "invalid type"),
        ] {
            let message = parse(body).expect_err("refused").to_string();
            assert!(message.contains(expected), "case {expected}: {message}");
        }
    }
}
