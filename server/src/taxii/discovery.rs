//! TAXII 2.1 "Server Discovery" and "Get API Root Information".

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::media_type::{Serves, negotiate};
use super::{base_url, respond, to_json};
use crate::auth::Authenticated;
use crate::config::Settings;
use crate::error::ApiError;

#[derive(Serialize)]
struct Discovery<'a> {
    title: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    contact: &'a str,
    default: String,
    api_roots: Vec<String>,
}

#[derive(Serialize)]
struct ApiRoot<'a> {
    title: &'a str,
    description: &'a str,
    versions: [&'static str; 1],
    max_content_length: usize,
}

/// TAXII 2.1 "Server Discovery": the hub's one API root is also the default.
#[tracing::instrument(skip_all)]
pub async fn get_discovery(
    _auth: Authenticated,
    request: HttpRequest,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::Taxii)?;
    let root = format!(
        "{}/taxii2/{}/",
        base_url(&request, &settings),
        settings.taxii.api_root
    );
    let discovery = Discovery {
        title: &settings.taxii.title,
        description: &settings.taxii.description,
        contact: &settings.taxii.contact,
        default: root.clone(),
        api_roots: vec![root],
    };
    Ok(respond(StatusCode::OK, media_type, to_json(&discovery)?))
}

/// TAXII 2.1 "Get API Root Information".
#[tracing::instrument(skip_all)]
pub async fn get_api_root(
    _auth: Authenticated,
    request: HttpRequest,
    settings: web::Data<Settings>,
) -> Result<HttpResponse, ApiError> {
    let media_type = negotiate(&request, Serves::Taxii)?;
    let root = ApiRoot {
        title: &settings.taxii.title,
        description: &settings.taxii.description,
        versions: [super::media_type::TAXII_JSON],
        max_content_length: settings.taxii.max_content_length,
    };
    Ok(respond(StatusCode::OK, media_type, to_json(&root)?))
}
