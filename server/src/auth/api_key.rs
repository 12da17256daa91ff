//! API keys for HTTP Basic: `CLIENT_ID:SECRET`, for SIEM connectors that only speak
//! Basic. The secret is 256 random bits shown once; the hub keeps its SHA-256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A freshly made key: the client id and the secret to hand to the operator.
pub struct NewApiKey {
    pub client_id: String,
    pub secret: String,
    pub secret_sha256: String,
}

pub fn generate(organization: &str) -> NewApiKey {
    let mut id = [0u8; 6];
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut id);
    rand::thread_rng().fill_bytes(&mut secret);
    let client_id = format!("{organization}.{}", hex(&id));
    let secret = URL_SAFE_NO_PAD.encode(secret);
    let secret_sha256 = digest(&secret);
    NewApiKey {
        client_id,
        secret,
        secret_sha256,
    }
}

/// Hex SHA-256 of a presented secret.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares digests in constant time.
pub fn matches(presented: &str, stored_sha256: &str) -> bool {
    let presented = digest(presented);
    presented.len() == stored_sha256.len()
        && presented
            .bytes()
            .zip(stored_sha256.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Splits a Basic credential (`base64(client_id:secret)`).
pub fn parse_basic(encoded: &str) -> Option<(String, String)> {
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (client_id, secret) = text.split_once(':')?;
    Some((client_id.to_owned(), secret.to_owned()))
}

use crate::storage::secrets::hex;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_verify_only_with_their_secret() {
        let key = generate("acme");
        assert!(key.client_id.starts_with("acme."));
        assert!(matches(&key.secret, &key.secret_sha256));
        assert!(!matches("guess", &key.secret_sha256));
        let basic = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", key.client_id, key.secret));
        assert_eq!(
            parse_basic(&basic),
            Some((key.client_id.clone(), key.secret.clone()))
        );
        assert_eq!(parse_basic("!!"), None);
    }
}
