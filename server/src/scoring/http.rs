//! Score endpoints: an organisation's own score and ledger, leaderboards, and the
//! sightings of an object. Members see ranks and their own detail; the coordination
//! center sees everything.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{Scope, Scoring};
use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode};
use crate::sharing::{self, Principal};
use crate::stix::timestamp::TaxiiTimestamp;
use crate::storage::Store;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LedgerQuery {
    /// Ledger rows to include, newest first (default 100, at most 1000).
    limit: Option<i64>,
    /// Only rows numbered below this (paging back through the ledger).
    before: Option<i64>,
}

fn query<'a, T: Deserialize<'a>>(request: &'a HttpRequest) -> Result<T, ApiError> {
    serde_urlencoded::from_str(request.query_string()).map_err(|e| {
        ApiError::new(
            ErrorCode::InvalidFilter,
            format!("bad query parameter: {e}"),
        )
    })
}

async fn organization_score(
    principal: &Principal,
    slug: &str,
    request: &HttpRequest,
    store: &Store,
    scoring: &Scoring,
) -> Result<HttpResponse, ApiError> {
    let ledger: LedgerQuery = query(request)?;
    let hidden = || ApiError::new(ErrorCode::NotFound, format!("no organisation '{slug}'"));
    if !principal.sees_everything() && principal.org_slug != slug {
        return Err(hidden());
    }
    let organization = store.organization(slug).await?.ok_or_else(hidden)?;
    let score = scoring
        .score_with(
            &organization,
            ledger.limit.unwrap_or(100),
            ledger.before,
            principal.sees_everything(),
        )
        .await?;
    Ok(HttpResponse::Ok().json(score))
}

/// `GET /scores/me/`: the caller's organisation's score, components and ledger.
pub async fn get_own_score(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    store: web::Data<Store>,
    scoring: web::Data<Scoring>,
) -> Result<HttpResponse, ApiError> {
    let slug = principal.org_slug.clone();
    organization_score(&principal, &slug, &request, &store, &scoring).await
}

/// `GET /scores/organizations/{slug}/`: any organisation for the coordination center,
/// only its own for a member (others do not exist for it: 404).
pub async fn get_organization_score(
    Authenticated(principal): Authenticated,
    path: web::Path<String>,
    request: HttpRequest,
    store: web::Data<Store>,
    scoring: web::Data<Scoring>,
) -> Result<HttpResponse, ApiError> {
    organization_score(&principal, &path, &request, &store, &scoring).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LeaderboardQuery {
    sector: Option<String>,
    ceptoar: Option<String>,
}

/// `GET /scores/leaderboard/[?sector=SLUG | ?ceptoar=SLUG]`: analysts get every
/// standing with totals and components; members get ranks and names, and their own
/// standing in full under `you`.
pub async fn get_leaderboard(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    scoring: web::Data<Scoring>,
) -> Result<HttpResponse, ApiError> {
    let wanted: LeaderboardQuery = query(&request)?;
    let scope = match (wanted.sector, wanted.ceptoar) {
        (None, None) => Scope::Overall,
        (Some(sector), None) => Scope::Sector(sector),
        (None, Some(ceptoar)) => Scope::Ceptoar(ceptoar),
        (Some(_), Some(_)) => {
            return Err(ApiError::new(
                ErrorCode::InvalidFilter,
                "give 'sector' or 'ceptoar', not both",
            ));
        }
    };
    let standings = scoring.leaderboard(&scope).await?;
    let scope_json = match &scope {
        Scope::Overall => serde_json::json!({ "kind": "overall" }),
        Scope::Sector(slug) => serde_json::json!({ "kind": "sector", "slug": slug }),
        Scope::Ceptoar(slug) => serde_json::json!({ "kind": "ceptoar", "slug": slug }),
    };
    let half_life = scoring.settings().half_life_days;
    if principal.sees_everything() {
        return Ok(HttpResponse::Ok().json(serde_json::json!({
            "scope": scope_json,
            "half_life_days": half_life,
            "standings": standings,
        })));
    }
    let you = standings
        .iter()
        .find(|s| s.organization == principal.org_slug)
        .cloned();
    let ranks: Vec<serde_json::Value> = standings
        .iter()
        .map(|s| serde_json::json!({ "rank": s.rank, "organization": s.organization, "name": s.name }))
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "scope": scope_json,
        "half_life_days": half_life,
        "standings": ranks,
        "you": you,
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SightingsQuery {
    of: String,
}

/// `GET /sightings/?of=<object id>`: how often, when and by how many organisations an
/// object was sighted, counting the sightings the caller may read (the same query as
/// the console's object page).
pub async fn get_sightings(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let wanted: SightingsQuery = query(&request)
        .map_err(|_| ApiError::new(ErrorCode::InvalidFilter, "give '?of=<object id>'"))?;
    let scope = sharing::read_scope(&principal, &store.collections().await?);
    if store
        .object_versions(&wanted.of, scope.as_ref())
        .await?
        .is_empty()
    {
        return Err(ApiError::new(
            ErrorCode::ObjectNotFound,
            format!("no object '{}'", wanted.of),
        ));
    }
    // Oldest first.
    let mut sightings = store.sightings_of(&wanted.of, scope.as_ref()).await?;
    sightings.reverse();
    let reports: Vec<serde_json::Value> = sightings
        .iter()
        .map(|sighting| {
            let body: serde_json::Value = serde_json::from_str(&sighting.body).unwrap_or_default();
            serde_json::json!({
                "id": body["id"],
                "count": body["count"].as_i64().unwrap_or(1),
                "first_seen": body["first_seen"],
                "last_seen": body["last_seen"],
                "date_added": TaxiiTimestamp(sighting.date_added).to_string(),
                "sector": sighting.sector,
            })
        })
        .collect();
    let organizations: std::collections::BTreeSet<i64> =
        sightings.iter().map(|s| s.producer_pk).collect();
    let seen = |key: &'static str| reports.iter().filter_map(move |r| r[key].as_str());
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "of": wanted.of,
        "sightings": reports.len(),
        "count": reports.iter().filter_map(|r| r["count"].as_i64()).sum::<i64>(),
        "organizations": organizations.len(),
        "first_seen": seen("first_seen").min(),
        "last_seen": seen("last_seen").max(),
        "reports": reports,
    })))
}
