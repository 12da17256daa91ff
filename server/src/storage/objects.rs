//! SQL for STIX objects and their versions. No HTTP.
//!
//! Each accepted version is a row holding the JSON text as received. Rows are written
//! under the store's writer lock with a `date_added` that never decreases and a `seq`
//! that never repeats, so `(date_added, seq)` grows in commit order: a cursor positioned
//! on one row sees every row committed after it, exactly once.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sqlx::{AnyConnection, AnyPool, Row};

use super::StoreError;
use super::outbox::Doomed;
use super::query::Sql;
use super::statuses::StatusDetail;
use crate::stix::ValidObject;
use crate::stix::timestamp::{Instant, TaxiiTimestamp};
use crate::stix::tlp::Tlp;

/// Which versions of each object a request selects (TAXII 2.1 `match[version]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSelector {
    pub all: bool,
    pub first: bool,
    pub last: bool,
    /// `Instant::version_key`s of explicitly named versions.
    pub keys: Vec<String>,
}

impl Default for VersionSelector {
    /// The spec's default: the latest version only.
    fn default() -> Self {
        VersionSelector {
            all: false,
            first: false,
            last: true,
            keys: Vec::new(),
        }
    }
}

/// Which rows of a readable collection a caller sees (decided by `sharing::visibility`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Every row (coordination-center analysts, administrators).
    All,
    /// Every row but TLP:RED ones the organisation neither produced nor was named in.
    Organization(i64),
}

/// The filters of a listing request, shared by objects, manifest, versions and delete.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only rows added strictly after this time (microseconds).
    pub added_after: Option<i64>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub versions: VersionSelector,
    pub spec_versions: Vec<String>,
}

/// A page position: the `(date_added, seq)` of the last row already served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub date_added: i64,
    pub seq: i64,
}

/// One stored version in a listing; `body` only when asked for.
#[derive(Debug, Clone)]
pub struct Listed {
    pub position: Position,
    pub stix_id: String,
    pub version: String,
    pub spec_version: String,
    pub body: Option<String>,
}

pub async fn max_date_added(pool: &AnyPool) -> Result<i64, StoreError> {
    let (value,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(date_added), 0) FROM objects")
        .fetch_one(pool)
        .await?;
    Ok(value)
}

/// Appends the TLP:RED rule of `visibility` for rows aliased `o`: RED versions only
/// for their producer and their named recipients.
pub fn push_visibility(sql: &mut Sql, visibility: Visibility) {
    if let Visibility::Organization(pk) = visibility {
        sql.push(" AND (o.tlp <> 'red' OR o.producer_pk = ")
            .bind_int(pk)
            .push(" OR EXISTS (SELECT 1 FROM object_recipients r WHERE r.seq = o.seq AND r.organization_pk = ")
            .bind_int(pk)
            .push("))");
    }
}

/// Appends ` AND ...` clauses for `visibility` and `filters` on rows aliased `o`.
fn push_filters(sql: &mut Sql, visibility: Visibility, filters: &Filters) {
    push_visibility(sql, visibility);
    if let Some(after) = filters.added_after {
        sql.push(" AND o.date_added > ").bind_int(after);
    }
    if !filters.ids.is_empty() {
        sql.push(" AND o.stix_id IN ").bind_list(&filters.ids);
    }
    if !filters.types.is_empty() {
        sql.push(" AND o.stix_type IN ").bind_list(&filters.types);
    }
    if !filters.spec_versions.is_empty() {
        sql.push(" AND o.spec_version IN ")
            .bind_list(&filters.spec_versions);
    }
    let selector = &filters.versions;
    if !selector.all {
        let mut alternatives = Vec::new();
        if selector.last {
            alternatives.push("o.is_latest = 1".to_owned());
        }
        if selector.first {
            alternatives.push(
                "NOT EXISTS (SELECT 1 FROM objects p WHERE p.collection_pk = o.collection_pk \
                 AND p.stix_id = o.stix_id AND p.version_key < o.version_key)"
                    .to_owned(),
            );
        }
        sql.push(" AND (");
        for (i, alternative) in alternatives.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push(alternative);
        }
        if !selector.keys.is_empty() {
            if !alternatives.is_empty() {
                sql.push(" OR ");
            }
            sql.push("o.version_key IN ").bind_list(&selector.keys);
        }
        if alternatives.is_empty() && selector.keys.is_empty() {
            sql.push("1 = 0");
        }
        sql.push(")");
    }
}

/// Up to `limit` rows after `after`, oldest `date_added` first, and whether more follow.
pub async fn page(
    connection: &mut AnyConnection,
    collection_pk: i64,
    visibility: Visibility,
    filters: &Filters,
    after: Option<Position>,
    limit: u32,
    with_body: bool,
) -> Result<(Vec<Listed>, bool), StoreError> {
    let columns = if with_body {
        "o.date_added, o.seq, o.stix_id, o.version, o.spec_version, o.body"
    } else {
        "o.date_added, o.seq, o.stix_id, o.version, o.spec_version"
    };
    // With ids given, `+` keeps SQLite from scanning the collection's date index and
    // makes it look the ids up in `objects_by_version` instead.
    let collection = if filters.ids.is_empty() {
        "o.collection_pk"
    } else {
        "+o.collection_pk"
    };
    let mut sql = Sql::new(&format!(
        "SELECT {columns} FROM objects o WHERE {collection} = "
    ));
    sql.bind_int(collection_pk);
    if let Some(position) = after {
        sql.push(" AND (o.date_added, o.seq) > (")
            .bind_int(position.date_added)
            .push(", ")
            .bind_int(position.seq)
            .push(")");
    }
    push_filters(&mut sql, visibility, filters);
    sql.push(" ORDER BY o.date_added, o.seq LIMIT ")
        .bind_int(i64::from(limit) + 1);

    let rows = sql.query().fetch_all(&mut *connection).await?;
    let more = rows.len() > limit as usize;
    let mut listed = Vec::with_capacity(rows.len().min(limit as usize));
    for row in rows.iter().take(limit as usize) {
        listed.push(Listed {
            position: Position {
                date_added: row.try_get(0)?,
                seq: row.try_get(1)?,
            },
            stix_id: row.try_get(2)?,
            version: row.try_get(3)?,
            spec_version: row.try_get(4)?,
            body: if with_body {
                Some(row.try_get(5)?)
            } else {
                None
            },
        });
    }
    Ok((listed, more))
}

/// Deletes the selected versions of one object, keeping a copy in `deleted_objects`
/// stamped `deleted_at`; returns them, with the recipients of RED ones, so their
/// tombstones can be published.
pub async fn delete(
    connection: &mut AnyConnection,
    collection_pk: i64,
    stix_id: &str,
    filters: &Filters,
    deleted_at: i64,
) -> Result<Vec<Doomed>, StoreError> {
    let mut sql = Sql::new(
        "SELECT o.seq, o.stix_id, o.stix_type, o.version, o.date_added, o.tlp, o.producer_pk \
         FROM objects o WHERE +o.collection_pk = ",
    );
    sql.bind_int(collection_pk)
        .push(" AND o.stix_id = ")
        .bind_text(stix_id);
    push_filters(&mut sql, Visibility::All, filters);
    let mut doomed = Vec::new();
    for row in sql.query().fetch_all(&mut *connection).await? {
        doomed.push(Doomed {
            seq: row.try_get(0)?,
            stix_id: row.try_get(1)?,
            stix_type: row.try_get(2)?,
            version: row.try_get(3)?,
            date_added: row.try_get(4)?,
            tlp: row.try_get(5)?,
            producer_pk: row.try_get(6)?,
            red_to: Vec::new(),
        });
    }
    for row in doomed.iter_mut().filter(|row| row.tlp == "red") {
        let slugs: Vec<(String,)> = sqlx::query_as(
            "SELECT o.slug FROM object_recipients r JOIN organizations o ON o.pk = r.organization_pk \
             WHERE r.seq = $1 ORDER BY o.slug",
        )
        .bind(row.seq)
        .fetch_all(&mut *connection)
        .await?;
        row.red_to = slugs.into_iter().map(|(slug,)| slug).collect();
    }
    for row in &doomed {
        // Kept for the contribution ledger: a rebuild replays what the scorer saw.
        sqlx::query(
            "INSERT INTO deleted_objects (seq, collection_pk, stix_id, stix_type, version, \
             date_added, producer_pk, tlp, recipients, body, deleted_at) \
             SELECT o.seq, o.collection_pk, o.stix_id, o.stix_type, o.version, o.date_added, \
             o.producer_pk, o.tlp, (SELECT json_group_array(r.organization_pk) FROM object_recipients r \
             WHERE r.seq = o.seq), o.body, $2 FROM objects o WHERE o.seq = $1",
        )
        .bind(row.seq)
        .bind(deleted_at)
        .execute(&mut *connection)
        .await?;
        sqlx::query("DELETE FROM objects WHERE seq = $1")
            .bind(row.seq)
            .execute(&mut *connection)
            .await?;
    }
    if !doomed.is_empty() {
        // If the newest version went, the newest that remains becomes the latest.
        sqlx::query(
            "UPDATE objects SET is_latest = 1 WHERE seq = (SELECT seq FROM objects \
             WHERE +collection_pk = $1 AND stix_id = $2 ORDER BY version_key DESC LIMIT 1) \
             AND NOT EXISTS (SELECT 1 FROM objects WHERE +collection_pk = $1 AND stix_id = $2 AND is_latest = 1)",
        )
        .bind(collection_pk)
        .bind(stix_id)
        .execute(&mut *connection)
        .await?;
    }
    Ok(doomed)
}

/// A version already stored for one of the ids being added.
#[derive(Debug)]
pub struct StoredVersion {
    pub stix_id: String,
    pub version: String,
    pub version_key: String,
    pub is_latest: bool,
    pub body: String,
}

/// Every stored version of the given ids in the collection.
pub async fn stored_versions(
    connection: &mut AnyConnection,
    collection_pk: i64,
    ids: &[String],
) -> Result<Vec<StoredVersion>, StoreError> {
    let mut stored = Vec::new();
    for chunk in ids.chunks(500) {
        let mut sql = Sql::new(
            "SELECT stix_id, version, version_key, is_latest, body FROM objects WHERE +collection_pk = ",
        );
        sql.bind_int(collection_pk)
            .push(" AND stix_id IN ")
            .bind_list(chunk);
        for row in sql.query().fetch_all(&mut *connection).await? {
            let is_latest: i64 = row.try_get(3)?;
            stored.push(StoredVersion {
                stix_id: row.try_get(0)?,
                version: row.try_get(1)?,
                version_key: row.try_get(2)?,
                is_latest: is_latest == 1,
                body: row.try_get(4)?,
            });
        }
    }
    Ok(stored)
}

/// A version to insert.
#[derive(Debug)]
pub struct NewRow<'a> {
    pub object: &'a ValidObject<'a>,
    pub version: String,
    pub version_key: String,
    pub is_latest: bool,
    /// Effective TLP: the object's markings, else the collection's default.
    pub tlp: Tlp,
}

/// What adding a batch does: rows to insert, ids whose stored latest row is superseded,
/// and the per-object outcome for the status resource.
#[derive(Debug, Default)]
pub struct Plan<'a> {
    pub rows: Vec<NewRow<'a>>,
    pub superseded: Vec<String>,
    pub successes: Vec<StatusDetail>,
    pub failures: Vec<StatusDetail>,
}

#[derive(Clone, Copy)]
enum Held {
    Stored(usize),
    New(usize),
}

#[derive(Default)]
struct IdState {
    versions: HashMap<String, Held>,
    latest: Option<(String, Held)>,
}

/// Decides, without touching the database, what each object of a batch becomes.
///
/// A version already held with the same JSON value is an idempotent success; with a
/// different value it is refused (STIX: a new version needs a new `modified`). An object
/// without a version (most SCOs) that equals the newest held version is a success too;
/// otherwise it becomes a new version identified by `date_added`.
///
/// A versioned object whose id another organisation created may be re-shared only as a
/// version that already exists (`foreign` holds those ids and their known version keys);
/// a new version of it is refused.
pub fn plan<'a>(
    objects: &'a [ValidObject<'a>],
    stored: &[StoredVersion],
    foreign: &Foreign,
    default_tlp: Tlp,
    date_added: i64,
) -> Plan<'a> {
    let mut states: HashMap<&str, IdState> = HashMap::new();
    for (index, version) in stored.iter().enumerate() {
        let state = states.entry(version.stix_id.as_str()).or_default();
        state
            .versions
            .insert(version.version_key.clone(), Held::Stored(index));
        if version.is_latest {
            state.latest = Some((version.version_key.clone(), Held::Stored(index)));
        }
    }
    let mut plan = Plan::default();
    let mut superseded = HashSet::new();
    let unversioned_text = TaxiiTimestamp(date_added).to_string();
    let unversioned_key = Instant::from_micros(date_added).version_key();

    for object in objects {
        let state = states.entry(object.id.as_str()).or_default();
        let (version, key) = match &object.version {
            Some(version) => (version.text.clone(), version.key.clone()),
            None => {
                if let Some((_, held)) = state.latest
                    && same_json(held_body(held, stored, &plan.rows), object.body())
                {
                    plan.successes
                        .push(success(object, held_version(held, stored, &plan.rows)));
                    continue;
                }
                (unversioned_text.clone(), unversioned_key.clone())
            }
        };
        if let Some(known) = foreign.get(object.id.as_str())
            && !known
                .get(&key)
                .is_some_and(|body| same_json(body, object.body()))
        {
            plan.failures.push(StatusDetail {
                id: object.id.to_string(),
                version: Some(version),
                message: Some(
                    "another organisation created this object; only its creator may add or change \
                     versions of it (STIX 2.1 section 3.6): re-share an existing version unchanged, or \
                     share a new object with a derived-from relationship"
                        .into(),
                ),
            });
            continue;
        }
        if let Some(&held) = state.versions.get(&key) {
            if same_json(held_body(held, stored, &plan.rows), object.body()) {
                plan.successes.push(success(object, version));
            } else {
                plan.failures.push(StatusDetail {
                    id: object.id.to_string(),
                    version: Some(version),
                    message: Some(
                        "a different object with this id and version is already stored; \
                         a new version needs a later 'modified'"
                            .into(),
                    ),
                });
            }
            continue;
        }
        let row = plan.rows.len();
        let newest = state
            .latest
            .as_ref()
            .is_none_or(|(latest, _)| key > *latest);
        if newest {
            match state.latest {
                Some((_, Held::Stored(_))) if superseded.insert(object.id.as_str()) => {
                    plan.superseded.push(object.id.to_string());
                }
                Some((_, Held::New(previous))) => plan.rows[previous].is_latest = false,
                Some((_, Held::Stored(_))) | None => {}
            }
            state.latest = Some((key.clone(), Held::New(row)));
        }
        state.versions.insert(key.clone(), Held::New(row));
        plan.successes.push(success(object, version.clone()));
        plan.rows.push(NewRow {
            object,
            version,
            version_key: key,
            is_latest: newest,
            tlp: object.tlp.unwrap_or(default_tlp),
        });
    }
    plan
}

fn held_body<'s>(held: Held, stored: &'s [StoredVersion], rows: &'s [NewRow<'_>]) -> &'s str {
    match held {
        Held::Stored(i) => stored[i].body.as_str(),
        Held::New(i) => rows[i].object.body(),
    }
}

fn held_version(held: Held, stored: &[StoredVersion], rows: &[NewRow<'_>]) -> String {
    match held {
        Held::Stored(i) => stored[i].version.clone(),
        Held::New(i) => rows[i].version.clone(),
    }
}

fn success(object: &ValidObject<'_>, version: String) -> StatusDetail {
    StatusDetail {
        id: object.id.to_string(),
        version: Some(version),
        message: (!object.warnings.is_empty()).then(|| object.warnings.join("; ")),
    }
}

/// Whether two JSON texts hold the same value (key order and number spelling aside).
fn same_json(a: &str, b: &str) -> bool {
    a == b
        || matches!(
            (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// Clears the latest flag of the stored rows of `ids`.
pub async fn supersede(
    connection: &mut AnyConnection,
    collection_pk: i64,
    ids: &[String],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(500) {
        let mut sql =
            Sql::new("UPDATE objects SET is_latest = 0 WHERE is_latest = 1 AND +collection_pk = ");
        sql.bind_int(collection_pk)
            .push(" AND stix_id IN ")
            .bind_list(chunk);
        sql.query().execute(&mut *connection).await?;
    }
    Ok(())
}

/// Rows per INSERT statement: 11 values each, well under SQLite's variable limit.
const ROWS_PER_INSERT: usize = 100;

pub async fn insert(
    connection: &mut AnyConnection,
    collection_pk: i64,
    producer_pk: i64,
    date_added: i64,
    rows: &[NewRow<'_>],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = Sql::new(
            "INSERT INTO objects (collection_pk, stix_id, stix_type, spec_version, version, \
             version_key, date_added, is_latest, producer_pk, tlp, body) VALUES ",
        );
        for (i, row) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind_int(collection_pk)
                .push(", ")
                .bind_text(row.object.id.as_str())
                .push(", ")
                .bind_text(row.object.type_name.as_str())
                .push(", ")
                .bind_text(row.object.spec_version.as_str())
                .push(", ")
                .bind_text(row.version.as_str())
                .push(", ")
                .bind_text(row.version_key.as_str())
                .push(", ")
                .bind_int(date_added)
                .push(", ")
                .bind_int(i64::from(row.is_latest))
                .push(", ")
                .bind_int(producer_pk)
                .push(", ")
                .bind_text(row.tlp.as_str())
                .push(", ")
                .bind_text(row.object.body())
                .push(")");
        }
        sql.query().execute(&mut *connection).await?;
    }
    Ok(())
}

/// The creators of the given versioned ids, where known.
pub async fn owners(
    connection: &mut AnyConnection,
    ids: &[String],
) -> Result<HashMap<String, i64>, StoreError> {
    let mut owners = HashMap::new();
    for chunk in ids.chunks(500) {
        let mut sql =
            Sql::new("SELECT stix_id, organization_pk FROM object_owners WHERE stix_id IN ");
        sql.bind_list(chunk);
        for row in sql.query().fetch_all(&mut *connection).await? {
            owners.insert(row.try_get(0)?, row.try_get(1)?);
        }
    }
    Ok(owners)
}

/// The creator of one id, where known.
pub async fn owner(
    connection: &mut AnyConnection,
    stix_id: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(owners(connection, &[stix_id.to_owned()])
        .await?
        .get(stix_id)
        .copied())
}

/// Every version key held anywhere in the hub for the given ids.
pub async fn versions_anywhere(
    connection: &mut AnyConnection,
    ids: &[String],
) -> Result<Foreign, StoreError> {
    let mut versions: Foreign = HashMap::new();
    for chunk in ids.chunks(500) {
        let mut sql = Sql::new("SELECT stix_id, version_key, body FROM objects WHERE stix_id IN ");
        sql.bind_list(chunk);
        for row in sql.query().fetch_all(&mut *connection).await? {
            versions
                .entry(row.try_get(0)?)
                .or_default()
                .insert(row.try_get(1)?, row.try_get(2)?);
        }
    }
    Ok(versions)
}

/// Ids created by another organisation, with the versions the hub holds of them
/// (version key to JSON text).
pub type Foreign = HashMap<String, HashMap<String, String>>;

/// Records `organization_pk` as creator of the ids not owned yet.
pub async fn claim_ownership(
    connection: &mut AnyConnection,
    ids: &[String],
    organization_pk: i64,
) -> Result<(), StoreError> {
    for chunk in ids.chunks(400) {
        let mut sql = Sql::new("INSERT INTO object_owners (stix_id, organization_pk) VALUES ");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind_text(id.as_str())
                .push(", ")
                .bind_int(organization_pk)
                .push(")");
        }
        sql.push(" ON CONFLICT (stix_id) DO NOTHING");
        sql.query().execute(&mut *connection).await?;
    }
    Ok(())
}

/// Names the recipients of a stored TLP:RED version.
pub async fn add_recipients(
    connection: &mut AnyConnection,
    collection_pk: i64,
    row: &NewRow<'_>,
    organization_pks: &[i64],
) -> Result<(), StoreError> {
    for pk in organization_pks {
        sqlx::query(
            "INSERT INTO object_recipients (seq, organization_pk) SELECT seq, $1 FROM objects \
             WHERE stix_id = $2 AND version_key = $3 AND collection_pk = $4 ON CONFLICT DO NOTHING",
        )
        .bind(*pk)
        .bind(row.object.id.as_str())
        .bind(row.version_key.as_str())
        .bind(collection_pk)
        .execute(&mut *connection)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::value::RawValue;

    use super::*;
    use crate::stix::validate_object;

    fn indicator(modified: &str, name: &str) -> Box<RawValue> {
        let json = format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-01-01T00:00:00.000Z","modified":"{modified}","name":"{name}","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}}"#
        );
        serde_json::from_str(&json).expect("json")
    }

    #[test]
    fn versions_in_one_batch_keep_one_latest_and_duplicates_are_idempotent() {
        let raws = [
            indicator("2016-01-02T00:00:00.000Z", "b"),
            indicator("2016-01-01T00:00:00.000Z", "a"),
            indicator("2016-01-02T00:00:00.000Z", "b"),
            indicator("2016-01-02T00:00:00.000Z", "changed"),
        ];
        let objects: Vec<_> = raws
            .iter()
            .map(|r| validate_object(r, 0).expect("valid"))
            .collect();
        let plan = plan(&objects, &[], &HashMap::new(), Tlp::Green, 1);
        assert_eq!(plan.rows.len(), 2, "two distinct versions inserted");
        assert!(
            plan.rows[0].is_latest && !plan.rows[1].is_latest,
            "the later modified is latest"
        );
        assert_eq!(plan.successes.len(), 3);
        assert_eq!(
            plan.failures.len(),
            1,
            "same version, other content is refused"
        );
    }

    #[test]
    fn a_newer_version_supersedes_the_stored_latest() {
        let raw = indicator("2016-01-03T00:00:00.000Z", "c");
        let objects = vec![validate_object(&raw, 0).expect("valid")];
        let stored = vec![StoredVersion {
            stix_id: "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f".into(),
            version: "2016-01-02T00:00:00.000Z".into(),
            version_key: crate::stix::timestamp::parse_stix("2016-01-02T00:00:00.000Z")
                .expect("ts")
                .instant
                .version_key(),
            is_latest: true,
            body: "{}".into(),
        }];
        let plan = plan(&objects, &stored, &HashMap::new(), Tlp::Green, 1);
        assert_eq!(
            plan.superseded,
            vec!["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f".to_owned()]
        );
        assert!(plan.rows[0].is_latest);
    }
}
