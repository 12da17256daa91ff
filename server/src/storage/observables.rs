//! SQL for observables: written beside each stored version, read to answer "who else
//! reported this". No HTTP.

use sqlx::{AnyConnection, Row};

use super::StoreError;
use super::objects::{NewRow, Visibility};
use super::query::Sql;

/// Rows per INSERT: four values each.
const ROWS_PER_INSERT: usize = 200;

/// Indexes the observables of the versions just inserted into the collection.
pub async fn insert(
    connection: &mut AnyConnection,
    collection_pk: i64,
    rows: &[NewRow<'_>],
) -> Result<(), StoreError> {
    let entries: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .flat_map(|row| {
            row.object.observables.iter().map(move |observable| {
                (
                    row.object.id.as_str(),
                    row.version_key.as_str(),
                    observable.kind.as_str(),
                    observable.value.as_str(),
                )
            })
        })
        .collect();
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        let mut sql = Sql::new(
            "INSERT INTO observables (seq, kind, value) SELECT o.seq, v.column3, v.column4 FROM (VALUES ",
        );
        for (i, (id, key, kind, value)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind_text(*id)
                .push(", ")
                .bind_text(*key)
                .push(", ")
                .bind_text(*kind)
                .push(", ")
                .bind_text(*value)
                .push(")");
        }
        sql.push(") AS v JOIN objects o ON o.stix_id = v.column1 AND o.version_key = v.column2 AND o.collection_pk = ")
            .bind_int(collection_pk)
            .push(" ON CONFLICT DO NOTHING");
        sql.query().execute(&mut *connection).await?;
    }
    Ok(())
}

/// One stored version that reported an observable.
#[derive(Debug, Clone)]
pub struct Report {
    pub seq: i64,
    pub collection: String,
    pub stix_id: String,
    pub stix_type: String,
    pub version: String,
    pub date_added: i64,
    pub organization: String,
    pub sector: String,
    pub tlp: String,
}

/// Versions reporting `kind:value` in the given collections, as `visibility` allows,
/// oldest first.
pub async fn reports(
    connection: &mut AnyConnection,
    kind: &str,
    value: &str,
    collection_pks: &[i64],
    visibility: Visibility,
    limit: u32,
) -> Result<Vec<Report>, StoreError> {
    if collection_pks.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT c.alias, o.stix_id, o.stix_type, o.version, o.date_added, g.slug, g.sector_slug, o.tlp, o.seq \
         FROM observables x JOIN objects o ON o.seq = x.seq \
         JOIN collections c ON c.pk = o.collection_pk JOIN organizations g ON g.pk = o.producer_pk \
         WHERE x.kind = ",
    );
    sql.bind_text(kind).push(" AND x.value = ").bind_text(value);
    let list: Vec<String> = collection_pks.iter().map(i64::to_string).collect();
    sql.push(" AND o.collection_pk IN (SELECT value FROM json_each(")
        .bind_text(format!("[{}]", list.join(",")))
        .push("))");
    super::objects::push_visibility(&mut sql, visibility);
    sql.push(" ORDER BY o.date_added, o.seq LIMIT ")
        .bind_int(i64::from(limit));
    let rows = sql.query().fetch_all(&mut *connection).await?;
    rows.iter()
        .map(|row| {
            Ok(Report {
                seq: row.try_get(8)?,
                collection: row.try_get(0)?,
                stix_id: row.try_get(1)?,
                stix_type: row.try_get(2)?,
                version: row.try_get(3)?,
                date_added: row.try_get(4)?,
                organization: row.try_get(5)?,
                sector: row.try_get(6)?,
                tlp: row.try_get(7)?,
            })
        })
        .collect()
}
