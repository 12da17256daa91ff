//! SQL for the fan-out outbox. No AMQP here: `fanout::relay` claims duties, publishes
//! them and completes them.

use std::collections::HashMap;

use sqlx::{AnyConnection, Row};

use super::StoreError;
use super::query::Sql;
use crate::stix::timestamp::Instant;

/// Records a duty for every version the current transaction added to the collection
/// with `date_added` (each request has its own `date_added`).
pub async fn enqueue_added(
    connection: &mut AnyConnection,
    collection_pk: i64,
    date_added: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (event, object_seq, collection_pk, stix_id, stix_type, version, date_added, tlp, \
         producer_pk, enqueued_at) \
         SELECT 'added', seq, collection_pk, stix_id, stix_type, version, date_added, tlp, producer_pk, $1 \
         FROM objects WHERE collection_pk = $2 AND date_added = $3 ORDER BY seq",
    )
    .bind(Instant::now_micros())
    .bind(collection_pk)
    .bind(date_added)
    .execute(&mut *connection)
    .await?;
    Ok(())
}

/// A version that is about to be deleted, with what its tombstone needs.
#[derive(Debug, Clone)]
pub struct Doomed {
    pub seq: i64,
    pub stix_id: String,
    pub stix_type: String,
    pub version: String,
    pub date_added: i64,
    pub tlp: String,
    pub producer_pk: i64,
    /// Recipient slugs of a RED version.
    pub red_to: Vec<String>,
}

/// Records a tombstone duty per deleted version.
pub async fn enqueue_deleted(
    connection: &mut AnyConnection,
    collection_pk: i64,
    doomed: &[Doomed],
) -> Result<(), StoreError> {
    let now = Instant::now_micros();
    for row in doomed {
        let red_to = (!row.red_to.is_empty())
            .then(|| serde_json::to_string(&row.red_to).unwrap_or_default());
        sqlx::query(
            "INSERT INTO outbox (event, object_seq, collection_pk, stix_id, stix_type, version, date_added, tlp, \
             producer_pk, red_to, enqueued_at) VALUES ('deleted', NULL, $1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(collection_pk)
        .bind(&row.stix_id)
        .bind(&row.stix_type)
        .bind(&row.version)
        .bind(row.date_added)
        .bind(&row.tlp)
        .bind(row.producer_pk)
        .bind(red_to)
        .bind(now)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

/// One claimed delivery duty, with everything needed to publish it.
#[derive(Debug, Clone)]
pub struct Duty {
    pub seq: i64,
    pub deleted: bool,
    pub collection_alias: String,
    pub collection_id: String,
    pub stix_id: String,
    pub stix_type: String,
    pub version: String,
    pub date_added: i64,
    pub tlp: String,
    pub producer_slug: String,
    pub producer_sector: String,
    /// The stored object (`added` duties); `None` when it was deleted since.
    pub body: Option<String>,
    /// Organisations entitled to a RED version besides the coordination center.
    pub red_to: Vec<String>,
}

/// Claims up to `limit` unclaimed (or lease-expired) duties for `lease_micros`.
pub async fn claim(
    connection: &mut AnyConnection,
    limit: u32,
    lease_micros: i64,
) -> Result<Vec<Duty>, StoreError> {
    let now = Instant::now_micros();
    let rows = sqlx::query(
        "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 WHERE seq IN \
         (SELECT seq FROM outbox WHERE claimed_until < $2 ORDER BY seq LIMIT $3) \
         RETURNING seq, event, object_seq, collection_pk, stix_id, stix_type, version, date_added, tlp, producer_pk, red_to",
    )
    .bind(now + lease_micros)
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(&mut *connection)
    .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let collections: HashMap<i64, (String, String)> =
        sqlx::query("SELECT pk, alias, id FROM collections")
            .fetch_all(&mut *connection)
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?))))
            .collect::<Result<_, sqlx::Error>>()?;
    let organizations: HashMap<i64, (String, String)> =
        sqlx::query("SELECT pk, slug, sector_slug FROM organizations")
            .fetch_all(&mut *connection)
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?))))
            .collect::<Result<_, sqlx::Error>>()?;

    let mut duties = Vec::with_capacity(rows.len());
    let mut object_seqs = Vec::new();
    for row in &rows {
        let event: String = row.try_get(1)?;
        let object_seq: Option<i64> = row.try_get(2)?;
        let collection_pk: i64 = row.try_get(3)?;
        let producer_pk: i64 = row.try_get(9)?;
        let red_to: Option<String> = row.try_get(10)?;
        let (alias, id) = collections.get(&collection_pk).cloned().unwrap_or_default();
        let (producer_slug, producer_sector) =
            organizations.get(&producer_pk).cloned().unwrap_or_default();
        if let Some(seq) = object_seq {
            object_seqs.push(seq.to_string());
        }
        duties.push((
            object_seq,
            Duty {
                seq: row.try_get(0)?,
                deleted: event == "deleted",
                collection_alias: alias,
                collection_id: id,
                stix_id: row.try_get(4)?,
                stix_type: row.try_get(5)?,
                version: row.try_get(6)?,
                date_added: row.try_get(7)?,
                tlp: row.try_get(8)?,
                producer_slug,
                producer_sector,
                body: None,
                red_to: red_to
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or_default(),
            },
        ));
    }
    let mut bodies: HashMap<i64, String> = HashMap::new();
    let mut recipients: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in object_seqs.chunks(500) {
        let mut sql =
            Sql::new("SELECT seq, body FROM objects WHERE seq IN (SELECT value FROM json_each(");
        sql.bind_text(format!("[{}]", chunk.join(","))).push("))");
        for row in sql.query().fetch_all(&mut *connection).await? {
            bodies.insert(row.try_get(0)?, row.try_get(1)?);
        }
        let mut sql = Sql::new(
            "SELECT r.seq, o.slug FROM object_recipients r JOIN organizations o ON o.pk = r.organization_pk \
             WHERE r.seq IN (SELECT value FROM json_each(",
        );
        sql.bind_text(format!("[{}]", chunk.join(","))).push("))");
        for row in sql.query().fetch_all(&mut *connection).await? {
            recipients
                .entry(row.try_get(0)?)
                .or_default()
                .push(row.try_get(1)?);
        }
    }
    Ok(duties
        .into_iter()
        .map(|(object_seq, mut duty)| {
            if let Some(seq) = object_seq {
                duty.body = bodies.remove(&seq);
                duty.red_to = recipients.remove(&seq).unwrap_or_default();
            }
            duty
        })
        .collect())
}

/// Removes duties whose messages the broker confirmed.
pub async fn complete(connection: &mut AnyConnection, seqs: &[i64]) -> Result<(), StoreError> {
    for chunk in seqs.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let mut sql = Sql::new("DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(");
        sql.bind_text(format!("[{}]", list.join(","))).push("))");
        sql.query().execute(&mut *connection).await?;
    }
    Ok(())
}

/// Slugs of the coordination center's organisations (analysts and administrators),
/// who receive every RED version.
pub async fn coordination_center(
    connection: &mut AnyConnection,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT slug FROM organizations WHERE role IN ('analyst', 'admin') ORDER BY slug",
    )
    .fetch_all(&mut *connection)
    .await?;
    Ok(rows.into_iter().map(|(slug,)| slug).collect())
}

/// Duties waiting, and when the oldest was enqueued (microseconds), for health metrics.
pub async fn lag(connection: &mut AnyConnection) -> Result<(i64, Option<i64>), StoreError> {
    let row = sqlx::query("SELECT COUNT(*), MIN(enqueued_at) FROM outbox")
        .fetch_one(&mut *connection)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// The bindings last made for `queue`.
pub async fn bindings(
    connection: &mut AnyConnection,
    queue: &str,
) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT routing_key FROM amqp_bindings WHERE queue = $1 ORDER BY routing_key",
    )
    .bind(queue)
    .fetch_all(&mut *connection)
    .await?;
    Ok(rows.into_iter().map(|(key,)| key).collect())
}

/// Replaces the recorded bindings of `queue`.
pub async fn set_bindings(
    connection: &mut AnyConnection,
    queue: &str,
    keys: &[String],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM amqp_bindings WHERE queue = $1")
        .bind(queue)
        .execute(&mut *connection)
        .await?;
    for key in keys {
        sqlx::query("INSERT INTO amqp_bindings (queue, routing_key) VALUES ($1, $2)")
            .bind(queue)
            .bind(key)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
}
