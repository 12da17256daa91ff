//! TAXII 2.1 "Get Status": a status resource is visible only to its creator's organisation.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::media_type::{Serves, negotiate};
use super::respond;
use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode};
use crate::storage::Store;

#[tracing::instrument(skip_all, fields(status.id = %path))]
pub async fn get_status(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::Taxii)?;
    let body = store
        .status(&path, principal.org_pk)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::StatusNotFound,
                format!("no status '{path}' is available to you"),
            )
        })?;
    Ok(respond(StatusCode::OK, media_type, body))
}
