//! `Authenticated`: the extractor every TAXII handler takes.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::{AuthError, JwtKeys};
use crate::error::ApiError;
use crate::sharing::Principal;
use crate::storage::Store;

/// A request whose bearer token verified and whose organisation exists.
pub struct Authenticated(pub Principal);

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let keys = request.app_data::<web::Data<JwtKeys>>().cloned();
        let store = request.app_data::<web::Data<Store>>().cloned();
        let authorization = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(|value| value.to_str().map(str::to_owned));
        Box::pin(async move {
            let (Some(keys), Some(store)) = (keys, store) else {
                return Err(ApiError::internal(anyhow::anyhow!(
                    "authentication is not configured"
                )));
            };
            let authorization = match authorization {
                None => return Err(AuthError::Missing.into()),
                Some(Err(_)) => return Err(AuthError::UnsupportedScheme.into()),
                Some(Ok(value)) => value,
            };
            let token = match authorization.split_once(' ') {
                Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                    token.trim().to_owned()
                }
                _ => return Err(AuthError::UnsupportedScheme.into()),
            };
            let claims = keys.verify(&token)?;
            let organization = store
                .organization(&claims.sub)
                .await?
                .ok_or(AuthError::UnknownOrganization)?;
            if !organization.role.may_issue(claims.role) {
                return Err(AuthError::RoleNotPermitted.into());
            }
            Ok(Authenticated(Principal {
                org_pk: organization.pk,
                org_slug: organization.slug,
                sector: organization.sector_slug,
                ceptoar: organization.ceptoar_slug,
                role: claims.role,
            }))
        })
    }
}
