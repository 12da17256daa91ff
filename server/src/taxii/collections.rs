//! TAXII 2.1 "Get Collections" and "Get A Collection".

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::media_type::{STIX_JSON, Serves, negotiate};
use super::{respond, to_json, visible_collection};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::sharing::{self, Access};
use crate::storage::Store;
use crate::storage::collections::Collection;

#[derive(Serialize)]
struct CollectionResource<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    alias: &'a str,
    can_read: bool,
    can_write: bool,
    media_types: [&'static str; 1],
}

fn resource(collection: &Collection, access: Access) -> CollectionResource<'_> {
    CollectionResource {
        id: &collection.id,
        title: &collection.title,
        description: &collection.description,
        alias: &collection.alias,
        can_read: access.read,
        can_write: access.write,
        media_types: [STIX_JSON],
    }
}

#[derive(Serialize)]
struct Collections<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    collections: Vec<CollectionResource<'a>>,
}

/// TAXII 2.1 "Get Collections": those the caller can read; `{}` when none.
#[tracing::instrument(skip_all)]
pub async fn get_collections(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::Taxii)?;
    let collections = store.collections().await?;
    let visible = collections
        .iter()
        .filter_map(|collection| {
            let access = sharing::access(&principal, collection);
            access.read.then(|| resource(collection, access))
        })
        .collect();
    Ok(respond(
        StatusCode::OK,
        media_type,
        to_json(&Collections {
            collections: visible,
        })?,
    ))
}

/// TAXII 2.1 "Get A Collection".
#[tracing::instrument(skip_all, fields(collection.id = %path))]
pub async fn get_collection(
    Authenticated(principal): Authenticated,
    request: HttpRequest,
    path: web::Path<String>,
    store: web::Data<Store>,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::Taxii)?;
    let (collection, access) = visible_collection(&store, &principal, &path).await?;
    Ok(respond(
        StatusCode::OK,
        media_type,
        to_json(&resource(&collection, access))?,
    ))
}
