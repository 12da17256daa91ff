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
/// object was sighted, counting the sightings the caller may read.
pub async fn get_sightings(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    store: web::Data<Store>,
    scoring: web::Data<Scoring>,
) -> Result<HttpResponse, ApiError> {
    let wanted: SightingsQuery = query(&request)
        .map_err(|_| ApiError::new(ErrorCode::InvalidFilter, "give '?of=<object id>'"))?;
    scoring.catch_up_for_read().await?;
    let collections = store.collections().await?;
    let readable = |audience: &crate::storage::score::Audience| {
        collections
            .iter()
            .find(|c| c.pk == audience.collection_pk)
            .is_some_and(|collection| {
                sharing::may_read_version(
                    &principal,
                    collection,
                    &audience.tlp,
                    audience.producer_pk,
                    &audience.recipients,
                )
            })
    };
    let object_visible = store
        .version_audiences_of(&wanted.of)
        .await?
        .iter()
        .any(readable);
    if !object_visible {
        return Err(ApiError::new(
            ErrorCode::ObjectNotFound,
            format!("no object '{}'", wanted.of),
        ));
    }
    let mut sightings = Vec::new();
    for sighting in store.sightings_of(&wanted.of).await? {
        if let Some(audience) = store.version_audience(sighting.seq).await?
            && readable(&audience)
        {
            sightings.push((sighting, audience));
        }
    }
    let organizations: std::collections::BTreeSet<i64> =
        sightings.iter().map(|(s, _)| s.organization_pk).collect();
    let count: i64 = sightings.iter().map(|(s, _)| s.count).sum();
    let first_seen = sightings
        .iter()
        .filter_map(|(s, _)| s.first_seen.clone())
        .min();
    let last_seen = sightings
        .iter()
        .filter_map(|(s, _)| s.last_seen.clone())
        .max();
    let list: Vec<serde_json::Value> = sightings
        .iter()
        .map(|(s, audience)| {
            serde_json::json!({
                "id": audience.stix_id,
                "count": s.count,
                "first_seen": s.first_seen,
                "last_seen": s.last_seen,
                "date_added": TaxiiTimestamp(s.at).to_string(),
                "sector": audience.producer_sector,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "of": wanted.of,
        "sightings": sightings.len(),
        "count": count,
        "organizations": organizations.len(),
        "first_seen": first_seen,
        "last_seen": last_seen,
        "reports": list,
    })))
}
