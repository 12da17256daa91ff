//! Loads the seed registry into the database; rows already present are kept as they are,
//! so collection ids made on first start never change.

use sqlx::AnyConnection;

use super::StoreError;
use crate::sharing::registry::Seeds;
use crate::stix::timestamp::Instant;

pub async fn load(connection: &mut AnyConnection, seeds: &Seeds) -> Result<(), StoreError> {
    for sector in &seeds.sectors {
        sqlx::query(
            "INSERT INTO sectors (slug, name_en, name_ja, added_on, industry_sector) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (slug) DO NOTHING",
        )
        .bind(&sector.slug)
        .bind(&sector.name_en)
        .bind(&sector.name_ja)
        .bind(&sector.added_on)
        .bind(sector.industry_sector.join(","))
        .execute(&mut *connection)
        .await?;
        for ceptoar in &sector.ceptoars {
            sqlx::query(
                "INSERT INTO ceptoars (slug, sector_slug, name_en, name_ja) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (slug) DO NOTHING",
            )
            .bind(&ceptoar.slug)
            .bind(&sector.slug)
            .bind(&ceptoar.name_en)
            .bind(&ceptoar.name_ja)
            .execute(&mut *connection)
            .await?;
        }
    }
    for collection in &seeds.collections {
        let sector = crate::sharing::registry::sector_of_alias(&collection.alias);
        sqlx::query(
            "INSERT INTO collections (id, alias, title, description, kind, sector_slug, default_tlp, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (alias) DO NOTHING",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&collection.alias)
        .bind(&collection.title)
        .bind(&collection.description)
        .bind(&collection.kind)
        .bind(sector)
        .bind(&collection.default_tlp)
        .bind(Instant::now_micros())
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}
