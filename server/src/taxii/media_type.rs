//! Content negotiation: `Accept` (406) and `Content-Type` (415) for TAXII 2.1.

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::error::{ApiError, ErrorCode};

/// TAXII resources, envelopes included.
pub const TAXII_JSON: &str = "application/taxii+json;version=2.1";
/// STIX content; accepted for object requests and posts as well.
pub const STIX_JSON: &str = "application/stix+json;version=2.1";

/// Which media types an endpoint can produce or consume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serves {
    /// TAXII resources only (discovery, collections, status, manifest, versions).
    Taxii,
    /// Envelopes of STIX objects: TAXII or STIX media type.
    TaxiiOrStix,
}

struct MediaRange<'a> {
    essence: String,
    version: Option<&'a str>,
    quality: f32,
}

fn parse_range(text: &str) -> Option<MediaRange<'_>> {
    let mut parts = text.split(';');
    let essence = parts.next()?.trim().to_ascii_lowercase();
    if essence.is_empty() {
        return None;
    }
    let mut version = None;
    let mut quality = 1.0;
    for parameter in parts {
        let (name, value) = parameter.split_once('=')?;
        let value = value.trim().trim_matches('"');
        match name.trim().to_ascii_lowercase().as_str() {
            "version" => version = Some(value),
            "q" => {
                quality = value
                    .parse()
                    .ok()
                    .filter(|q: &f32| (0.0..=1.0).contains(q))?
            }
            _ => {}
        }
    }
    Some(MediaRange {
        essence,
        version,
        quality,
    })
}

/// What `range` would let the endpoint send, if anything.
fn produces(range: &MediaRange<'_>, serves: Serves) -> Option<&'static str> {
    if range.quality <= 0.0 || range.version.is_some_and(|v| v != "2.1") {
        return None;
    }
    match range.essence.as_str() {
        "application/taxii+json" | "application/*" | "*/*" => Some(TAXII_JSON),
        "application/stix+json" if serves == Serves::TaxiiOrStix => Some(STIX_JSON),
        _ => None,
    }
}

/// Picks the response media type from `Accept`, highest `q` first; 406 if none fits.
pub fn negotiate(request: &HttpRequest, serves: Serves) -> Result<&'static str, ApiError> {
    let Some(accept) = request.headers().get(header::ACCEPT) else {
        return Ok(TAXII_JSON);
    };
    let accept = accept.to_str().unwrap_or_default();
    if accept.trim().is_empty() {
        return Ok(TAXII_JSON);
    }
    let mut best: Option<(f32, &'static str)> = None;
    for range in accept.split(',').filter_map(parse_range) {
        if let Some(media_type) = produces(&range, serves)
            && best.is_none_or(|(quality, _)| range.quality > quality)
        {
            best = Some((range.quality, media_type));
        }
    }
    best.map(|(_, media_type)| media_type).ok_or_else(|| {
        let offered = match serves {
            Serves::Taxii => TAXII_JSON.to_owned(),
            Serves::TaxiiOrStix => format!("{TAXII_JSON} or {STIX_JSON}"),
        };
        ApiError::new(
            ErrorCode::NotAcceptable,
            format!("this endpoint serves {offered}; the Accept header allows none of them"),
        )
    })
}

/// Checks a posted body's `Content-Type`; 415 unless TAXII (or STIX) 2.1 JSON.
pub fn check_content_type(request: &HttpRequest) -> Result<(), ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let acceptable = parse_range(content_type).is_some_and(|range| {
        matches!(
            range.essence.as_str(),
            "application/taxii+json" | "application/stix+json"
        ) && range.version.is_none_or(|v| v == "2.1")
    });
    if acceptable {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            format!("send the envelope as Content-Type: {TAXII_JSON} (received '{content_type}')"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn accept_headers_negotiate_by_type_version_and_weight() {
        let cases = [
            (
                "application/taxii+json;version=2.1",
                Serves::Taxii,
                Some(TAXII_JSON),
            ),
            ("application/taxii+json", Serves::Taxii, Some(TAXII_JSON)),
            (
                "application/taxii+json; version=\"2.1\"",
                Serves::Taxii,
                Some(TAXII_JSON),
            ),
            ("application/taxii+json;version=2.0", Serves::Taxii, None),
            ("application/json", Serves::Taxii, None),
            ("*/*", Serves::Taxii, Some(TAXII_JSON)),
            ("application/stix+json;version=2.1", Serves::Taxii, None),
            (
                "application/stix+json;version=2.1",
                Serves::TaxiiOrStix,
                Some(STIX_JSON),
            ),
            (
                "application/taxii+json;q=0.5, application/stix+json;version=2.1",
                Serves::TaxiiOrStix,
                Some(STIX_JSON),
            ),
            ("application/taxii+json;q=0, text/html", Serves::Taxii, None),
            ("text/html, */*;q=0.1", Serves::Taxii, Some(TAXII_JSON)),
        ];
        for (accept, serves, expected) in cases {
            let request = TestRequest::default()
                .insert_header((header::ACCEPT, accept))
                .to_http_request();
            assert_eq!(negotiate(&request, serves).ok(), expected, "case {accept}");
        }
    }

    #[test]
    fn content_types_outside_taxii_and_stix_are_unsupported() {
        for (content_type, ok) in [
            ("application/taxii+json;version=2.1", true),
            ("application/stix+json;version=2.1", true),
            ("application/taxii+json", true),
            ("application/taxii+json;version=2.0", false),
            ("application/json", false),
            ("", false),
        ] {
            let request = TestRequest::default()
                .insert_header((header::CONTENT_TYPE, content_type))
                .to_http_request();
            assert_eq!(
                check_content_type(&request).is_ok(),
                ok,
                "case {content_type}"
            );
        }
    }
}
