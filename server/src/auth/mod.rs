//! Authentication: every TAXII endpoint takes an `Authenticated` principal, so there is
//! one place where credentials are checked.

pub mod api_key;
pub mod client_cert;
pub mod extractor;
pub mod jwt;

pub use extractor::Authenticated;
pub use jwt::{Claims, JwtKeys, Verified};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no credentials: send 'Authorization: Bearer <token>' or Basic with an API key")]
    Missing,
    #[error("unsupported authorization scheme: use Bearer (a token) or Basic (an API key)")]
    UnsupportedScheme,
    #[error("the token names no key this hub knows ('kid')")]
    UnknownKey,
    #[error("the token's algorithm does not match its key")]
    AlgorithmMismatch,
    #[error("the credential has been revoked")]
    Revoked,
    #[error("the API key is not valid")]
    InvalidApiKey,
    #[error("the client certificate is not registered to an organisation")]
    UnknownCertificate,
    #[error("the bearer token is not valid: {0}")]
    InvalidToken(#[from] jsonwebtoken::errors::Error),
    #[error("the token's organisation is not registered")]
    UnknownOrganization,
    #[error("the token's role is not one its organisation may hold")]
    RoleNotPermitted,
}

impl From<AuthError> for crate::error::ApiError {
    fn from(error: AuthError) -> Self {
        crate::error::ApiError::new(crate::error::ErrorCode::Unauthorized, error.to_string())
    }
}
