//! SQL for the contribution ledger and the scorer's state (migration 0003). The rules
//! live in `scoring`; this module only reads facts and reads or writes rows. No HTTP.

use sqlx::{AnyConnection, Row};

use super::StoreError;
use super::triage::{self, TriageEvent};

/// A stored object version (or one since deleted), as the scorer reads it.
#[derive(Debug, Clone)]
pub struct VersionFact {
    pub seq: i64,
    pub collection_pk: i64,
    pub stix_id: String,
    pub stix_type: String,
    pub at: i64,
    pub producer_pk: i64,
    pub tlp: String,
    /// Organisation keys a TLP:RED version is shared with.
    pub recipients: Vec<i64>,
    pub body: String,
}

/// Something that happened and may earn or cost credit, in hub order.
#[derive(Debug, Clone)]
pub enum Fact {
    Version(VersionFact),
    /// Objects of one request refused by validation or policy.
    Refused {
        organization_pk: i64,
        at: i64,
        count: i64,
    },
    Deleted {
        seq: i64,
        at: i64,
    },
    Decision(TriageEvent),
}

impl Fact {
    /// Hub order: time, then versions before refusals before deletions before
    /// decisions, then sequence.
    pub fn order(&self) -> (i64, u8, i64) {
        match self {
            Fact::Version(v) => (v.at, 0, v.seq),
            Fact::Refused { at, .. } => (*at, 1, 0),
            Fact::Deleted { seq, at } => (*at, 2, *seq),
            Fact::Decision(event) => (event.at, 3, event.seq),
        }
    }
}

/// How far the scorer got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Every fact other than a version with a time up to this is scored.
    pub at: i64,
    /// Every version up to this sequence number is scored.
    pub object_seq: i64,
    /// Number of the last ledger row.
    pub ledger_n: i64,
}

pub async fn progress(connection: &mut AnyConnection) -> Result<Progress, StoreError> {
    let row = sqlx::query("SELECT at, object_seq, ledger_n FROM score_progress WHERE id = 1")
        .fetch_one(&mut *connection)
        .await?;
    Ok(Progress {
        at: row.try_get(0)?,
        object_seq: row.try_get(1)?,
        ledger_n: row.try_get(2)?,
    })
}

pub async fn set_progress(
    connection: &mut AnyConnection,
    progress: Progress,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE score_progress SET at = $1, object_seq = $2, ledger_n = $3 WHERE id = 1")
        .bind(progress.at)
        .bind(progress.object_seq)
        .bind(progress.ledger_n)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

/// Empties the ledger and every derived table, back to the first fact.
pub async fn reset(connection: &mut AnyConnection) -> Result<(), StoreError> {
    sqlx::query("UPDATE score_progress SET rebuilding = 1 WHERE id = 1")
        .execute(&mut *connection)
        .await?;
    for table in [
        "ledger",
        "score_reports",
        "score_observations",
        "score_objects",
        "score_corroborations",
        "score_pairs",
        "score_false_positives",
        "score_daily",
        "score_seen",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *connection)
            .await?;
    }
    sqlx::query(
        "UPDATE score_progress SET rebuilding = 0, at = 0, object_seq = 0, ledger_n = 0 WHERE id = 1",
    )
    .execute(&mut *connection)
    .await?;
    Ok(())
}

const VERSION_COLUMNS: &str =
    "seq, collection_pk, stix_id, stix_type, date_added, producer_pk, tlp";

fn version_from_row(row: &sqlx::any::AnyRow) -> Result<VersionFact, StoreError> {
    let recipients: String = row.try_get(7)?;
    let seq: i64 = row.try_get(0)?;
    Ok(VersionFact {
        seq,
        collection_pk: row.try_get(1)?,
        stix_id: row.try_get(2)?,
        stix_type: row.try_get(3)?,
        at: row.try_get(4)?,
        producer_pk: row.try_get(5)?,
        tlp: row.try_get(6)?,
        recipients: serde_json::from_str(&recipients)
            .map_err(|e| StoreError::Corrupt(format!("recipients of version {seq}: {e}")))?,
        body: row.try_get(8)?,
    })
}

/// Up to `limit` versions after `after_seq`, stored or since deleted, by sequence.
pub async fn versions_after(
    connection: &mut AnyConnection,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<VersionFact>, StoreError> {
    let stored = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS}, CASE WHEN o.tlp = 'red' THEN (SELECT json_group_array(r.organization_pk) \
         FROM object_recipients r WHERE r.seq = o.seq) ELSE '[]' END, body \
         FROM objects o WHERE o.seq > $1 ORDER BY o.seq LIMIT $2"
    ))
    .bind(after_seq)
    .bind(limit)
    .fetch_all(&mut *connection)
    .await?;
    let deleted = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS}, recipients, body FROM deleted_objects \
         WHERE seq > $1 ORDER BY seq LIMIT $2"
    ))
    .bind(after_seq)
    .bind(limit)
    .fetch_all(&mut *connection)
    .await?;
    let mut versions = stored
        .iter()
        .chain(deleted.iter())
        .map(version_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    versions.sort_by_key(|v| v.seq);
    versions.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(versions)
}

/// The facts other than versions with `after < at <= until`, in hub order.
pub async fn events_between(
    connection: &mut AnyConnection,
    after: i64,
    until: i64,
) -> Result<Vec<Fact>, StoreError> {
    let mut facts = Vec::new();
    let refused = sqlx::query(
        "SELECT organization_pk, request_timestamp, CAST(json_extract(body, '$.failure_count') AS INTEGER) \
         FROM statuses WHERE request_timestamp > $1 AND request_timestamp <= $2 \
         AND json_extract(body, '$.failure_count') > 0",
    )
    .bind(after)
    .bind(until)
    .fetch_all(&mut *connection)
    .await?;
    for row in refused {
        facts.push(Fact::Refused {
            organization_pk: row.try_get(0)?,
            at: row.try_get(1)?,
            count: row.try_get(2)?,
        });
    }
    let deleted = sqlx::query(
        "SELECT seq, deleted_at FROM deleted_objects WHERE deleted_at > $1 AND deleted_at <= $2",
    )
    .bind(after)
    .bind(until)
    .fetch_all(&mut *connection)
    .await?;
    for row in deleted {
        facts.push(Fact::Deleted {
            seq: row.try_get(0)?,
            at: row.try_get(1)?,
        });
    }
    facts.extend(
        triage::decisions_between(connection, after, until)
            .await?
            .into_iter()
            .map(Fact::Decision),
    );
    facts.sort_by_key(Fact::order);
    Ok(facts)
}

/// Records that the organisation submitted the id; false if it had already.
pub async fn first_submission(
    connection: &mut AnyConnection,
    stix_id: &str,
    organization_pk: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO score_seen (stix_id, organization_pk) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(stix_id)
    .bind(organization_pk)
    .execute(&mut *connection)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether anyone submitted the id before (besides this first submission).
pub async fn submitted_by_others(
    connection: &mut AnyConnection,
    stix_id: &str,
    organization_pk: i64,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT EXISTS (SELECT 1 FROM score_seen WHERE stix_id = $1 AND organization_pk <> $2)",
    )
    .bind(stix_id)
    .bind(organization_pk)
    .fetch_one(&mut *connection)
    .await?;
    Ok(row.try_get::<i64, _>(0)? != 0)
}

/// A scored report of an observable.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub seq: i64,
    pub stix_id: String,
    pub organization_pk: i64,
    pub collection_pk: i64,
    pub tlp: String,
    pub recipients: Vec<i64>,
    pub at: i64,
    pub relation: String,
}

fn report_from_row(row: &sqlx::any::AnyRow) -> Result<ReportRow, StoreError> {
    let recipients: String = row.try_get(5)?;
    Ok(ReportRow {
        seq: row.try_get(0)?,
        stix_id: row.try_get(1)?,
        organization_pk: row.try_get(2)?,
        collection_pk: row.try_get(3)?,
        tlp: row.try_get(4)?,
        recipients: serde_json::from_str(&recipients)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        at: row.try_get(6)?,
        relation: row.try_get(7)?,
    })
}

/// Whether the organisation has a report (not withdrawn) of `kind:value`.
pub async fn reported_by(
    connection: &mut AnyConnection,
    kind: &str,
    value: &str,
    organization_pk: i64,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT EXISTS (SELECT 1 FROM score_observations x JOIN score_reports r ON r.seq = x.seq \
         WHERE x.kind = $1 AND x.value = $2 AND x.organization_pk = $3 AND r.withdrawn_at IS NULL)",
    )
    .bind(kind)
    .bind(value)
    .bind(organization_pk)
    .fetch_one(&mut *connection)
    .await?;
    Ok(row.try_get::<i64, _>(0)? != 0)
}

/// Reports (not withdrawn) of `kind:value` by organisations other than `excluded`,
/// oldest first, at most `limit`.
pub async fn reports_by_others(
    connection: &mut AnyConnection,
    kind: &str,
    value: &str,
    excluded: i64,
    limit: i64,
) -> Result<Vec<ReportRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.seq, r.stix_id, r.organization_pk, r.collection_pk, r.tlp, r.recipients, r.at, r.relation \
         FROM score_observations x JOIN score_reports r ON r.seq = x.seq \
         WHERE x.kind = $1 AND x.value = $2 AND x.organization_pk <> $3 AND r.withdrawn_at IS NULL \
         ORDER BY x.seq LIMIT $4",
    )
    .bind(kind)
    .bind(value)
    .bind(excluded)
    .bind(limit)
    .fetch_all(&mut *connection)
    .await?;
    rows.iter().map(report_from_row).collect()
}

/// The reports (not withdrawn) of an object id, in every collection, oldest first.
pub async fn reports_of_object(
    connection: &mut AnyConnection,
    stix_id: &str,
) -> Result<Vec<ReportRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, stix_id, organization_pk, collection_pk, tlp, recipients, at, relation \
         FROM score_reports WHERE stix_id = $1 AND withdrawn_at IS NULL ORDER BY seq",
    )
    .bind(stix_id)
    .fetch_all(&mut *connection)
    .await?;
    rows.iter().map(report_from_row).collect()
}

/// Whether an object id has a report in the collection (withdrawn or not).
pub async fn reported_in(
    connection: &mut AnyConnection,
    stix_id: &str,
    collection_pk: i64,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT EXISTS (SELECT 1 FROM score_reports WHERE stix_id = $1 AND collection_pk = $2)",
    )
    .bind(stix_id)
    .bind(collection_pk)
    .fetch_one(&mut *connection)
    .await?;
    Ok(row.try_get::<i64, _>(0)? != 0)
}

pub async fn insert_report(
    connection: &mut AnyConnection,
    report: &ReportRow,
    stix_type: &str,
    correlations: i64,
    observables: &[(String, String)],
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO score_reports (seq, stix_id, stix_type, organization_pk, collection_pk, tlp, \
         recipients, at, relation, correlations) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(report.seq)
    .bind(&report.stix_id)
    .bind(stix_type)
    .bind(report.organization_pk)
    .bind(report.collection_pk)
    .bind(&report.tlp)
    .bind(serde_json::to_string(&report.recipients).unwrap_or_else(|_| "[]".into()))
    .bind(report.at)
    .bind(&report.relation)
    .bind(correlations)
    .execute(&mut *connection)
    .await?;
    for (kind, value) in observables {
        sqlx::query(
            "INSERT INTO score_observations (kind, value, seq, organization_pk) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
        )
        .bind(kind)
        .bind(value)
        .bind(report.seq)
        .bind(report.organization_pk)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

pub async fn add_correlation(connection: &mut AnyConnection, seq: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE score_reports SET correlations = correlations + 1 WHERE seq = $1")
        .bind(seq)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

pub async fn withdraw(connection: &mut AnyConnection, seq: i64, at: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE score_reports SET withdrawn_at = $2 WHERE seq = $1 AND withdrawn_at IS NULL",
    )
    .bind(seq)
    .bind(at)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// Credit state of a scored object.
#[derive(Debug, Clone)]
pub struct ObjectState {
    pub stix_id: String,
    pub organization_pk: i64,
    pub report_seq: i64,
    pub relation: String,
    pub provisional: i64,
    pub completeness: i64,
    pub related: bool,
    pub related_paid: bool,
    pub confirmed_at: Option<i64>,
    pub timeliness_paid: bool,
    pub corroborators: i64,
    pub analyst_confirmed: bool,
    pub revoked_at: Option<i64>,
    pub fp_state: String,
    pub fp_penalised: bool,
}

pub async fn object_state(
    connection: &mut AnyConnection,
    stix_id: &str,
) -> Result<Option<ObjectState>, StoreError> {
    let row = sqlx::query(
        "SELECT stix_id, organization_pk, report_seq, relation, provisional, completeness, related, \
         related_paid, confirmed_at, timeliness_paid, corroborators, analyst_confirmed, revoked_at, fp_state, fp_penalised \
         FROM score_objects WHERE stix_id = $1",
    )
    .bind(stix_id)
    .fetch_optional(&mut *connection)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(ObjectState {
        stix_id: row.try_get(0)?,
        organization_pk: row.try_get(1)?,
        report_seq: row.try_get(2)?,
        relation: row.try_get(3)?,
        provisional: row.try_get(4)?,
        completeness: row.try_get(5)?,
        related: row.try_get::<i64, _>(6)? != 0,
        related_paid: row.try_get::<i64, _>(7)? != 0,
        confirmed_at: row.try_get(8)?,
        timeliness_paid: row.try_get::<i64, _>(9)? != 0,
        corroborators: row.try_get(10)?,
        analyst_confirmed: row.try_get::<i64, _>(11)? != 0,
        revoked_at: row.try_get(12)?,
        fp_state: row.try_get(13)?,
        fp_penalised: row.try_get::<i64, _>(14)? != 0,
    }))
}

/// Inserts or replaces the state of a scored object.
pub async fn save_object_state(
    connection: &mut AnyConnection,
    state: &ObjectState,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT OR REPLACE INTO score_objects (stix_id, organization_pk, report_seq, relation, provisional, \
         completeness, related, related_paid, confirmed_at, timeliness_paid, corroborators, \
         analyst_confirmed, revoked_at, fp_state, fp_penalised) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&state.stix_id)
    .bind(state.organization_pk)
    .bind(state.report_seq)
    .bind(&state.relation)
    .bind(state.provisional)
    .bind(state.completeness)
    .bind(i64::from(state.related))
    .bind(i64::from(state.related_paid))
    .bind(state.confirmed_at)
    .bind(i64::from(state.timeliness_paid))
    .bind(state.corroborators)
    .bind(i64::from(state.analyst_confirmed))
    .bind(state.revoked_at)
    .bind(&state.fp_state)
    .bind(i64::from(state.fp_penalised))
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// Records a distinct corroborator of an object; false if it had corroborated before.
pub async fn add_corroborator(
    connection: &mut AnyConnection,
    stix_id: &str,
    organization_pk: i64,
    how: &str,
    at: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO score_corroborations (stix_id, organization_pk, how, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(stix_id)
    .bind(organization_pk)
    .bind(how)
    .bind(at)
    .execute(&mut *connection)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Corroborations counted between two organisations before this one, then counts it.
pub async fn bump_pair(connection: &mut AnyConnection, a: i64, b: i64) -> Result<i64, StoreError> {
    let (low, high) = (a.min(b), a.max(b));
    let row = sqlx::query(
        "INSERT INTO score_pairs (low_pk, high_pk, count) VALUES ($1, $2, 1) \
         ON CONFLICT (low_pk, high_pk) DO UPDATE SET count = count + 1 RETURNING count",
    )
    .bind(low)
    .bind(high)
    .fetch_one(&mut *connection)
    .await?;
    Ok(row.try_get::<i64, _>(0)? - 1)
}

/// Records a false-positive report; returns the distinct reporters of the object so far.
pub async fn add_false_positive_report(
    connection: &mut AnyConnection,
    stix_id: &str,
    organization_pk: i64,
    at: i64,
) -> Result<Vec<i64>, StoreError> {
    sqlx::query(
        "INSERT INTO score_false_positives (stix_id, organization_pk, at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(stix_id)
    .bind(organization_pk)
    .bind(at)
    .execute(&mut *connection)
    .await?;
    false_positive_reporters(connection, stix_id).await
}

pub async fn false_positive_reporters(
    connection: &mut AnyConnection,
    stix_id: &str,
) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT organization_pk FROM score_false_positives WHERE stix_id = $1 ORDER BY at, organization_pk",
    )
    .bind(stix_id)
    .fetch_all(&mut *connection)
    .await?;
    Ok(rows.into_iter().map(|(pk,)| pk).collect())
}

/// Adds to an organisation's counters for a UTC day; returns them as they were.
pub async fn bump_daily(
    connection: &mut AnyConnection,
    organization_pk: i64,
    day: i64,
    provisional: i64,
    refused: i64,
) -> Result<(i64, i64), StoreError> {
    let row = sqlx::query(
        "INSERT INTO score_daily (organization_pk, day, provisional, refused) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organization_pk, day) DO UPDATE SET provisional = provisional + $3, refused = refused + $4 \
         RETURNING provisional, refused",
    )
    .bind(organization_pk)
    .bind(day)
    .bind(provisional)
    .bind(refused)
    .fetch_one(&mut *connection)
    .await?;
    let (p, r): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    Ok((p - provisional, r - refused))
}

/// A ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub n: i64,
    pub at: i64,
    pub organization_pk: i64,
    pub component: String,
    pub points: i64,
    pub reason: String,
    pub stix_id: Option<String>,
    pub counterpart_pk: Option<i64>,
}

pub async fn append_ledger(
    connection: &mut AnyConnection,
    entry: &LedgerEntry,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ledger (n, at, organization_pk, component, points, reason, stix_id, counterpart_pk) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.n)
    .bind(entry.at)
    .bind(entry.organization_pk)
    .bind(&entry.component)
    .bind(entry.points)
    .bind(&entry.reason)
    .bind(&entry.stix_id)
    .bind(entry.counterpart_pk)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

fn ledger_from_row(row: &sqlx::any::AnyRow) -> Result<LedgerEntry, StoreError> {
    Ok(LedgerEntry {
        n: row.try_get(0)?,
        at: row.try_get(1)?,
        organization_pk: row.try_get(2)?,
        component: row.try_get(3)?,
        points: row.try_get(4)?,
        reason: row.try_get(5)?,
        stix_id: row.try_get(6)?,
        counterpart_pk: row.try_get(7)?,
    })
}

const LEDGER_COLUMNS: &str =
    "n, at, organization_pk, component, points, reason, stix_id, counterpart_pk";

/// An organisation's ledger rows, newest first, at most `limit`, before row `before`.
pub async fn ledger_of(
    connection: &mut AnyConnection,
    organization_pk: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<LedgerEntry>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {LEDGER_COLUMNS} FROM ledger WHERE organization_pk = $1 AND n < $2 ORDER BY n DESC LIMIT $3"
    ))
    .bind(organization_pk)
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *connection)
    .await?;
    rows.iter().map(ledger_from_row).collect()
}

/// The whole ledger in order (for digests and tests).
pub async fn ledger_all(connection: &mut AnyConnection) -> Result<Vec<LedgerEntry>, StoreError> {
    let rows = sqlx::query(&format!("SELECT {LEDGER_COLUMNS} FROM ledger ORDER BY n"))
        .fetch_all(&mut *connection)
        .await?;
    rows.iter().map(ledger_from_row).collect()
}

/// Points per organisation, component and UTC day (what decayed scores are made of).
#[derive(Debug, Clone)]
pub struct DailyPoints {
    pub organization_pk: i64,
    pub component: String,
    pub day: i64,
    pub points: i64,
}

/// Ledger sums per organisation, component and day; one organisation or all.
pub async fn daily_points(
    connection: &mut AnyConnection,
    organization_pk: Option<i64>,
) -> Result<Vec<DailyPoints>, StoreError> {
    let mut sql = String::from(
        "SELECT organization_pk, component, at / 86400000000 AS day, SUM(points), COUNT(*) FROM ledger",
    );
    if organization_pk.is_some() {
        sql.push_str(" WHERE organization_pk = $1");
    }
    sql.push_str(
        " GROUP BY organization_pk, component, day ORDER BY organization_pk, component, day",
    );
    let mut query = sqlx::query(&sql);
    if let Some(pk) = organization_pk {
        query = query.bind(pk);
    }
    let rows = query.fetch_all(&mut *connection).await?;
    rows.iter()
        .map(|row| {
            Ok(DailyPoints {
                organization_pk: row.try_get(0)?,
                component: row.try_get(1)?,
                day: row.try_get(2)?,
                points: row.try_get(3)?,
            })
        })
        .collect()
}

pub async fn ledger_size(
    connection: &mut AnyConnection,
    organization_pk: i64,
) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) FROM ledger WHERE organization_pk = $1")
        .bind(organization_pk)
        .fetch_one(&mut *connection)
        .await?;
    Ok(row.try_get(0)?)
}

/// Relation and correlation count of scored reports, by object sequence number.
pub async fn relations(
    connection: &mut AnyConnection,
    seqs: &[i64],
) -> Result<std::collections::HashMap<i64, (String, i64)>, StoreError> {
    let list: Vec<String> = seqs.iter().map(i64::to_string).collect();
    let rows = sqlx::query(
        "SELECT seq, relation, correlations FROM score_reports \
         WHERE seq IN (SELECT value FROM json_each($1))",
    )
    .bind(format!("[{}]", list.join(",")))
    .fetch_all(&mut *connection)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?))))
        .collect()
}

impl super::Store {
    /// Versions not yet scored, and the `date_added` of the oldest (microseconds).
    pub async fn ledger_lag(&self) -> Result<(i64, Option<i64>), StoreError> {
        let mut connection = self.pool.acquire().await?;
        let row = sqlx::query(
            "SELECT COUNT(*), MIN(date_added) FROM objects \
             WHERE seq > (SELECT object_seq FROM score_progress WHERE id = 1)",
        )
        .fetch_one(&mut *connection)
        .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// How scored reports relate to earlier ones (`first`, `independent`, `repost`,
    /// `own`, `none`) and how many reports by others share an observable, by sequence.
    pub async fn report_relations(
        &self,
        seqs: &[i64],
    ) -> Result<std::collections::HashMap<i64, (String, i64)>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        relations(&mut connection, seqs).await
    }
}
