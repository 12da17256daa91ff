//! `next`: an opaque, stateless, tamper-evident page cursor.
//!
//! It carries the `(date_added, seq)` of the last row served and a MAC that also covers
//! a binding of the request it was issued for (collection, endpoint, filters, caller), so
//! any hub instance sharing the secret can continue it, and a replayed or forged cursor
//! never returns anything but the continuation of the same query.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::storage::objects::Position;

const FORMAT: u8 = 1;
const MAC_LEN: usize = 16;
const TOKEN_LEN: usize = 1 + 8 + 8 + MAC_LEN;

/// The key cursors are signed with, derived from the hub secret.
#[derive(Clone)]
pub struct CursorKey([u8; 32]);

impl CursorKey {
    pub fn derive(hub_secret: &[u8]) -> CursorKey {
        let mut hasher = Sha256::new();
        hasher.update(b"kyoyu taxii cursor v1\0");
        hasher.update(hub_secret);
        CursorKey(hasher.finalize().into())
    }

    fn mac(&self, payload: &[u8], binding: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(payload);
        mac.update(binding);
        let tag = mac.finalize().into_bytes();
        let mut short = [0u8; MAC_LEN];
        short.copy_from_slice(&tag[..MAC_LEN]);
        short
    }

    pub fn encode(&self, position: Position, binding: &[u8]) -> String {
        let mut token = Vec::with_capacity(TOKEN_LEN);
        token.push(FORMAT);
        token.extend_from_slice(&position.date_added.to_be_bytes());
        token.extend_from_slice(&position.seq.to_be_bytes());
        let mac = self.mac(&token, binding);
        token.extend_from_slice(&mac);
        URL_SAFE_NO_PAD.encode(token)
    }

    /// The position, if `text` was issued by this hub for the same binding.
    pub fn decode(&self, text: &str, binding: &[u8]) -> Option<Position> {
        let token = URL_SAFE_NO_PAD.decode(text).ok()?;
        if token.len() != TOKEN_LEN || token[0] != FORMAT {
            return None;
        }
        let (payload, mac) = token.split_at(1 + 16);
        let expected = self.mac(payload, binding);
        // Constant-time comparison, so the MAC cannot be guessed byte by byte.
        if mac
            .iter()
            .zip(expected.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            != 0
        {
            return None;
        }
        let date_added = i64::from_be_bytes(payload[1..9].try_into().ok()?);
        let seq = i64::from_be_bytes(payload[9..17].try_into().ok()?);
        Some(Position { date_added, seq })
    }
}

/// The binding of a request: what its cursor must not be used outside of.
pub fn binding(parts: &[&str]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_only_for_their_own_binding_and_key() {
        let key = CursorKey::derive(b"secret");
        let position = Position {
            date_added: 1_700_000_000_000_000,
            seq: 42,
        };
        let mine = binding(&["collection", "objects", "org-a", "match[type]=indicator"]);
        let token = key.encode(position, &mine);
        assert_eq!(key.decode(&token, &mine), Some(position));
        let other_caller = binding(&["collection", "objects", "org-b", "match[type]=indicator"]);
        assert_eq!(key.decode(&token, &other_caller), None, "other caller");
        assert_eq!(
            CursorKey::derive(b"other").decode(&token, &mine),
            None,
            "other key"
        );
        let mut tampered = token.into_bytes();
        tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            key.decode(&String::from_utf8(tampered).expect("ascii"), &mine),
            None,
            "tampered"
        );
        assert_eq!(key.decode("not-a-cursor", &mine), None, "garbage");
    }
}
