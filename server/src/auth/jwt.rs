//! Hub-issued bearer tokens: HS256 JWTs with issuer, audience, expiry and not-before.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::AuthError;
use crate::sharing::Role;

/// The claims the hub puts in (and requires of) a token.
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

/// Signing and verification keys with the hub's issuer and audience.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl JwtKeys {
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str) -> JwtKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        }
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

    /// Checks signature, algorithm, issuer, audience, expiry and not-before.
    pub fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        Ok(jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)?.claims)
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
        assert_eq!((claims.sub.as_str(), claims.role), ("acme", Role::Member));
        let other = JwtKeys::hs256(b"another secret of enough length!", "kyoyu", "kyoyu");
        assert!(other.verify(&token).is_err(), "foreign key");
        let wrong_audience = JwtKeys::hs256(b"0123456789abcdef0123456789abcdef", "kyoyu", "other");
        assert!(wrong_audience.verify(&token).is_err(), "audience");
    }

    #[test]
    fn ttls_parse_with_units() {
        assert_eq!(parse_ttl("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_ttl("90"), Ok(Duration::from_secs(90)));
        assert!(parse_ttl("3y").is_err());
        assert!(parse_ttl("0s").is_err());
    }
}
