//! `POST /triage/decisions/`: coordination-center analysts' decisions as JSON (for
//! SOAR tools and scripts; the console records the same events from its forms).
//! A decision is an audited triage event and feeds the contribution ledger. Other
//! principals get 404: what they may not use does not exist for them.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode};
use crate::storage::Store;
use crate::storage::audit::AuditEntry;
use crate::storage::triage::{NewTriageEvent, TriageAction};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The STIX id decided on.
    object: String,
    /// `confirm`, `false-positive` or `reject-false-positive`.
    action: String,
    #[serde(default)]
    comment: Option<String>,
}

pub async fn add_decision(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    body: web::Bytes,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    if !principal.sees_everything() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("there is no resource at {}", request.path()),
        ));
    }
    let decision: Decision = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            ErrorCode::BadRequest,
            format!("the body must be {{\"object\": ID, \"action\": ACTION}}: {e}"),
        )
    })?;
    let action = TriageAction::parse(&decision.action)
        .filter(|a| {
            matches!(
                a,
                TriageAction::Confirm
                    | TriageAction::FalsePositive
                    | TriageAction::RejectFalsePositive
            )
        })
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::BadRequest,
                format!(
                    "'action' must be confirm, false-positive or reject-false-positive, not '{}'",
                    decision.action
                ),
            )
        })?;
    if store
        .object_versions(&decision.object, None)
        .await?
        .is_empty()
    {
        return Err(ApiError::new(
            ErrorCode::ObjectNotFound,
            format!("no object '{}'", decision.object),
        ));
    }
    let event = store
        .record_triage(
            &NewTriageEvent {
                stix_id: decision.object.clone(),
                organization_pk: principal.org_pk,
                analyst: principal.org_slug.clone(),
                action,
                detail: serde_json::json!({ "comment": decision.comment }),
            },
            AuditEntry {
                organization: principal.org_slug.clone(),
                role: principal.role.as_str(),
                action: "triage",
                collection: None,
                stix_id: Some(decision.object.clone()),
                detail:
                    serde_json::json!({ "action": action.as_str(), "comment": decision.comment })
                        .to_string(),
            },
        )
        .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "seq": event.seq,
        "at": crate::stix::timestamp::TaxiiTimestamp(event.at).to_string(),
        "object": event.stix_id,
        "action": event.action,
        "analyst": event.analyst,
        "comment": decision.comment,
    })))
}
