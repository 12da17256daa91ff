//! Authentication: every TAXII endpoint takes an `Authenticated` principal, so there is
//! one place where credentials are checked.

pub mod extractor;
pub mod jwt;

pub use extractor::Authenticated;
pub use jwt::{Claims, JwtKeys};

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no credentials: send 'Authorization: Bearer <token>'")]
    Missing,
    #[error("unsupported authorization scheme: send 'Authorization: Bearer <token>'")]
    UnsupportedScheme,
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
