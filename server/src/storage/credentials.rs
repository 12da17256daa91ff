//! SQL for API keys and revocations. No HTTP.

use sqlx::{AnyConnection, Row};

use super::StoreError;
use crate::stix::timestamp::Instant;

/// A stored API key, looked up by its client id.
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub organization_pk: i64,
    pub role: String,
    /// Hex SHA-256 of the secret.
    pub secret_sha256: String,
    pub revoked: bool,
}

pub async fn insert_api_key(
    connection: &mut AnyConnection,
    client_id: &str,
    organization_pk: i64,
    role: &str,
    secret_sha256: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO api_keys (client_id, organization_pk, role, secret_sha256, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(client_id)
    .bind(organization_pk)
    .bind(role)
    .bind(secret_sha256)
    .bind(Instant::now_micros())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

pub async fn api_key(
    connection: &mut AnyConnection,
    client_id: &str,
) -> Result<Option<ApiKey>, StoreError> {
    let row = sqlx::query(
        "SELECT organization_pk, role, secret_sha256, revoked_at IS NOT NULL FROM api_keys WHERE client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(&mut *connection)
    .await?;
    row.map(|row| -> Result<ApiKey, StoreError> {
        let revoked: i64 = row.try_get(3)?;
        Ok(ApiKey {
            organization_pk: row.try_get(0)?,
            role: row.try_get(1)?,
            secret_sha256: row.try_get(2)?,
            revoked: revoked != 0,
        })
    })
    .transpose()
}

/// Revokes an API key; false when there is no such key.
pub async fn revoke_api_key(
    connection: &mut AnyConnection,
    client_id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 WHERE client_id = $2 AND revoked_at IS NULL",
    )
    .bind(Instant::now_micros())
    .bind(client_id)
    .execute(&mut *connection)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn revoke_token(connection: &mut AnyConnection, jti: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO revoked_tokens (jti, revoked_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING",
    )
    .bind(jti)
    .bind(Instant::now_micros())
    .execute(&mut *connection)
    .await?;
    Ok(())
}

pub async fn token_revoked(connection: &mut AnyConnection, jti: &str) -> Result<bool, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM revoked_tokens WHERE jti = $1")
        .bind(jti)
        .fetch_optional(&mut *connection)
        .await?;
    Ok(row.is_some())
}

/// A registered client certificate.
#[derive(Debug, Clone)]
pub struct RegisteredCertificate {
    pub organization_pk: i64,
    pub role: String,
    pub revoked: bool,
}

pub async fn insert_certificate(
    connection: &mut AnyConnection,
    sha256: &str,
    organization_pk: i64,
    role: &str,
    subject: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO client_certificates (sha256, organization_pk, role, subject, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(organization_pk)
    .bind(role)
    .bind(subject)
    .bind(Instant::now_micros())
    .execute(&mut *connection)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn certificate(
    connection: &mut AnyConnection,
    sha256: &str,
) -> Result<Option<RegisteredCertificate>, StoreError> {
    let row = sqlx::query(
        "SELECT organization_pk, role, revoked_at IS NOT NULL FROM client_certificates WHERE sha256 = $1",
    )
    .bind(sha256)
    .fetch_optional(&mut *connection)
    .await?;
    row.map(|row| -> Result<RegisteredCertificate, StoreError> {
        let revoked: i64 = row.try_get(2)?;
        Ok(RegisteredCertificate {
            organization_pk: row.try_get(0)?,
            role: row.try_get(1)?,
            revoked: revoked != 0,
        })
    })
    .transpose()
}

pub async fn revoke_certificate(
    connection: &mut AnyConnection,
    sha256: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE client_certificates SET revoked_at = $1 WHERE sha256 = $2 AND revoked_at IS NULL",
    )
    .bind(Instant::now_micros())
    .bind(sha256)
    .execute(&mut *connection)
    .await?;
    Ok(done.rows_affected() > 0)
}
