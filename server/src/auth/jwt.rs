//! Bearer tokens: HS256 JWTs issued by the hub, and RS256/ES256/EdDSA JWTs of an
//! external identity provider verified against configured public keys.
//!
//! The header's algorithm picks the key family, and each key is bound to one algorithm,
//! so a token cannot choose how it is checked: `none` is refused by the parser, an HS256
//! token is only ever checked with the hub's secret (never with a public key), and an
//! asymmetric token needs a `kid` naming a configured key of exactly its algorithm.

use std::path::Path;
use std::time::Duration;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::AuthError;
use crate::config::{ExternalIdp, PublicKeyFile};
use crate::sharing::Role;

/// Clock skew tolerated on `exp` and `nbf`, in seconds.
const LEEWAY_SECONDS: u64 = 30;

/// The claims the hub puts in the tokens it issues.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The organisation's slug.
    pub sub: String,
    pub role: Role,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    /// Token id, so a single token can be revoked.
    pub jti: String,
}

/// What a verified token says about its bearer.
#[derive(Debug, Clone, Deserialize)]
pub struct Verified {
    /// The organisation's slug.
    pub sub: String,
    /// The credential's role; an external token without one acts with its
    /// organisation's own role.
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub jti: Option<String>,
}

struct ExternalKey {
    kid: String,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Signing and verification keys.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    external: std::sync::Arc<Vec<ExternalKey>>,
    external_issuer: String,
    external_audience: String,
}

fn validation(algorithm: Algorithm, issuer: &str, audience: &str) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = LEEWAY_SECONDS;
    validation
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {0}: {1}")]
    Read(String, std::io::Error),
    #[error("{0} is not a usable {1} public key: {2}")]
    Unusable(String, String, jsonwebtoken::errors::Error),
    #[error("{0}: algorithm '{1}' is not one of RS256, ES256, EdDSA")]
    Algorithm(String, String),
    #[error("{0} is not a JWKS document: {1}")]
    Jwks(String, serde_json::Error),
    #[error("JWKS key {0} has no 'kid'; every external key needs one")]
    MissingKid(usize),
    #[error("JWKS key '{0}' is not an RS256, ES256 (P-256) or EdDSA (Ed25519) key")]
    UnsupportedJwk(String),
}

fn read(path: &Path) -> Result<Vec<u8>, KeyError> {
    std::fs::read(path).map_err(|e| KeyError::Read(path.display().to_string(), e))
}

fn pem_key(entry: &PublicKeyFile) -> Result<ExternalKey, KeyError> {
    let name = entry.pem_file.display().to_string();
    let pem = read(&entry.pem_file)?;
    let (algorithm, key) = match entry.algorithm.as_str() {
        "RS256" => (Algorithm::RS256, DecodingKey::from_rsa_pem(&pem)),
        "ES256" => (Algorithm::ES256, DecodingKey::from_ec_pem(&pem)),
        "EdDSA" => (Algorithm::EdDSA, DecodingKey::from_ed_pem(&pem)),
        other => return Err(KeyError::Algorithm(name, other.to_owned())),
    };
    let key = key.map_err(|e| KeyError::Unusable(name, entry.algorithm.clone(), e))?;
    Ok(ExternalKey {
        kid: entry.kid.clone(),
        algorithm,
        key,
    })
}

fn jwks_keys(path: &Path) -> Result<Vec<ExternalKey>, KeyError> {
    let name = path.display().to_string();
    let set: JwkSet =
        serde_json::from_slice(&read(path)?).map_err(|e| KeyError::Jwks(name.clone(), e))?;
    let mut keys = Vec::new();
    for (index, jwk) in set.keys.iter().enumerate() {
        let kid = jwk
            .common
            .key_id
            .clone()
            .ok_or(KeyError::MissingKid(index))?;
        let algorithm = match (&jwk.common.key_algorithm, &jwk.algorithm) {
            (Some(KeyAlgorithm::RS256), _) | (None, AlgorithmParameters::RSA(_)) => {
                Algorithm::RS256
            }
            (Some(KeyAlgorithm::ES256), _) => Algorithm::ES256,
            (None, AlgorithmParameters::EllipticCurve(ec)) if ec.curve == EllipticCurve::P256 => {
                Algorithm::ES256
            }
            (Some(KeyAlgorithm::EdDSA), _) => Algorithm::EdDSA,
            (None, AlgorithmParameters::OctetKeyPair(okp))
                if okp.curve == EllipticCurve::Ed25519 =>
            {
                Algorithm::EdDSA
            }
            _ => return Err(KeyError::UnsupportedJwk(kid)),
        };
        let key = DecodingKey::from_jwk(jwk)
            .map_err(|e| KeyError::Unusable(kid.clone(), format!("{algorithm:?}"), e))?;
        keys.push(ExternalKey {
            kid,
            algorithm,
            key,
        });
    }
    Ok(keys)
}

impl JwtKeys {
    /// The hub's own HS256 keys, with no external identity provider.
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation: validation(Algorithm::HS256, issuer, audience),
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            external: std::sync::Arc::new(Vec::new()),
            external_issuer: String::new(),
            external_audience: String::new(),
        }
    }

    /// Adds an external identity provider's public keys (PEM files and a JWKS file).
    pub fn with_external(mut self, idp: &ExternalIdp) -> Result<JwtKeys, KeyError> {
        let mut keys = idp
            .public_keys
            .iter()
            .map(pem_key)
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(jwks) = &idp.jwks_file {
            keys.extend(jwks_keys(jwks)?);
        }
        self.external = std::sync::Arc::new(keys);
        self.external_issuer = idp.issuer.clone();
        self.external_audience = idp.audience.clone();
        Ok(self)
    }

    /// A token for `organization` acting as `role`, valid from now for `ttl`.
    pub fn issue(
        &self,
        organization: &str,
        role: Role,
        ttl: Duration,
    ) -> Result<String, AuthError> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            sub: organization.to_owned(),
            role,
            iat: now,
            nbf: now,
            exp: now.saturating_add(ttl.as_secs()),
            jti: uuid::Uuid::new_v4().to_string(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Checks signature, algorithm, key id, issuer, audience, expiry and not-before.
    pub fn verify(&self, token: &str) -> Result<Verified, AuthError> {
        let header = jsonwebtoken::decode_header(token)?;
        if header.alg == Algorithm::HS256 {
            return Ok(
                jsonwebtoken::decode::<Verified>(token, &self.decoding, &self.validation)?.claims,
            );
        }
        let kid = header.kid.ok_or(AuthError::UnknownKey)?;
        let key = self
            .external
            .iter()
            .find(|key| key.kid == kid)
            .ok_or(AuthError::UnknownKey)?;
        if key.algorithm != header.alg {
            return Err(AuthError::AlgorithmMismatch);
        }
        let validation = validation(
            key.algorithm,
            &self.external_issuer,
            &self.external_audience,
        );
        Ok(jsonwebtoken::decode::<Verified>(token, &key.key, &validation)?.claims)
    }
}

/// Parses durations like `90s`, `15m`, `12h`, `30d` (a bare number is seconds).
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration like 30d, 12h, 15m or 90s"))?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => {
            return Err(format!(
                "'{text}': unknown unit '{unit}' (use s, m, h, d or w)"
            ));
        }
    };
    if number == 0 {
        return Err("the duration must be positive".into());
    }
    Ok(Duration::from_secs(number.saturating_mul(seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::hs256(b"0123456789abcdef0123456789abcdef", "kyoyu", "kyoyu")
    }

    #[test]
    fn issued_tokens_verify_and_tampered_ones_do_not() {
        let token = keys()
            .issue("acme", Role::Member, Duration::from_secs(60))
            .expect("issue");
        let claims = keys().verify(&token).expect("verify");
        assert_eq!(
            (claims.sub.as_str(), claims.role),
            ("acme", Some(Role::Member))
        );
        let other = JwtKeys::hs256(b"another secret of enough length!", "kyoyu", "kyoyu");
        assert!(other.verify(&token).is_err(), "foreign key");
        let wrong_audience = JwtKeys::hs256(b"0123456789abcdef0123456789abcdef", "kyoyu", "other");
        assert!(wrong_audience.verify(&token).is_err(), "audience");
    }

    #[test]
    fn asymmetric_tokens_need_a_known_kid() {
        // header {"alg":"RS256","kid":"nope"} with an arbitrary payload and signature
        let token = "eyJhbGciOiJSUzI1NiIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJhIn0.c2ln";
        assert!(matches!(keys().verify(token), Err(AuthError::UnknownKey)));
        let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.";
        assert!(keys().verify(none).is_err(), "alg none");
    }

    #[test]
    fn ttls_parse_with_units() {
        assert_eq!(parse_ttl("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_ttl("90"), Ok(Duration::from_secs(90)));
        assert!(parse_ttl("3y").is_err());
        assert!(parse_ttl("0s").is_err());
    }
}
