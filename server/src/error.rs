//! `ApiError`: the one error type at the HTTP edge, rendered as a TAXII 2.1 error message.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::taxii::media_type::TAXII_JSON;

/// The error codes clients see in `error_code`; each maps to one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadRequest,
    InvalidEnvelope,
    InvalidFilter,
    InvalidCursor,
    Unauthorized,
    Forbidden,
    CollectionNotFound,
    ObjectNotFound,
    StatusNotFound,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    UnsupportedMediaType,
    PayloadTooLarge,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorCode::BadRequest
            | ErrorCode::InvalidEnvelope
            | ErrorCode::InvalidFilter
            | ErrorCode::InvalidCursor => StatusCode::BAD_REQUEST,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorCode::Forbidden => StatusCode::FORBIDDEN,
            ErrorCode::CollectionNotFound
            | ErrorCode::ObjectNotFound
            | ErrorCode::StatusNotFound
            | ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "Bad request",
            ErrorCode::InvalidEnvelope => "Invalid envelope",
            ErrorCode::InvalidFilter => "Invalid filter",
            ErrorCode::InvalidCursor => "Invalid pagination cursor",
            ErrorCode::Unauthorized => "Authentication required",
            ErrorCode::Forbidden => "Not permitted",
            ErrorCode::CollectionNotFound => "Collection not found",
            ErrorCode::ObjectNotFound => "Object not found",
            ErrorCode::StatusNotFound => "Status not found",
            ErrorCode::NotFound => "Not found",
            ErrorCode::MethodNotAllowed => "Method not allowed",
            ErrorCode::NotAcceptable => "Not acceptable",
            ErrorCode::UnsupportedMediaType => "Unsupported media type",
            ErrorCode::PayloadTooLarge => "Request too large",
            ErrorCode::Unavailable => "Service unavailable",
            ErrorCode::Internal => "Internal error",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad-request",
            ErrorCode::InvalidEnvelope => "invalid-envelope",
            ErrorCode::InvalidFilter => "invalid-filter",
            ErrorCode::InvalidCursor => "invalid-cursor",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CollectionNotFound => "collection-not-found",
            ErrorCode::ObjectNotFound => "object-not-found",
            ErrorCode::StatusNotFound => "status-not-found",
            ErrorCode::NotFound => "not-found",
            ErrorCode::MethodNotAllowed => "method-not-allowed",
            ErrorCode::NotAcceptable => "not-acceptable",
            ErrorCode::UnsupportedMediaType => "unsupported-media-type",
            ErrorCode::PayloadTooLarge => "payload-too-large",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal-error",
        }
    }

    /// The code for a status the framework produced on its own.
    pub fn for_status(status: StatusCode) -> ErrorCode {
        match status.as_u16() {
            401 => ErrorCode::Unauthorized,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            406 => ErrorCode::NotAcceptable,
            413 => ErrorCode::PayloadTooLarge,
            415 => ErrorCode::UnsupportedMediaType,
            503 => ErrorCode::Unavailable,
            400..=499 => ErrorCode::BadRequest,
            _ => ErrorCode::Internal,
        }
    }
}

#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
    source: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        ApiError {
            code,
            detail: detail.into(),
            source: None,
        }
    }

    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        ApiError {
            code: ErrorCode::Internal,
            detail: String::new(),
            source: Some(source.into()),
        }
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.title(), self.detail)
    }
}

/// TAXII 2.1 "Error Message" resource.
#[derive(Serialize)]
pub struct ErrorMessage<'a> {
    pub title: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    pub error_code: &'a str,
    pub http_status: String,
}

/// Renders a TAXII error message for `code`, `detail` shown only for client errors.
pub fn error_body(code: ErrorCode, detail: &str) -> Vec<u8> {
    let status = code.status();
    let server_side = status.is_server_error();
    let message = ErrorMessage {
        title: code.title(),
        description: if server_side { "" } else { detail },
        error_id: crate::telemetry::current_request_id(),
        error_code: code.as_str(),
        http_status: status.as_u16().to_string(),
    };
    serde_json::to_vec(&message).unwrap_or_default()
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(source) = &self.source {
            tracing::error!(error.cause_chain = ?source, "request failed");
        }
        let mut response = HttpResponse::build(self.code.status());
        response.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(TAXII_JSON)));
        if self.code == ErrorCode::Unauthorized {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(WWW_AUTHENTICATE),
            ));
        }
        response.body(error_body(self.code, &self.detail))
    }
}

/// The challenge sent with every 401.
pub const WWW_AUTHENTICATE: &str = "Bearer realm=\"kyoyu\", Basic realm=\"kyoyu\"";

impl From<crate::storage::StoreError> for ApiError {
    fn from(error: crate::storage::StoreError) -> Self {
        use crate::storage::StoreError;
        match error {
            StoreError::Database(_) | StoreError::Migration(_) | StoreError::Corrupt(_) => {
                ApiError::internal(error)
            }
            StoreError::NotFound(what) => ApiError::new(ErrorCode::NotFound, what),
            StoreError::Conflict(what) | StoreError::Invalid(what) => {
                ApiError::new(ErrorCode::BadRequest, what)
            }
        }
    }
}

impl From<crate::scoring::ScoringError> for ApiError {
    fn from(error: crate::scoring::ScoringError) -> Self {
        match error {
            crate::scoring::ScoringError::Store(error) => error.into(),
        }
    }
}
