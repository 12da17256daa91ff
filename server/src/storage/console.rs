//! SQL for the coordination center's console: sessions, the triage queue, an object's
//! versions and sightings, and the dashboard's aggregates. No HTTP, no HTML.
//!
//! Callers pass the readable collections and the `Visibility` that `sharing` decided;
//! nothing here decides who may see what.

use sqlx::Row;

use super::objects::{Visibility, push_visibility};
use super::query::Sql;
use super::{Store, StoreError};
use crate::stix::timestamp::Instant;

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub organization_pk: i64,
    pub role: String,
    pub credential: String,
    pub csrf: String,
    pub expires_at: i64,
}

/// What the queue shows, filtered; `None` or empty means "any".
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub sector: Option<String>,
    pub ceptoar: Option<String>,
    /// The collection's alias.
    pub collection: Option<String>,
    pub stix_type: Option<String>,
    pub tlp: Option<String>,
    /// `new`, `assigned`, `confirmed`, `false-positive` or `escalated`.
    pub state: Option<String>,
    /// At least this many other organisations reported one of its observables.
    pub min_correlations: Option<i64>,
}

/// Where a listing is restricted to: the collections a principal reads and its RED rule.
#[derive(Debug, Clone)]
pub struct Scope {
    pub collection_pks: Vec<i64>,
    pub visibility: Visibility,
}

/// One line of the queue: the latest version of an object in a collection.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub seq: i64,
    pub stix_id: String,
    pub stix_type: String,
    pub name: Option<String>,
    pub date_added: i64,
    pub tlp: String,
    pub collection: String,
    pub producer: String,
    pub sector: String,
    pub ceptoar: Option<String>,
    pub state: Option<String>,
    pub assignee: Option<String>,
    pub correlations: i64,
}

/// One stored version of an object.
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub seq: i64,
    pub collection: String,
    pub collection_kind: String,
    pub version: String,
    pub date_added: i64,
    pub is_latest: bool,
    pub tlp: String,
    pub producer_pk: i64,
    pub producer: String,
    pub sector: String,
    pub ceptoar: Option<String>,
    pub body: String,
}

/// The triage state the console keeps per object (see `0004_console.sql`).
#[derive(Debug, Clone, Default)]
pub struct TriageState {
    pub state: Option<String>,
    pub assignee: Option<String>,
    pub escalated: Option<String>,
}

/// An observable reported by organisations of two sectors or more.
#[derive(Debug, Clone)]
pub struct CrossSector {
    pub kind: String,
    pub value: String,
    pub sectors: Vec<String>,
    pub organizations: i64,
    pub last_added: i64,
    pub latest_stix_id: String,
}

fn json_list(values: &[i64]) -> String {
    let list: Vec<String> = values.iter().map(i64::to_string).collect();
    format!("[{}]", list.join(","))
}

fn push_scope(sql: &mut Sql, scope: Option<&Scope>) {
    if let Some(scope) = scope {
        sql.push(" AND o.collection_pk IN (SELECT value FROM json_each(")
            .bind_text(json_list(&scope.collection_pks))
            .push("))");
        push_visibility(sql, scope.visibility);
    }
}

const VERSION_COLUMNS: &str = "o.seq, c.alias, c.kind, o.version, o.date_added, o.is_latest, o.tlp, \
     o.producer_pk, g.slug, g.sector_slug, g.ceptoar_slug, o.body";

fn version_row(row: &sqlx::any::AnyRow) -> Result<VersionRow, StoreError> {
    let is_latest: i64 = row.try_get(5)?;
    Ok(VersionRow {
        seq: row.try_get(0)?,
        collection: row.try_get(1)?,
        collection_kind: row.try_get(2)?,
        version: row.try_get(3)?,
        date_added: row.try_get(4)?,
        is_latest: is_latest == 1,
        tlp: row.try_get(6)?,
        producer_pk: row.try_get(7)?,
        producer: row.try_get(8)?,
        sector: row.try_get(9)?,
        ceptoar: row.try_get(10)?,
        body: row.try_get(11)?,
    })
}

impl Store {
    /// Opens a session; expired sessions are removed on the way.
    pub async fn create_console_session(
        &self,
        id_sha256: &str,
        session: &Session,
    ) -> Result<(), StoreError> {
        let now = Instant::now_micros();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM console_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO console_sessions (id_sha256, organization_pk, role, credential, csrf, \
             created_at, last_seen, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(id_sha256)
        .bind(session.organization_pk)
        .bind(&session.role)
        .bind(&session.credential)
        .bind(&session.csrf)
        .bind(now)
        .bind(session.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live session with this id: not past its absolute end, and seen within
    /// `idle_micros`. Touches `last_seen` at most once a minute.
    pub async fn console_session(
        &self,
        id_sha256: &str,
        idle_micros: i64,
    ) -> Result<Option<Session>, StoreError> {
        let now = Instant::now_micros();
        let row = sqlx::query(
            "SELECT organization_pk, role, credential, csrf, expires_at, last_seen \
             FROM console_sessions WHERE id_sha256 = $1",
        )
        .bind(id_sha256)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let last_seen: i64 = row.try_get(5)?;
        let session = Session {
            organization_pk: row.try_get(0)?,
            role: row.try_get(1)?,
            credential: row.try_get(2)?,
            csrf: row.try_get(3)?,
            expires_at: row.try_get(4)?,
        };
        if session.expires_at <= now || last_seen + idle_micros <= now {
            self.end_console_session(id_sha256).await?;
            return Ok(None);
        }
        if now - last_seen > 60_000_000 {
            sqlx::query("UPDATE console_sessions SET last_seen = $1 WHERE id_sha256 = $2")
                .bind(now)
                .bind(id_sha256)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(session))
    }

    pub async fn end_console_session(&self, id_sha256: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM console_sessions WHERE id_sha256 = $1")
            .bind(id_sha256)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A page of the queue, newest first, strictly before `before_seq` (keyset paging
    /// on `objects.seq`, which grows with `date_added`); `limit + 1` rows are read so the
    /// caller knows whether more follow. `scope` restricts members to what they read.
    pub async fn console_queue(
        &self,
        filter: &QueueFilter,
        scope: Option<&Scope>,
        before_seq: Option<i64>,
        limit: u32,
    ) -> Result<Vec<QueueRow>, StoreError> {
        // Maintained by the background scorer; a row may lag ingest a moment (then 0).
        let correlations = "COALESCE((SELECT MAX(r.correlations) FROM score_reports r \
                            WHERE r.stix_id = o.stix_id), 0)";
        let mut sql = Sql::new(&format!(
            "SELECT o.seq, o.stix_id, o.stix_type, json_extract(o.body, '$.name'), o.date_added, \
             o.tlp, c.alias, g.slug, g.sector_slug, g.ceptoar_slug, s.state, s.assignee, \
             {correlations} FROM objects o \
             JOIN collections c ON c.pk = o.collection_pk \
             JOIN organizations g ON g.pk = o.producer_pk \
             LEFT JOIN console_triage_state s ON s.stix_id = o.stix_id \
             WHERE o.is_latest = 1"
        ));
        if let Some(before) = before_seq {
            sql.push(" AND o.seq < ").bind_int(before);
        }
        if let Some(sector) = &filter.sector {
            sql.push(" AND g.sector_slug = ").bind_text(sector.as_str());
        }
        if let Some(ceptoar) = &filter.ceptoar {
            sql.push(" AND g.ceptoar_slug = ")
                .bind_text(ceptoar.as_str());
        }
        if let Some(collection) = &filter.collection {
            sql.push(" AND c.alias = ").bind_text(collection.as_str());
        }
        if let Some(stix_type) = &filter.stix_type {
            sql.push(" AND o.stix_type = ")
                .bind_text(stix_type.as_str());
        }
        if let Some(tlp) = &filter.tlp {
            sql.push(" AND o.tlp = ").bind_text(tlp.as_str());
        }
        match filter.state.as_deref() {
            None => {}
            Some("new") => {
                sql.push(" AND s.state IS NULL");
            }
            Some("assigned") => {
                sql.push(" AND s.assignee IS NOT NULL AND s.state IS NULL");
            }
            Some(state) => {
                sql.push(" AND s.state = ").bind_text(state);
            }
        }
        if let Some(minimum) = filter.min_correlations.filter(|n| *n > 0) {
            // Driven from the scorer's reports (indexed by count), not by testing every
            // object: correlated objects are few.
            sql.push(
                " AND o.stix_id IN (SELECT r.stix_id FROM score_reports r WHERE r.correlations >= ",
            )
            .bind_int(minimum)
            .push(")");
        }
        push_scope(&mut sql, scope);
        sql.push(" ORDER BY o.seq DESC LIMIT ")
            .bind_int(i64::from(limit) + 1);
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(QueueRow {
                    seq: row.try_get(0)?,
                    stix_id: row.try_get(1)?,
                    stix_type: row.try_get(2)?,
                    name: row.try_get(3)?,
                    date_added: row.try_get(4)?,
                    tlp: row.try_get(5)?,
                    collection: row.try_get(6)?,
                    producer: row.try_get(7)?,
                    sector: row.try_get(8)?,
                    ceptoar: row.try_get(9)?,
                    state: row.try_get(10)?,
                    assignee: row.try_get(11)?,
                    correlations: row.try_get(12)?,
                })
            })
            .collect()
    }

    /// Every stored version of `stix_id` within `scope` (everything when `None`),
    /// newest first.
    pub async fn object_versions(
        &self,
        stix_id: &str,
        scope: Option<&Scope>,
    ) -> Result<Vec<VersionRow>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {VERSION_COLUMNS} FROM objects o \
             JOIN collections c ON c.pk = o.collection_pk \
             JOIN organizations g ON g.pk = o.producer_pk WHERE o.stix_id = "
        ));
        sql.bind_text(stix_id);
        push_scope(&mut sql, scope);
        sql.push(" ORDER BY o.version_key DESC, o.seq DESC LIMIT 200");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(version_row).collect()
    }

    /// The latest versions of sightings whose `sighting_of_ref` is `stix_id`, within
    /// `scope`, newest first.
    pub async fn sightings_of(
        &self,
        stix_id: &str,
        scope: Option<&Scope>,
    ) -> Result<Vec<VersionRow>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {VERSION_COLUMNS} FROM objects o \
             JOIN collections c ON c.pk = o.collection_pk \
             JOIN organizations g ON g.pk = o.producer_pk \
             WHERE o.stix_type = 'sighting' AND json_extract(o.body, '$.sighting_of_ref') = "
        ));
        sql.bind_text(stix_id).push(" AND o.is_latest = 1");
        push_scope(&mut sql, scope);
        sql.push(" ORDER BY o.seq DESC LIMIT 200");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(version_row).collect()
    }

    pub async fn console_triage_state(&self, stix_id: &str) -> Result<TriageState, StoreError> {
        let row = sqlx::query(
            "SELECT state, assignee, escalated FROM console_triage_state WHERE stix_id = $1",
        )
        .bind(stix_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            None => TriageState::default(),
            Some(row) => TriageState {
                state: row.try_get(0)?,
                assignee: row.try_get(1)?,
                escalated: row.try_get(2)?,
            },
        })
    }

    /// Versions members added since `since` (microseconds) per producing sector and UTC
    /// day (days since the epoch), within `scope`; the coordination center's copies and
    /// advisories are not submissions.
    pub async fn console_submissions_per_day(
        &self,
        since: i64,
        scope: Option<&Scope>,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        // `collection_pk IN (...) AND date_added >= ...` walks objects_by_date_added.
        let mut sql = Sql::new(
            "SELECT g.sector_slug, o.date_added / 86400000000, COUNT(*) FROM objects o \
             JOIN organizations g ON g.pk = o.producer_pk \
             WHERE g.role = 'member' \
             AND o.collection_pk IN (SELECT pk FROM collections) AND o.date_added >= ",
        );
        sql.bind_int(since);
        push_scope(&mut sql, scope);
        sql.push(" GROUP BY 1, 2 ORDER BY 2, 1");
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .collect()
    }

    /// Observables of versions added since `since` that member organisations of two
    /// sectors or more reported (at any time), most recent first; the coordination
    /// center's own copies and advisories do not count. For the coordination center
    /// only: it counts every organisation.
    pub async fn console_cross_sector(
        &self,
        since: i64,
        limit: u32,
    ) -> Result<Vec<CrossSector>, StoreError> {
        let rows = sqlx::query(
            "WITH recent AS (SELECT DISTINCT x.kind, x.value FROM objects o \
               JOIN observables x ON x.seq = o.seq \
               WHERE o.collection_pk IN (SELECT pk FROM collections) AND o.date_added >= $1) \
             SELECT x.kind, x.value, json_group_array(DISTINCT g.sector_slug), \
               COUNT(DISTINCT o.producer_pk), MAX(o.date_added), \
               (SELECT o2.stix_id FROM observables x2 JOIN objects o2 ON o2.seq = x2.seq \
                WHERE x2.kind = x.kind AND x2.value = x.value ORDER BY o2.seq DESC LIMIT 1) \
             FROM recent r JOIN observables x ON x.kind = r.kind AND x.value = r.value \
             JOIN objects o ON o.seq = x.seq JOIN organizations g ON g.pk = o.producer_pk \
             WHERE g.role = 'member' \
             GROUP BY x.kind, x.value HAVING COUNT(DISTINCT g.sector_slug) >= 2 \
             ORDER BY MAX(o.date_added) DESC LIMIT $2",
        )
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let sectors: String = row.try_get(2)?;
                Ok(CrossSector {
                    kind: row.try_get(0)?,
                    value: row.try_get(1)?,
                    sectors: serde_json::from_str(&sectors)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    organizations: row.try_get(3)?,
                    last_added: row.try_get(4)?,
                    latest_stix_id: row.try_get(5)?,
                })
            })
            .collect()
    }

    /// Names analysts acted under, for the assignment form.
    pub async fn console_analysts(&self) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query("SELECT DISTINCT analyst FROM triage_events ORDER BY analyst LIMIT 200")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|row| Ok(row.try_get(0)?)).collect()
    }
}

impl Store {
    /// CEPTOAR slugs, for the queue's filter.
    pub async fn console_ceptoars(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT slug FROM ceptoars ORDER BY slug")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|row| Ok(row.try_get(0)?)).collect()
    }
}
