//! SQL for collections. No HTTP.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::StoreError;

/// A TAXII collection as stored.
#[derive(Debug, Clone)]
pub struct Collection {
    pub pk: i64,
    /// Version 4 UUID, the TAXII collection id.
    pub id: String,
    /// Stable slug, e.g. `cross-sector`, `sector-electricity`, `advisories`.
    pub alias: String,
    pub title: String,
    pub description: String,
    pub kind: String,
    /// The sector of a `sector-<slug>` collection.
    pub sector_slug: Option<String>,
    pub default_tlp: String,
}

const COLUMNS: &str = "pk, id, alias, title, description, kind, sector_slug, default_tlp";

fn from_row(row: &AnyRow) -> Result<Collection, sqlx::Error> {
    Ok(Collection {
        pk: row.try_get(0)?,
        id: row.try_get(1)?,
        alias: row.try_get(2)?,
        title: row.try_get(3)?,
        description: row.try_get(4)?,
        kind: row.try_get(5)?,
        sector_slug: row.try_get(6)?,
        default_tlp: row.try_get(7)?,
    })
}

/// Every collection, cross-sector first, then sectors by alias, advisories last.
pub async fn all(connection: &mut AnyConnection) -> Result<Vec<Collection>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM collections ORDER BY \
         CASE kind WHEN 'cross-sector' THEN 0 WHEN 'sector' THEN 1 ELSE 2 END, alias"
    );
    let rows = sqlx::query(&sql).fetch_all(&mut *connection).await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// Looks a collection up by its id or, for people typing URLs, by its alias.
pub async fn by_id_or_alias(
    connection: &mut AnyConnection,
    key: &str,
) -> Result<Option<Collection>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM collections WHERE id = $1 OR alias = $1");
    let row = sqlx::query(&sql)
        .bind(key)
        .fetch_optional(&mut *connection)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}
