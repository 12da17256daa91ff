//! TAXII 2.1 "Get Objects", "Add Objects", "Get An Object", "Delete An Object",
//! "Get Object Versions" and "Get Object Manifests".
//!
//! Listings page oldest `date_added` first with a `next` cursor; object bodies are the
//! stored JSON texts spliced into the envelope, never re-encoded.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::Serialize;

use super::cursor::{self, CursorKey};
use super::filter::{self, Listing};
use super::media_type::{Serves, check_content_type, negotiate};
use super::{respond, to_json, visible_collection};
use crate::audit::AuditSink;
use crate::auth::Authenticated;
use crate::config::Settings;
use crate::error::{ApiError, ErrorCode};
use crate::metrics::Metrics;
use crate::sharing::Role;
use crate::sharing::{self, Principal};
use crate::stix::ValidObject;
use crate::stix::timestamp::TaxiiTimestamp;
use crate::stix::tlp::Tlp;
use crate::stix::validate::RECIPIENTS_PROPERTY;
use crate::stix::{self, envelope};
use crate::storage::collections::Collection;
use crate::storage::objects::{Listed, VersionSelector};
use crate::storage::statuses::StatusDetail;
use crate::storage::{Store, Submission};
use std::collections::HashMap;

pub const DATE_ADDED_FIRST: HeaderName = HeaderName::from_static("x-taxii-date-added-first");
pub const DATE_ADDED_LAST: HeaderName = HeaderName::from_static("x-taxii-date-added-last");

/// Path of an object endpoint: collection, then object id.
#[derive(serde::Deserialize)]
pub struct ObjectPath {
    collection: String,
    object: String,
}

/// Which listing endpoint a page is for; part of the cursor binding.
#[derive(Clone, Copy)]
enum Endpoint<'a> {
    Objects,
    Manifest,
    Object(&'a str),
    Versions(&'a str),
}

/// One page of a listing, with the cursor for the next.
struct Page {
    rows: Vec<Listed>,
    more: bool,
    next: Option<String>,
}

/// What the listing endpoints share, taken from the application's data in one extractor.
pub struct Listings {
    store: web::Data<Store>,
    settings: web::Data<Settings>,
    cursor_key: web::Data<CursorKey>,
    audit: web::Data<AuditSink>,
}

impl actix_web::FromRequest for Listings {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let missing = || ApiError::internal(anyhow::anyhow!("listing services are not configured"));
        std::future::ready((|| {
            Ok(Listings {
                store: request
                    .app_data::<web::Data<Store>>()
                    .cloned()
                    .ok_or_else(missing)?,
                settings: request
                    .app_data::<web::Data<Settings>>()
                    .cloned()
                    .ok_or_else(missing)?,
                cursor_key: request
                    .app_data::<web::Data<CursorKey>>()
                    .cloned()
                    .ok_or_else(missing)?,
                audit: request
                    .app_data::<web::Data<AuditSink>>()
                    .cloned()
                    .ok_or_else(missing)?,
            })
        })())
    }
}

impl Listings {
    async fn page(
        &self,
        principal: &Principal,
        collection: &Collection,
        endpoint: Endpoint<'_>,
        query: &str,
    ) -> Result<Page, ApiError> {
        let Listing {
            mut filters,
            limit,
            next,
            canonical,
        } = filter::parse(query, &self.settings.taxii)?;
        let (name, object) = match endpoint {
            Endpoint::Objects => ("objects", ""),
            Endpoint::Manifest => ("manifest", ""),
            Endpoint::Object(id) => ("object", id),
            Endpoint::Versions(id) => ("versions", id),
        };
        if !object.is_empty() {
            filters.ids = vec![object.to_owned()];
            filters.types.clear();
        }
        if matches!(endpoint, Endpoint::Versions(_)) {
            filters.versions = VersionSelector {
                all: true,
                ..VersionSelector::default()
            };
        }
        let binding = cursor::binding(&[
            &collection.id,
            name,
            object,
            &principal.org_slug,
            principal.role.as_str(),
            &canonical,
        ]);
        let after = match &next {
            Some(text) => Some(self.cursor_key.decode(text, &binding).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidCursor,
                    "'next' was not issued for this collection, query and caller, or has been altered",
                )
            })?),
            None => None,
        };
        let with_body = matches!(endpoint, Endpoint::Objects | Endpoint::Object(_));
        let (rows, more) = self
            .store
            .list_objects(
                collection.pk,
                sharing::visibility(principal),
                &filters,
                after,
                limit,
                with_body,
            )
            .await?;
        let next = match rows.last() {
            Some(last) if more => Some(self.cursor_key.encode(last.position, &binding)),
            _ => None,
        };
        self.audit.read(
            principal,
            &collection.alias,
            (!object.is_empty()).then_some(object),
            serde_json::json!({ "endpoint": name, "query": query, "served": rows.len() }),
        );
        Ok(Page { rows, more, next })
    }
}

/// 404 unless some version of `object` in the collection is visible to `principal`.
async fn require_object(
    store: &Store,
    principal: &Principal,
    collection: &Collection,
    object: &str,
) -> Result<(), ApiError> {
    let filters = crate::storage::objects::Filters {
        ids: vec![object.to_owned()],
        versions: VersionSelector {
            all: true,
            ..VersionSelector::default()
        },
        ..Default::default()
    };
    let (rows, _) = store
        .list_objects(
            collection.pk,
            sharing::visibility(principal),
            &filters,
            None,
            1,
            false,
        )
        .await?;
    if rows.is_empty() {
        return Err(object_not_found(object));
    }
    Ok(())
}

fn object_not_found(object: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ObjectNotFound,
        format!("no object '{object}' is available to you in this collection"),
    )
}

/// Adds `X-TAXII-Date-Added-First/Last` for a non-empty page. An empty page has no
/// objects to describe, so it carries neither header.
fn with_date_headers(mut response: HttpResponse, rows: &[Listed]) -> HttpResponse {
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        for (name, micros) in [
            (DATE_ADDED_FIRST, first.position.date_added),
            (DATE_ADDED_LAST, last.position.date_added),
        ] {
            if let Ok(value) = HeaderValue::from_str(&TaxiiTimestamp(micros).to_string()) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    response
}

/// The envelope text: stored bodies spliced between `[` and `]`; `{}` when empty.
fn envelope_body(page: &Page) -> String {
    if page.rows.is_empty() {
        return "{}".to_owned();
    }
    let size: usize = page
        .rows
        .iter()
        .map(|r| r.body.as_ref().map_or(0, String::len) + 1)
        .sum();
    let mut body = String::with_capacity(size + 128);
    body.push_str(if page.more {
        "{\"more\":true"
    } else {
        "{\"more\":false"
    });
    if let Some(next) = &page.next {
        // Cursors are base64url: nothing to escape.
        body.push_str(",\"next\":\"");
        body.push_str(next);
        body.push('"');
    }
    body.push_str(",\"objects\":[");
    for (i, row) in page.rows.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(row.body.as_deref().unwrap_or("{}"));
    }
    body.push_str("]}");
    body
}

#[derive(Serialize)]
struct ManifestRecord<'a> {
    id: &'a str,
    date_added: String,
    version: &'a str,
    media_type: String,
}

#[derive(Serialize)]
struct Manifest<'a> {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    objects: Vec<ManifestRecord<'a>>,
}

#[derive(Serialize)]
struct Versions<'a> {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<&'a str>,
}

/// TAXII 2.1 "Get Objects".
#[tracing::instrument(skip_all, fields(collection.id = %path))]
pub async fn get_objects(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    services: Listings,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::TaxiiOrStix)?;
    let (collection, _) = visible_collection(&services.store, &principal, &path).await?;
    let page = services
        .page(
            &principal,
            &collection,
            Endpoint::Objects,
            request.query_string(),
        )
        .await?;
    let response = respond(StatusCode::OK, media_type, envelope_body(&page));
    Ok(with_date_headers(response, &page.rows))
}

/// TAXII 2.1 "Get An Object": the selected versions of one object.
#[tracing::instrument(skip_all, fields(collection.id = %path.collection, stix.id = %path.object))]
pub async fn get_object(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    path: web::Path<ObjectPath>,
    services: Listings,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::TaxiiOrStix)?;
    let (collection, _) = visible_collection(&services.store, &principal, &path.collection).await?;
    let page = services
        .page(
            &principal,
            &collection,
            Endpoint::Object(&path.object),
            request.query_string(),
        )
        .await?;
    if page.rows.is_empty() {
        require_object(&services.store, &principal, &collection, &path.object).await?;
    }
    let response = respond(StatusCode::OK, media_type, envelope_body(&page));
    Ok(with_date_headers(response, &page.rows))
}

/// TAXII 2.1 "Get Object Versions": every version's `modified`, oldest `date_added` first.
#[tracing::instrument(skip_all, fields(collection.id = %path.collection, stix.id = %path.object))]
pub async fn get_object_versions(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    path: web::Path<ObjectPath>,
    services: Listings,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::Taxii)?;
    let (collection, _) = visible_collection(&services.store, &principal, &path.collection).await?;
    let page = services
        .page(
            &principal,
            &collection,
            Endpoint::Versions(&path.object),
            request.query_string(),
        )
        .await?;
    if page.rows.is_empty() {
        require_object(&services.store, &principal, &collection, &path.object).await?;
    }
    let versions = Versions {
        more: page.more,
        next: page.next.as_deref(),
        versions: page.rows.iter().map(|row| row.version.as_str()).collect(),
    };
    let response = respond(StatusCode::OK, media_type, to_json(&versions)?);
    Ok(with_date_headers(response, &page.rows))
}

/// TAXII 2.1 "Get Object Manifests": pages exactly like "Get Objects".
#[tracing::instrument(skip_all, fields(collection.id = %path))]
pub async fn get_manifest(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    services: Listings,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::Taxii)?;
    let (collection, _) = visible_collection(&services.store, &principal, &path).await?;
    let page = services
        .page(
            &principal,
            &collection,
            Endpoint::Manifest,
            request.query_string(),
        )
        .await?;
    let manifest = Manifest {
        more: page.more,
        next: page.next.as_deref(),
        objects: page
            .rows
            .iter()
            .map(|row| ManifestRecord {
                id: &row.stix_id,
                date_added: TaxiiTimestamp(row.position.date_added).to_string(),
                version: &row.version,
                media_type: format!("application/stix+json;version={}", row.spec_version),
            })
            .collect(),
    };
    let response = respond(StatusCode::OK, media_type, to_json(&manifest)?);
    Ok(with_date_headers(response, &page.rows))
}

/// Reads the body up to `limit` bytes; 413 beyond it.
async fn read_body(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("the request body exceeds the API root's max_content_length of {limit} bytes"),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ErrorCode::BadRequest,
                format!("the request body could not be read: {e}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// TAXII 2.1 "Add Objects": validates each object, stores the accepted ones and the
/// status in one transaction, and answers 202 with the (already complete) status.
#[tracing::instrument(skip_all, fields(collection.id = %path))]
pub async fn add_objects(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
    store: web::Data<Store>,
    settings: web::Data<Settings>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::Taxii)?;
    check_content_type(&request)?;
    let (collection, access) = visible_collection(&store, &principal, &path).await?;
    if !access.write {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "you may read but not write collection '{}'",
                collection.alias
            ),
        ));
    }
    let body = read_body(&request, payload, settings.taxii.max_content_length).await?;
    let posted = envelope::parse(&body)
        .map_err(|e| ApiError::new(ErrorCode::InvalidEnvelope, e.to_string()))?;

    let mut accepted = Vec::with_capacity(posted.len());
    let mut rejected = Vec::new();
    let options = stix::validate::Options {
        strict: settings.taxii.reject_custom_content,
    };
    for (index, raw) in posted.into_iter().enumerate() {
        match stix::validate::validate_object_with(raw, index, &options) {
            Ok(object) => accepted.push(object),
            Err(rejection) => rejected.push(StatusDetail {
                id: rejection.id,
                version: rejection.version,
                message: Some(rejection.message),
            }),
        }
    }
    let invalid_before_sharing = rejected.len();
    let default_tlp = Tlp::parse(&collection.default_tlp).unwrap_or(Tlp::Amber);
    let named: Vec<String> = accepted
        .iter()
        .flat_map(|o| o.recipients.iter().cloned())
        .collect();
    let recipients = if named.is_empty() {
        HashMap::new()
    } else {
        store.organization_keys(&named).await?
    };
    let mut kept = Vec::with_capacity(accepted.len());
    for mut object in accepted {
        if let Some(problem) = sharing_problem(&object, default_tlp, &recipients) {
            rejected.push(StatusDetail {
                id: object.id.to_string(),
                version: object.version.as_ref().map(|v| v.text.clone()),
                message: Some(problem),
            });
            continue;
        }
        sharing::anonymity::apply(&mut object, principal.ceptoar.as_deref())
            .map_err(ApiError::internal)?;
        kept.push(object);
    }
    let invalid = rejected.len();
    let submission = Submission {
        collection_pk: collection.pk,
        producer_pk: principal.org_pk,
        may_version_any: principal.role == Role::Admin,
        audit: Some(crate::audit::entry(
            &principal,
            "submit",
            &collection.alias,
            None,
            String::new(),
        )),
        default_tlp,
    };
    let status = store
        .add_objects(&submission, &kept, rejected, &recipients)
        .await?;
    tracing::debug!(invalid_before_sharing, "validated");
    metrics.record_ingest(
        status.success_count,
        invalid as u64,
        status.failure_count - invalid as u64,
    );
    tracing::info!(
        org = %principal.org_slug,
        collection = %collection.alias,
        accepted = status.success_count,
        refused = status.failure_count,
        "objects added"
    );
    Ok(respond(StatusCode::ACCEPTED, media_type, to_json(&status)?))
}

/// Why the hub refuses an otherwise valid object, if it does: recipients must be
/// registered organisations, and only TLP:RED objects name recipients.
fn sharing_problem(
    object: &ValidObject<'_>,
    default_tlp: Tlp,
    known: &HashMap<String, i64>,
) -> Option<String> {
    if object.recipients.is_empty() {
        return None;
    }
    if object.tlp.unwrap_or(default_tlp) != Tlp::Red {
        return Some(format!(
            "property '{RECIPIENTS_PROPERTY}' names recipients, which only TLP:RED objects have; mark the object TLP:RED or remove it"
        ));
    }
    object
        .recipients
        .iter()
        .find(|slug| !known.contains_key(*slug))
        .map(|slug| format!("property '{RECIPIENTS_PROPERTY}' names '{slug}', which is not a registered organisation"))
}

/// TAXII 2.1 "Delete An Object": 404 when the caller cannot see it, 403 when it can see
/// it but may not delete it (read-only access, or another organisation's object).
#[tracing::instrument(skip_all, fields(collection.id = %path.collection, stix.id = %path.object))]
pub async fn delete_object(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    path: web::Path<ObjectPath>,
    store: web::Data<Store>,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ApiError> {
    negotiate(&request, Serves::TaxiiOrStix)?;
    let (collection, access) = visible_collection(&store, &principal, &path.collection).await?;
    let Listing { mut filters, .. } = filter::parse(request.query_string(), &settings.taxii)?;
    filters.ids.clear();
    filters.types.clear();
    filters.added_after = None;
    if filters.versions == VersionSelector::default() {
        // Without match[version], every version goes.
        filters.versions = VersionSelector {
            all: true,
            ..VersionSelector::default()
        };
    }
    require_object(&store, &principal, &collection, &path.object).await?;
    if !access.write {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "you may read but not write collection '{}'",
                collection.alias
            ),
        ));
    }
    let owner = store.object_owner(&path.object).await?;
    if owner.is_some_and(|owner| !sharing::may_manage(&principal, owner)) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "only the organisation that created this object may delete it",
        ));
    }
    let deleted = store
        .delete_object(
            collection.pk,
            &path.object,
            &filters,
            crate::audit::entry(
                &principal,
                "delete",
                &collection.alias,
                Some(&path.object),
                serde_json::Value::String(request.query_string().to_owned()).to_string(),
            ),
        )
        .await?;
    if deleted == 0 {
        return Err(object_not_found(&path.object));
    }
    tracing::info!(org = %principal.org_slug, collection = %collection.alias, versions = deleted, "object deleted");
    Ok(HttpResponse::Ok().finish())
}
