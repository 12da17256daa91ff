//! Console sessions: sign-in with a hub-issued credential, the session cookie
//! (HttpOnly, SameSite=Strict, Secure behind TLS), CSRF tokens, expiry and revocation.
//!
//! The cookie holds 256 random bits; the database keeps only their SHA-256, so a copy of
//! the database opens no session. Each session has its own CSRF token that every form
//! carries; sign-in itself is protected by a double-submit token in a short-lived cookie.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

use super::ConsoleError;
use super::i18n::Lang;
use crate::auth::extractor::{Credential, authenticate};
use crate::auth::{JwtKeys, api_key};
use crate::config::Settings;
use crate::sharing::{Principal, Role};
use crate::stix::timestamp::Instant;
use crate::storage::Store;
use crate::storage::console::Session;

pub const SESSION_COOKIE: &str = "kyoyu_session";
pub const SIGN_IN_COOKIE: &str = "kyoyu_sign_in";

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The value of cookie `name` on the request.
pub fn cookie(request: &HttpRequest, name: &str) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Whether the browser reached the hub over TLS (directly, through a proxy that says
/// so, or as `public_url` declares).
pub fn over_tls(request: &HttpRequest, settings: &Settings) -> bool {
    request.connection_info().scheme() == "https"
        || settings
            .public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
}

/// A `Set-Cookie` value scoped to the console. `max_age` 0 removes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool, http_only: bool) -> String {
    format!(
        "{name}={value}; Path=/console; Max-Age={max_age}; SameSite=Strict{}{}",
        if http_only { "; HttpOnly" } else { "" },
        if secure { "; Secure" } else { "" },
    )
}

/// Constant-time comparison of two tokens.
pub fn same_token(presented: &str, expected: &str) -> bool {
    !expected.is_empty()
        && presented.len() == expected.len()
        && presented
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A signed-in person: the principal its credential stands for, and the session's
/// CSRF token.
pub struct Viewer {
    pub principal: Principal,
    pub organization_name: String,
    /// Who acts, as triage events record it: the API key's client id, else the
    /// organisation.
    pub analyst: String,
    pub csrf: String,
    pub lang: Lang,
}

impl Viewer {
    /// Refuses a form whose CSRF token is missing or not this session's.
    pub fn check_csrf(&self, presented: Option<&str>) -> Result<(), ConsoleError> {
        match presented {
            Some(token) if same_token(token, &self.csrf) => Ok(()),
            _ => Err(ConsoleError::Csrf),
        }
    }
}

/// A viewer with the coordination center's view: analysts and administrators.
pub struct Analyst(pub Viewer);

fn role_named(text: &str) -> Option<Role> {
    match text {
        "member" => Some(Role::Member),
        "analyst" => Some(Role::Analyst),
        "admin" => Some(Role::Admin),
        _ => None,
    }
}

async fn load_viewer(request: &HttpRequest) -> Result<Viewer, ConsoleError> {
    let lang = Lang::of(request);
    let store = request
        .app_data::<web::Data<Store>>()
        .cloned()
        .ok_or(ConsoleError::NotConfigured)?;
    let settings = request
        .app_data::<web::Data<Settings>>()
        .cloned()
        .ok_or(ConsoleError::NotConfigured)?;
    let id = cookie(request, SESSION_COOKIE).ok_or(ConsoleError::SignIn)?;
    let session = store
        .console_session(
            &api_key::digest(&id),
            i64::from(settings.console.idle_minutes) * 60_000_000,
        )
        .await?
        .ok_or(ConsoleError::SignIn)?;
    if credential_revoked(&store, &session).await? {
        store.end_console_session(&api_key::digest(&id)).await?;
        return Err(ConsoleError::SignIn);
    }
    let organization = store
        .organization_by_key(session.organization_pk)
        .await?
        .ok_or(ConsoleError::SignIn)?;
    let role = role_named(&session.role).ok_or(ConsoleError::SignIn)?;
    let analyst = match session.credential.split_once(':') {
        Some(("apikey", client_id)) => client_id.to_owned(),
        _ => organization.slug.clone(),
    };
    Ok(Viewer {
        principal: Principal {
            org_pk: organization.pk,
            org_slug: organization.slug,
            sector: organization.sector_slug,
            ceptoar: organization.ceptoar_slug,
            role,
        },
        organization_name: organization.name,
        analyst,
        csrf: session.csrf,
        lang,
    })
}

/// Revoking the credential a session was opened with ends the session.
async fn credential_revoked(store: &Store, session: &Session) -> Result<bool, ConsoleError> {
    Ok(match session.credential.split_once(':') {
        Some(("apikey", client_id)) => store.api_key(client_id).await?.is_none_or(|k| k.revoked),
        Some(("token", jti)) if !jti.is_empty() => store.token_revoked(jti).await?,
        _ => false,
    })
}

impl FromRequest for Viewer {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { load_viewer(&request).await })
    }
}

impl FromRequest for Analyst {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let viewer = load_viewer(&request).await?;
            if !viewer.principal.sees_everything() {
                return Err(ConsoleError::Forbidden);
            }
            Ok(Analyst(viewer))
        })
    }
}

/// What the sign-in form posts.
#[derive(Debug, serde::Deserialize)]
pub struct SignInForm {
    pub csrf: Option<String>,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub secret: String,
}

/// The outcome of a sign-in: the cookie value of the new session.
pub struct SignedIn {
    pub cookie_value: String,
    pub max_age: i64,
}

/// Checks the credential (as TAXII would) and opens a session.
pub async fn sign_in(
    form: &SignInForm,
    store: &Store,
    keys: &JwtKeys,
    settings: &Settings,
) -> Result<SignedIn, ConsoleError> {
    let client_id = form.client_id.trim();
    let secret = form.secret.trim();
    if secret.is_empty() {
        return Err(ConsoleError::BadCredentials);
    }
    let (credential, reference) = if client_id.is_empty() {
        let jti = keys
            .verify(secret)
            .ok()
            .and_then(|v| v.jti)
            .unwrap_or_default();
        (
            Credential::Bearer(secret.to_owned()),
            format!("token:{jti}"),
        )
    } else {
        (
            Credential::Basic {
                client_id: client_id.to_owned(),
                secret: secret.to_owned(),
            },
            format!("apikey:{client_id}"),
        )
    };
    let principal = match authenticate(keys, store, credential).await {
        Ok(principal) => principal,
        Err(error) => {
            tracing::info!(%error, "console sign-in refused");
            return Err(ConsoleError::BadCredentials);
        }
    };
    let role = match principal.role {
        Role::Siem => return Err(ConsoleError::MachineCredential),
        role => role,
    };
    let id = random_token();
    let max_age = i64::from(settings.console.session_hours) * 3600;
    let session = Session {
        organization_pk: principal.org_pk,
        role: role.as_str().to_owned(),
        credential: reference,
        csrf: random_token(),
        expires_at: Instant::now_micros() + max_age * 1_000_000,
    };
    store
        .create_console_session(&api_key::digest(&id), &session)
        .await?;
    store
        .append_audit(&[crate::storage::audit::AuditEntry {
            organization: principal.org_slug.clone(),
            role: role.as_str(),
            action: "console-sign-in",
            collection: None,
            stix_id: None,
            detail: serde_json::json!({ "credential": session.credential.split(':').next() })
                .to_string(),
        }])
        .await?;
    tracing::info!(org = %principal.org_slug, role = role.as_str(), "console sign-in");
    Ok(SignedIn {
        cookie_value: id,
        max_age,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole_and_never_empty() {
        let token = random_token();
        assert_eq!(token.len(), 43, "256 bits, URL-safe base64");
        assert_ne!(token, random_token());
        assert!(same_token(&token, &token));
        assert!(!same_token(&token[..42], &token), "a prefix");
        assert!(
            !same_token("", ""),
            "an empty expected token matches nothing"
        );
    }

    #[test]
    fn session_cookies_are_http_only_strict_and_secure_over_tls() {
        let cookie = set_cookie(SESSION_COOKIE, "v", 60, true, true);
        assert_eq!(
            cookie,
            "kyoyu_session=v; Path=/console; Max-Age=60; SameSite=Strict; HttpOnly; Secure"
        );
        let plain = set_cookie(SESSION_COOKIE, "v", 0, false, true);
        assert!(plain.contains("Max-Age=0") && !plain.contains("Secure"));
    }
}
