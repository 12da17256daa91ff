//! SQL for organisations, sectors and CEPTOARs. No HTTP.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::StoreError;
use crate::sharing::OrgRole;
use crate::stix::timestamp::Instant;

#[derive(Debug, Clone)]
pub struct Organization {
    pub pk: i64,
    pub slug: String,
    pub name: String,
    pub sector_slug: String,
    pub ceptoar_slug: Option<String>,
    pub role: OrgRole,
}

#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub slug: String,
    pub name: String,
    /// A sector slug, or a CEPTOAR slug (which names its sector too).
    pub sector: String,
    pub role: OrgRole,
}

const COLUMNS: &str = "pk, slug, name, sector_slug, ceptoar_slug, role";

fn from_row(row: &AnyRow) -> Result<Organization, StoreError> {
    let role: String = row.try_get(5)?;
    Ok(Organization {
        pk: row.try_get(0)?,
        slug: row.try_get(1)?,
        name: row.try_get(2)?,
        sector_slug: row.try_get(3)?,
        ceptoar_slug: row.try_get(4)?,
        role: OrgRole::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown role '{role}'")))?,
    })
}

pub async fn by_slug(
    connection: &mut AnyConnection,
    slug: &str,
) -> Result<Option<Organization>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM organizations WHERE slug = $1");
    let row = sqlx::query(&sql)
        .bind(slug)
        .fetch_optional(&mut *connection)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn all(connection: &mut AnyConnection) -> Result<Vec<Organization>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM organizations ORDER BY slug");
    let rows = sqlx::query(&sql).fetch_all(&mut *connection).await?;
    rows.iter().map(from_row).collect()
}

pub async fn by_key(
    connection: &mut AnyConnection,
    pk: i64,
) -> Result<Option<Organization>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM organizations WHERE pk = $1");
    let row = sqlx::query(&sql)
        .bind(pk)
        .fetch_optional(&mut *connection)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Resolves `--sector`: a sector slug (its only CEPTOAR, if it has just one) or a CEPTOAR
/// slug (with its sector).
async fn resolve_sector(
    connection: &mut AnyConnection,
    slug: &str,
) -> Result<(String, Option<String>), StoreError> {
    let ceptoars: Vec<(String, String)> = sqlx::query_as(
        "SELECT slug, sector_slug FROM ceptoars WHERE slug = $1 OR sector_slug = $1",
    )
    .bind(slug)
    .fetch_all(&mut *connection)
    .await?;
    if let Some((ceptoar, sector)) = ceptoars.iter().find(|(ceptoar, _)| ceptoar == slug) {
        return Ok((sector.clone(), Some(ceptoar.clone())));
    }
    let sector: Option<(String,)> = sqlx::query_as("SELECT slug FROM sectors WHERE slug = $1")
        .bind(slug)
        .fetch_optional(&mut *connection)
        .await?;
    match sector {
        Some((sector,)) => {
            let only = if ceptoars.len() == 1 {
                Some(ceptoars[0].0.clone())
            } else {
                None
            };
            Ok((sector, only))
        }
        None => {
            let known: Vec<(String,)> = sqlx::query_as("SELECT slug FROM sectors ORDER BY slug")
                .fetch_all(&mut *connection)
                .await?;
            let known: Vec<String> = known.into_iter().map(|(s,)| s).collect();
            Err(StoreError::Invalid(format!(
                "unknown sector '{slug}'; sectors are: {} (a CEPTOAR slug such as finance-banking works too)",
                known.join(", ")
            )))
        }
    }
}

/// Registers an organisation; an existing slug is a conflict.
pub async fn add(
    connection: &mut AnyConnection,
    new: &NewOrganization,
) -> Result<Organization, StoreError> {
    if new.slug.is_empty()
        || !new
            .slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(StoreError::Invalid(format!(
            "organisation slug '{}' must be lower-case a-z, 0-9 and '-'",
            new.slug
        )));
    }
    let (sector, ceptoar) = resolve_sector(connection, &new.sector).await?;
    let inserted = sqlx::query(
        "INSERT INTO organizations (slug, name, sector_slug, ceptoar_slug, role, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (slug) DO NOTHING",
    )
    .bind(&new.slug)
    .bind(&new.name)
    .bind(&sector)
    .bind(ceptoar.as_deref())
    .bind(new.role.as_str())
    .bind(Instant::now_micros())
    .execute(&mut *connection)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "organisation '{}' already exists",
            new.slug
        )));
    }
    by_slug(connection, &new.slug).await?.ok_or_else(|| {
        StoreError::Corrupt(format!("organisation '{}' vanished after insert", new.slug))
    })
}

/// Every sector slug, for demo data.
pub async fn sector_slugs(connection: &mut AnyConnection) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT slug FROM sectors ORDER BY slug")
        .fetch_all(&mut *connection)
        .await?;
    Ok(rows.into_iter().map(|(slug,)| slug).collect())
}

/// Keys of the organisations with the given slugs; unknown slugs are absent.
pub async fn keys_by_slug(
    connection: &mut AnyConnection,
    slugs: &[String],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    let mut keys = std::collections::HashMap::new();
    for chunk in slugs.chunks(500) {
        let mut sql = super::query::Sql::new("SELECT slug, pk FROM organizations WHERE slug IN ");
        sql.bind_list(chunk);
        for row in sql.query().fetch_all(&mut *connection).await? {
            keys.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(keys)
}
