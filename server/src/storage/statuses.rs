//! SQL for status resources, and the resource itself. A status belongs to the
//! organisation whose request created it.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use super::StoreError;

/// TAXII 2.1 "Status" resource. Requests are processed before the response is sent, so a
/// stored status is always `complete` and has no pendings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Status {
    pub id: String,
    pub status: String,
    pub request_timestamp: String,
    pub total_count: u64,
    pub success_count: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successes: Vec<StatusDetail>,
    pub failure_count: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<StatusDetail>,
    pub pending_count: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pendings: Vec<StatusDetail>,
}

/// TAXII 2.1 "status-details": `version` is the object's version exactly as written
/// (omitted only for an element so broken it has none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDetail {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

pub async fn insert(
    connection: &mut AnyConnection,
    status: &Status,
    organization_pk: i64,
    request_timestamp: i64,
) -> Result<(), StoreError> {
    let body = serde_json::to_string(status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    sqlx::query("INSERT INTO statuses (id, organization_pk, request_timestamp, body) VALUES ($1, $2, $3, $4)")
        .bind(&status.id)
        .bind(organization_pk)
        .bind(request_timestamp)
        .bind(body)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// The status as JSON text, if it exists and belongs to `organization_pk`.
pub async fn get(
    connection: &mut AnyConnection,
    id: &str,
    organization_pk: i64,
) -> Result<Option<String>, StoreError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT body FROM statuses WHERE id = $1 AND organization_pk = $2")
            .bind(id)
            .bind(organization_pk)
            .fetch_optional(&mut *connection)
            .await?;
    Ok(row.map(|(body,)| body))
}
