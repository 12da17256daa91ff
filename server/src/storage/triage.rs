//! SQL for triage events: analysts' decisions and actions on objects, append-only.
//! Decisions (`confirm`, `false-positive`, `reject-false-positive`) feed the
//! contribution ledger. No HTTP.

use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::StoreError;

/// What an analyst did to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TriageAction {
    Confirm,
    FalsePositive,
    RejectFalsePositive,
    Escalate,
    Advisory,
    Assign,
    Comment,
}

impl TriageAction {
    pub fn as_str(self) -> &'static str {
        match self {
            TriageAction::Confirm => "confirm",
            TriageAction::FalsePositive => "false-positive",
            TriageAction::RejectFalsePositive => "reject-false-positive",
            TriageAction::Escalate => "escalate",
            TriageAction::Advisory => "advisory",
            TriageAction::Assign => "assign",
            TriageAction::Comment => "comment",
        }
    }

    pub fn parse(text: &str) -> Option<TriageAction> {
        Some(match text {
            "confirm" => TriageAction::Confirm,
            "false-positive" => TriageAction::FalsePositive,
            "reject-false-positive" => TriageAction::RejectFalsePositive,
            "escalate" => TriageAction::Escalate,
            "advisory" => TriageAction::Advisory,
            "assign" => TriageAction::Assign,
            "comment" => TriageAction::Comment,
            _ => return None,
        })
    }
}

/// A triage event to record.
#[derive(Debug, Clone)]
pub struct NewTriageEvent {
    pub stix_id: String,
    pub organization_pk: i64,
    pub analyst: String,
    pub action: TriageAction,
    /// JSON object with the specifics.
    pub detail: serde_json::Value,
}

/// A recorded triage event.
#[derive(Debug, Clone, Serialize)]
pub struct TriageEvent {
    pub seq: i64,
    /// Microseconds since the epoch, hub clock.
    pub at: i64,
    pub stix_id: String,
    pub organization_pk: i64,
    pub analyst: String,
    pub action: TriageAction,
    pub detail: serde_json::Value,
}

/// Appends one event at hub time `at`; returns its sequence number.
pub async fn insert(
    connection: &mut AnyConnection,
    at: i64,
    event: &NewTriageEvent,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO triage_events (at, stix_id, organization_pk, analyst, action, detail) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
    )
    .bind(at)
    .bind(&event.stix_id)
    .bind(event.organization_pk)
    .bind(&event.analyst)
    .bind(event.action.as_str())
    .bind(event.detail.to_string())
    .fetch_one(&mut *connection)
    .await?;
    Ok(row.try_get(0)?)
}

const COLUMNS: &str = "seq, at, stix_id, organization_pk, analyst, action, detail";

fn from_row(row: &sqlx::any::AnyRow) -> Result<TriageEvent, StoreError> {
    let action: String = row.try_get("action")?;
    let detail: String = row.try_get("detail")?;
    Ok(TriageEvent {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        stix_id: row.try_get("stix_id")?,
        organization_pk: row.try_get("organization_pk")?,
        analyst: row.try_get("analyst")?,
        action: TriageAction::parse(&action)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown triage action '{action}'")))?,
        detail: serde_json::from_str(&detail).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

/// An object's triage history, oldest first.
pub async fn history(
    connection: &mut AnyConnection,
    stix_id: &str,
) -> Result<Vec<TriageEvent>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM triage_events WHERE stix_id = $1 ORDER BY seq"
    ))
    .bind(stix_id)
    .fetch_all(&mut *connection)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Decisions that feed the ledger, with `after < at <= until`, in hub order.
pub async fn decisions_between(
    connection: &mut AnyConnection,
    after: i64,
    until: i64,
) -> Result<Vec<TriageEvent>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM triage_events WHERE at > $1 AND at <= $2 \
         AND action IN ('confirm', 'false-positive', 'reject-false-positive') ORDER BY at, seq"
    ))
    .bind(after)
    .bind(until)
    .fetch_all(&mut *connection)
    .await?;
    rows.iter().map(from_row).collect()
}
