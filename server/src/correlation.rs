//! "Who else reported this": the versions, across the collections a caller can read,
//! whose patterns or observable objects carry a given observable. Members see each
//! report's sector; the coordination center also sees the producing organisation.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode};
use crate::sharing;
use crate::stix::observable::{Observable, ObservableKind};
use crate::stix::timestamp::TaxiiTimestamp;
use crate::storage::Store;

#[derive(Debug, Deserialize)]
struct Query {
    kind: String,
    value: String,
}

#[derive(Serialize)]
struct Report {
    collection: String,
    id: String,
    #[serde(rename = "type")]
    stix_type: String,
    version: String,
    date_added: String,
    sector: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<String>,
    tlp: String,
    /// How this report relates to earlier ones by other organisations: `first`,
    /// `independent` (found without seeing them), `repost` (could already see one),
    /// `own` (the organisation had reported it before). For the coordination center
    /// only: for a member it could reveal reports it may not see.
    #[serde(skip_serializing_if = "Option::is_none")]
    relation: Option<String>,
}

/// `GET /correlations/?kind=ipv4&value=198.51.100.1`: reports oldest first, with how
/// many organisations and sectors reported it (among what the caller may see) and how
/// each relates to the earlier ones (first, independent finding, re-post).
pub async fn get_correlations(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    store: web::Data<Store>,
    scoring: web::Data<crate::scoring::Scoring>,
) -> Result<HttpResponse, ApiError> {
    let query: Query = serde_urlencoded::from_str(request.query_string()).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidFilter,
            format!("give 'kind' and 'value' query parameters ({e})"),
        )
    })?;
    let kind = ObservableKind::parse(&query.kind).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidFilter,
            format!("unknown observable kind '{}'", query.kind),
        )
    })?;
    let observable = Observable::normalise(kind, &query.value).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidFilter,
            format!("'{}' is not a valid {} value", query.value, kind.as_str()),
        )
    })?;
    let readable: Vec<i64> = store
        .collections()
        .await?
        .iter()
        .filter(|collection| sharing::access(&principal, collection).read)
        .map(|collection| collection.pk)
        .collect();
    let found = store
        .observable_reports(
            kind.as_str(),
            &observable.value,
            &readable,
            sharing::visibility(&principal),
        )
        .await?;
    let relations = if principal.sees_everything() {
        scoring.catch_up_for_read().await?;
        let seqs: Vec<i64> = found.iter().map(|r| r.seq).collect();
        store.report_relations(&seqs).await?
    } else {
        std::collections::HashMap::new()
    };
    let organizations: std::collections::BTreeSet<&str> =
        found.iter().map(|r| r.organization.as_str()).collect();
    let sectors: std::collections::BTreeSet<&str> =
        found.iter().map(|r| r.sector.as_str()).collect();
    let reports: Vec<Report> = found
        .iter()
        .map(|r| Report {
            collection: r.collection.clone(),
            id: r.stix_id.clone(),
            stix_type: r.stix_type.clone(),
            version: r.version.clone(),
            date_added: TaxiiTimestamp(r.date_added).to_string(),
            sector: r.sector.clone(),
            organization: principal.sees_everything().then(|| r.organization.clone()),
            tlp: r.tlp.clone(),
            relation: relations.get(&r.seq).map(|(relation, _)| relation.clone()),
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "observable": { "kind": kind.as_str(), "value": observable.value },
        "organizations": organizations.len(),
        "sectors": sectors.into_iter().collect::<Vec<_>>(),
        "reports": reports,
    })))
}
