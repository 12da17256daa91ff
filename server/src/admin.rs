//! Administrators' endpoints outside TAXII: the audit log. Other principals get 404:
//! what they may not use does not exist for them.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode};
use crate::sharing::Role;
use crate::storage::Store;
use crate::storage::audit::AuditQuery;

#[derive(Debug, Deserialize)]
pub struct AuditParams {
    organization: Option<String>,
    action: Option<String>,
    stix_id: Option<String>,
    after: Option<i64>,
    limit: Option<u32>,
}

/// `GET /admin/audit/?organization=&action=&stix_id=&after=&limit=`: entries oldest
/// first; `next` is the `after` that continues.
pub async fn get_audit_log(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    if principal.role != Role::Admin {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("there is no resource at {}", request.path()),
        ));
    }
    let params: AuditParams = serde_urlencoded::from_str(request.query_string()).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidFilter,
            format!("the query string is malformed: {e}"),
        )
    })?;
    let query = AuditQuery {
        organization: params.organization,
        action: params.action,
        stix_id: params.stix_id,
        after: params.after,
        limit: params.limit.unwrap_or(100).clamp(1, 1000),
    };
    let entries = store.audit_log(&query).await?;
    let next = entries.last().map(|entry| entry.seq);
    Ok(HttpResponse::Ok().json(serde_json::json!({ "entries": entries, "next": next })))
}
