//! Hub-generated secrets, made once and shared by every process using the database.

use rand::RngCore;
use sqlx::AnyConnection;

use super::StoreError;

/// Returns the named secret, creating a random 256-bit one on first use.
pub async fn get_or_create(
    connection: &mut AnyConnection,
    name: &str,
) -> Result<Vec<u8>, StoreError> {
    let mut fresh = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut fresh);
    let encoded = hex(&fresh);
    sqlx::query(
        "INSERT INTO hub_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(&encoded)
    .execute(&mut *connection)
    .await?;
    let (value,): (String,) = sqlx::query_as("SELECT value FROM hub_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(&mut *connection)
        .await?;
    unhex(&value).ok_or_else(|| StoreError::Corrupt(format!("secret '{name}' is not hex")))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}
