//! The coordination center's web console, served under `/console/`: sign-in, the triage
//! queue, object pages, triage actions and the dashboard; members get a read-only view
//! of what they may see. Server-rendered HTML (maud escapes every value), no JavaScript.
//!
//! Every visibility decision goes through `sharing` (`access`, `visibility`), as TAXII
//! does: what a member may not read is absent (404), never counted. Every action is a
//! triage event recorded with its audit entry (`Store::record_triage`).

pub mod actions;
pub mod dashboard;
pub mod i18n;
pub mod layout;
pub mod object;
pub mod pages;
pub mod pattern;
pub mod session;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError, web};

use crate::error::ApiError;
use crate::storage::StoreError;

/// Why a console request failed; rendered as an HTML page (or a redirect to sign-in).
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("sign in first")]
    SignIn,
    #[error("those credentials were not accepted")]
    BadCredentials,
    #[error("machine credentials cannot sign in")]
    MachineCredential,
    #[error("this page is for the coordination center")]
    Forbidden,
    #[error("the form's CSRF token is missing or does not match the session")]
    Csrf,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// The action is not possible in the object's present state (e.g. TLP forbids it).
    #[error("{0}")]
    Conflict(String),
    #[error("the console is not configured")]
    NotConfigured,
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Api(ApiError),
    #[error("scoring failed: {0}")]
    Scoring(#[from] crate::scoring::ScoringError),
}

impl From<ApiError> for ConsoleError {
    fn from(error: ApiError) -> Self {
        ConsoleError::Api(error)
    }
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::SignIn => StatusCode::SEE_OTHER,
            ConsoleError::BadCredentials | ConsoleError::MachineCredential => {
                StatusCode::UNAUTHORIZED
            }
            ConsoleError::Forbidden | ConsoleError::Csrf => StatusCode::FORBIDDEN,
            ConsoleError::NotFound(_) => StatusCode::NOT_FOUND,
            ConsoleError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ConsoleError::Conflict(_) => StatusCode::CONFLICT,
            ConsoleError::NotConfigured | ConsoleError::Store(_) | ConsoleError::Scoring(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            ConsoleError::Api(error) => error.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ConsoleError::SignIn = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/console/sign-in/"))
                .finish();
        }
        let status = self.status_code();
        let detail = if status.is_server_error() {
            tracing::error!(error.cause_chain = ?self, "console request failed");
            None
        } else {
            Some(self.to_string())
        };
        let markup = layout::error_page(status, detail.as_deref());
        HttpResponse::build(status)
            .insert_header((
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ))
            .body(markup.into_string())
    }
}

/// The console's routes, under `/console/` (paths end in `/`, as `NormalizePath` makes
/// them).
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/console")
            .route("/", web::get().to(pages::home))
            .route("/sign-in/", web::get().to(pages::sign_in_page))
            .route("/sign-in/", web::post().to(pages::sign_in))
            .route("/sign-out/", web::post().to(pages::sign_out))
            .route("/queue/", web::get().to(pages::queue))
            .route("/objects/", web::get().to(pages::shared))
            .route("/objects/{id}/", web::get().to(object::object))
            .route(
                "/objects/{id}/actions/{action}/",
                web::post().to(actions::act),
            )
            .route("/dashboard/", web::get().to(dashboard::dashboard))
            .route("/score/", web::get().to(dashboard::score))
            .default_service(web::to(pages::not_found)),
    );
}
