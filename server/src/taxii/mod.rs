//! The TAXII 2.1 API: one file per resource, plus negotiation, filters and cursors.

pub mod collections;
pub mod cursor;
pub mod discovery;
pub mod filter;
pub mod media_type;
pub mod objects;
pub mod status;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

use crate::config::Settings;
use crate::error::{ApiError, ErrorCode};
use crate::sharing::{self, Access, Principal};
use crate::storage::Store;
use crate::storage::collections::Collection;

/// A response with a TAXII (or STIX) JSON body.
pub fn respond<B: actix_web::body::MessageBody + 'static>(
    status: StatusCode,
    media_type: &'static str,
    body: B,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(media_type)))
        .body(body)
}

/// Serialises a resource; a failure here is the hub's bug, not the client's.
pub fn to_json(resource: &impl serde::Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(resource).map_err(ApiError::internal)
}

/// The collection named in the path as the principal sees it: hidden ones are 404.
pub async fn visible_collection(
    store: &Store,
    principal: &Principal,
    key: &str,
) -> Result<(Collection, Access), ApiError> {
    let not_found = || {
        ApiError::new(
            ErrorCode::CollectionNotFound,
            format!("no collection '{key}' is available to you"),
        )
    };
    let collection = store.collection(key).await?.ok_or_else(not_found)?;
    let access = sharing::access(principal, &collection);
    if !access.read {
        return Err(not_found());
    }
    Ok((collection, access))
}

/// Base URL of the hub as the client reached it (or as configured), without a trailing slash.
pub fn base_url(request: &HttpRequest, settings: &Settings) -> String {
    if let Some(url) = &settings.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let info = request.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}
