//! SQL for the audit log: append-only (triggers refuse UPDATE and DELETE). No HTTP.

use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::StoreError;
use super::query::Sql;
use crate::stix::timestamp::{Instant, TaxiiTimestamp};

/// Who did what, to which collection and object.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub organization: String,
    pub role: &'static str,
    /// `submit`, `delete` or `read`.
    pub action: &'static str,
    pub collection: Option<String>,
    pub stix_id: Option<String>,
    /// JSON with the specifics (status id and counts, query and objects served, ...).
    pub detail: String,
}

/// A stored entry, as administrators read it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    pub organization: String,
    pub role: String,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stix_id: Option<String>,
    pub detail: serde_json::Value,
}

pub async fn insert(
    connection: &mut AnyConnection,
    entries: &[AuditEntry],
) -> Result<(), StoreError> {
    let at = Instant::now_micros();
    for chunk in entries.chunks(100) {
        let mut sql = Sql::new(
            "INSERT INTO audit_log (at, organization, role, action, collection, stix_id, detail) VALUES ",
        );
        for (i, entry) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind_int(at)
                .push(", ")
                .bind_text(entry.organization.as_str())
                .push(", ");
            sql.bind_text(entry.role)
                .push(", ")
                .bind_text(entry.action)
                .push(", ");
            match &entry.collection {
                Some(collection) => sql.bind_text(collection.as_str()),
                None => sql.push("NULL"),
            };
            sql.push(", ");
            match &entry.stix_id {
                Some(id) => sql.bind_text(id.as_str()),
                None => sql.push("NULL"),
            };
            sql.push(", ").bind_text(entry.detail.as_str()).push(")");
        }
        sql.query().execute(&mut *connection).await?;
    }
    Ok(())
}

/// What an administrator asks of the log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub organization: Option<String>,
    pub action: Option<String>,
    pub stix_id: Option<String>,
    /// Entries after this sequence number.
    pub after: Option<i64>,
    pub limit: u32,
}

pub async fn query(
    connection: &mut AnyConnection,
    query: &AuditQuery,
) -> Result<Vec<AuditRecord>, StoreError> {
    let mut sql = Sql::new(
        "SELECT seq, at, organization, role, action, collection, stix_id, detail FROM audit_log WHERE seq > ",
    );
    sql.bind_int(query.after.unwrap_or(0));
    if let Some(organization) = &query.organization {
        sql.push(" AND organization = ")
            .bind_text(organization.as_str());
    }
    if let Some(action) = &query.action {
        sql.push(" AND action = ").bind_text(action.as_str());
    }
    if let Some(id) = &query.stix_id {
        sql.push(" AND stix_id = ").bind_text(id.as_str());
    }
    sql.push(" ORDER BY seq LIMIT ")
        .bind_int(i64::from(query.limit));
    let rows = sql.query().fetch_all(&mut *connection).await?;
    rows.iter()
        .map(|row| {
            let detail: String = row.try_get(7)?;
            Ok(AuditRecord {
                seq: row.try_get(0)?,
                at: TaxiiTimestamp(row.try_get(1)?).to_string(),
                organization: row.try_get(2)?,
                role: row.try_get(3)?,
                action: row.try_get(4)?,
                collection: row.try_get(5)?,
                stix_id: row.try_get(6)?,
                detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
            })
        })
        .collect()
}
