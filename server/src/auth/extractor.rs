//! `Authenticated`: the extractor every TAXII handler takes, so credentials are checked
//! in one place: Bearer tokens (hub-issued or an external identity provider's) and HTTP
//! Basic with an API key.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use super::client_cert::ClientCertificate;
use super::{AuthError, JwtKeys, api_key};
use crate::error::ApiError;
use crate::sharing::{Principal, Role};
use crate::storage::Store;
use crate::storage::organizations::Organization;

/// A request whose credential verified, is not revoked, and whose organisation exists.
pub struct Authenticated(pub Principal);

/// A presented credential, before it is checked (the console's sign-in form makes one too).
pub enum Credential {
    Bearer(String),
    Basic { client_id: String, secret: String },
    Certificate(String),
}

/// The `Authorization` header wins; without one, a registered client certificate.
fn credential(
    authorization: Option<&header::HeaderValue>,
    certificate: Option<&ClientCertificate>,
) -> Result<Credential, AuthError> {
    if let (None, Some(certificate)) = (authorization, certificate) {
        return Ok(Credential::Certificate(certificate.sha256.clone()));
    }
    let value = authorization
        .ok_or(AuthError::Missing)?
        .to_str()
        .map_err(|_| AuthError::UnsupportedScheme)?;
    let (scheme, rest) = value.split_once(' ').ok_or(AuthError::UnsupportedScheme)?;
    if scheme.eq_ignore_ascii_case("bearer") {
        Ok(Credential::Bearer(rest.trim().to_owned()))
    } else if scheme.eq_ignore_ascii_case("basic") {
        let (client_id, secret) = api_key::parse_basic(rest).ok_or(AuthError::InvalidApiKey)?;
        Ok(Credential::Basic { client_id, secret })
    } else {
        Err(AuthError::UnsupportedScheme)
    }
}

fn role_named(text: &str) -> Option<Role> {
    match text {
        "member" => Some(Role::Member),
        "siem" => Some(Role::Siem),
        "analyst" => Some(Role::Analyst),
        "admin" => Some(Role::Admin),
        _ => None,
    }
}

fn principal(organization: Organization, role: Role) -> Result<Principal, AuthError> {
    if !organization.role.may_issue(role) {
        return Err(AuthError::RoleNotPermitted);
    }
    Ok(Principal {
        org_pk: organization.pk,
        org_slug: organization.slug,
        sector: organization.sector_slug,
        ceptoar: organization.ceptoar_slug,
        role,
    })
}

pub async fn authenticate(
    keys: &JwtKeys,
    store: &Store,
    credential: Credential,
) -> Result<Principal, ApiError> {
    match credential {
        Credential::Bearer(token) => {
            let verified = keys.verify(&token)?;
            if let Some(jti) = &verified.jti
                && store.token_revoked(jti).await?
            {
                return Err(AuthError::Revoked.into());
            }
            let organization = store
                .organization(&verified.sub)
                .await?
                .ok_or(AuthError::UnknownOrganization)?;
            let role = verified
                .role
                .unwrap_or(organization.role.default_credential());
            Ok(principal(organization, role)?)
        }
        Credential::Certificate(sha256) => {
            let registered = store
                .certificate(&sha256)
                .await?
                .ok_or(AuthError::UnknownCertificate)?;
            if registered.revoked {
                return Err(AuthError::Revoked.into());
            }
            let organization = store
                .organization_by_key(registered.organization_pk)
                .await?
                .ok_or(AuthError::UnknownOrganization)?;
            let role = role_named(&registered.role).ok_or(AuthError::UnknownCertificate)?;
            Ok(principal(organization, role)?)
        }
        Credential::Basic { client_id, secret } => {
            let key = store
                .api_key(&client_id)
                .await?
                .ok_or(AuthError::InvalidApiKey)?;
            if !api_key::matches(&secret, &key.secret_sha256) {
                return Err(AuthError::InvalidApiKey.into());
            }
            if key.revoked {
                return Err(AuthError::Revoked.into());
            }
            let organization = store
                .organization_by_key(key.organization_pk)
                .await?
                .ok_or(AuthError::UnknownOrganization)?;
            let role = role_named(&key.role).ok_or(AuthError::InvalidApiKey)?;
            Ok(principal(organization, role)?)
        }
    }
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let keys = request.app_data::<web::Data<JwtKeys>>().cloned();
        let store = request.app_data::<web::Data<Store>>().cloned();
        let credential = credential(
            request.headers().get(header::AUTHORIZATION),
            request.conn_data::<ClientCertificate>(),
        );
        Box::pin(async move {
            let (Some(keys), Some(store)) = (keys, store) else {
                return Err(ApiError::internal(anyhow::anyhow!(
                    "authentication is not configured"
                )));
            };
            let principal = authenticate(&keys, &store, credential?).await?;
            Ok(Authenticated(principal))
        })
    }
}
