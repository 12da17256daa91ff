//! `Store`: every SQL statement of the hub, over one `sqlx::AnyPool`.
//!
//! The URL picks the engine; statements are written once with `$N` placeholders. Each
//! public method is a whole operation that owns its transaction; the table modules take a
//! connection so they compose inside one.

pub mod audit;
pub mod collections;
pub mod console;
pub mod credentials;
pub mod objects;
pub mod observables;
pub mod organizations;
pub mod outbox;
pub mod query;
pub mod score;
pub mod secrets;
pub mod seeds;
pub mod statuses;
pub mod triage;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use tokio::sync::Mutex;

use crate::stix::timestamp::Instant;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Invalid(String),
}

/// Who adds objects where, and under which collection default.
#[derive(Debug, Clone)]
pub struct Submission {
    pub collection_pk: i64,
    pub producer_pk: i64,
    /// Administrators may version any object; everyone else only their own.
    pub may_version_any: bool,
    /// The audit entry recorded with the submission (its detail is completed here).
    pub audit: Option<audit::AuditEntry>,
    /// TLP of unmarked objects in the collection.
    pub default_tlp: crate::stix::tlp::Tlp,
}

/// Which SQL dialect the pool speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
}

/// The hub's storage. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// Serialises object writes so `date_added` and the sequence grow together in commit
    /// order, which is what keeps pagination cursors exact (see `objects`).
    writer: std::sync::Arc<Mutex<WriterState>>,
    /// Woken after a commit that enqueued fan-out duties.
    outbox_ready: std::sync::Arc<tokio::sync::Notify>,
    /// When this process last wrote a fact (microseconds); background work yields to
    /// ingest.
    last_write: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

struct WriterState {
    /// Largest `date_added` handed out, in microseconds; never goes backwards even when
    /// the system clock does.
    last_date_added: i64,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

impl Store {
    /// Connects (creating a SQLite file and its directory when missing) and applies
    /// migrations.
    #[tracing::instrument(skip_all)]
    pub async fn open(
        database_url: &str,
        settings: &crate::config::DatabaseSettings,
    ) -> Result<Store, StoreError> {
        let max_connections = settings.max_connections;
        let cache_pragma = format!(
            "PRAGMA cache_size = -{};",
            u64::from(settings.sqlite_cache_mib.max(1)) * 1024
        );
        sqlx::any::install_default_drivers();
        let (engine, url) = if let Some(path) = database_url.strip_prefix("sqlite://") {
            let (file, query) = path.split_once('?').unwrap_or((path, ""));
            if let Some(parent) = Path::new(file)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
            {
                std::fs::create_dir_all(parent).map_err(|e| {
                    StoreError::Invalid(format!(
                        "cannot create database directory {}: {e}",
                        parent.display()
                    ))
                })?;
            }
            let query = if query.is_empty() {
                "mode=rwc".to_owned()
            } else {
                query.to_owned()
            };
            (Engine::Sqlite, format!("sqlite://{file}?{query}"))
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database URL '{}': this build serves sqlite:// URLs",
                database_url.split(':').next().unwrap_or_default()
            )));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(2))
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |connection, _| {
                let cache_pragma = cache_pragma.clone();
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers page while the writer commits; NORMAL is durable
                        // across application crashes, fsyncing at checkpoints (every 32 MiB
                        // of WAL). A bounded page cache per connection keeps memory bounded
                        // by the pool size, whatever the size of the database.
                        connection
                            .execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; \
                                 PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 8192;",
                            )
                            .await?;
                        connection.execute(cache_pragma.as_str()).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        match engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
        }
        let last_date_added = objects::max_date_added(&pool).await?;
        Ok(Store {
            pool,
            engine,
            writer: std::sync::Arc::new(Mutex::new(WriterState { last_date_added })),
            outbox_ready: std::sync::Arc::new(tokio::sync::Notify::new()),
            last_write: std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0)),
        })
    }

    /// A transaction that holds the database's write lock from its first statement, so
    /// reading then writing inside it never fails on a concurrent writer (SQLite would
    /// refuse to upgrade a read snapshot that another process wrote past).
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// When this process last stored a fact (microseconds since the epoch, 0 if never).
    pub fn last_write_micros(&self) -> i64 {
        self.last_write.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn touch(&self) {
        self.last_write
            .store(Instant::now_micros(), std::sync::atomic::Ordering::Relaxed);
    }

    /// Readiness: the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, letting SQLite checkpoint its WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Hands out the next `date_added`: now, and always later than the last one (even when
/// the clock steps back), so polling with `added_after` = the last `date_added` seen never
/// misses a later request. The objects of one request share one `date_added`.
fn next_date_added(state: &mut WriterState) -> i64 {
    let now = Instant::now_micros().max(state.last_date_added + 1);
    state.last_date_added = now;
    now
}

/// Whole operations, each owning its transaction.
impl Store {
    /// Loads sectors, CEPTOARs and collections; existing rows are kept.
    pub async fn load_seeds(
        &self,
        seeds: &crate::sharing::registry::Seeds,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        seeds::load(&mut tx, seeds).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The HS256 signing key: made on first use, then shared by every process.
    pub async fn jwt_secret(&self) -> Result<Vec<u8>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        secrets::get_or_create(&mut connection, "jwt-hs256").await
    }

    pub async fn collections(&self) -> Result<Vec<collections::Collection>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        collections::all(&mut connection).await
    }

    pub async fn collection(
        &self,
        id_or_alias: &str,
    ) -> Result<Option<collections::Collection>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        collections::by_id_or_alias(&mut connection, id_or_alias).await
    }

    pub async fn organization(
        &self,
        slug: &str,
    ) -> Result<Option<organizations::Organization>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        organizations::by_slug(&mut connection, slug).await
    }

    pub async fn add_organization(
        &self,
        new: &organizations::NewOrganization,
    ) -> Result<organizations::Organization, StoreError> {
        let mut tx = self.begin_write().await?;
        let organization = organizations::add(&mut tx, new).await?;
        tx.commit().await?;
        Ok(organization)
    }

    pub async fn sector_slugs(&self) -> Result<Vec<String>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        organizations::sector_slugs(&mut connection).await
    }

    /// TAXII 2.1 "Add Objects": stores the accepted objects and the status resource in
    /// one transaction; `rejected` are the objects validation already refused.
    /// `recipients` maps the organisation slugs named by TLP:RED objects to their keys.
    #[tracing::instrument(skip_all, fields(collection.pk = submission.collection_pk, objects = objects.len()))]
    pub async fn add_objects(
        &self,
        submission: &Submission,
        objects: &[crate::stix::ValidObject<'_>],
        rejected: Vec<statuses::StatusDetail>,
        recipients: &std::collections::HashMap<String, i64>,
    ) -> Result<statuses::Status, StoreError> {
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<String> = objects
            .iter()
            .map(|o| o.id.to_string())
            .filter(|id| seen.insert(id.clone()))
            .collect();
        let versioned: Vec<String> = {
            let mut seen = std::collections::HashSet::new();
            objects
                .iter()
                .filter(|o| o.versioned)
                .map(|o| o.id.to_string())
                .filter(|id| seen.insert(id.clone()))
                .collect()
        };
        let mut writer = self.writer.lock().await;
        let date_added = next_date_added(&mut writer);
        let mut tx = self.begin_write().await?;
        let stored = objects::stored_versions(&mut tx, submission.collection_pk, &ids).await?;
        let foreign_ids: Vec<String> = if submission.may_version_any {
            Vec::new()
        } else {
            let owners = objects::owners(&mut tx, &versioned).await?;
            owners
                .into_iter()
                .filter(|(_, owner)| *owner != submission.producer_pk)
                .map(|(id, _)| id)
                .collect()
        };
        let mut foreign = objects::versions_anywhere(&mut tx, &foreign_ids).await?;
        for id in foreign_ids {
            foreign.entry(id).or_default();
        }
        let plan = objects::plan(
            objects,
            &stored,
            &foreign,
            submission.default_tlp,
            date_added,
        );
        objects::supersede(&mut tx, submission.collection_pk, &plan.superseded).await?;
        objects::insert(
            &mut tx,
            submission.collection_pk,
            submission.producer_pk,
            date_added,
            &plan.rows,
        )
        .await?;
        observables::insert(&mut tx, submission.collection_pk, &plan.rows).await?;
        for row in plan
            .rows
            .iter()
            .filter(|row| row.tlp == crate::stix::tlp::Tlp::Red)
        {
            let named: Vec<i64> = row
                .object
                .recipients
                .iter()
                .filter_map(|slug| recipients.get(slug).copied())
                .collect();
            objects::add_recipients(&mut tx, submission.collection_pk, row, &named).await?;
        }
        let created: Vec<String> = plan
            .rows
            .iter()
            .filter(|r| r.object.versioned)
            .map(|r| r.object.id.to_string())
            .collect();
        objects::claim_ownership(&mut tx, &created, submission.producer_pk).await?;
        if !plan.rows.is_empty() {
            outbox::enqueue_added(&mut tx, submission.collection_pk, date_added).await?;
        }
        let mut failures = rejected;
        failures.extend(plan.failures);
        let status = statuses::Status {
            id: uuid::Uuid::new_v4().to_string(),
            status: "complete".into(),
            request_timestamp: crate::stix::timestamp::TaxiiTimestamp(date_added).to_string(),
            total_count: (plan.successes.len() + failures.len()) as u64,
            success_count: plan.successes.len() as u64,
            successes: plan.successes,
            failure_count: failures.len() as u64,
            failures,
            pending_count: 0,
            pendings: Vec::new(),
        };
        statuses::insert(&mut tx, &status, submission.producer_pk, date_added).await?;
        if let Some(entry) = &submission.audit {
            let detail = serde_json::json!({
                "status": status.id,
                "accepted": status.success_count,
                "refused": status.failure_count,
            });
            let entry = audit::AuditEntry {
                detail: detail.to_string(),
                ..entry.clone()
            };
            audit::insert(&mut tx, &[entry]).await?;
        }
        tx.commit().await?;
        self.touch();
        self.outbox_ready.notify_one();
        drop(writer);
        Ok(status)
    }

    /// Waits until a commit enqueues fan-out duties (or returns at once if one did since
    /// the last wait).
    pub async fn outbox_ready(&self) {
        self.outbox_ready.notified().await;
    }

    /// Claims up to `limit` fan-out duties for `lease_micros`.
    pub async fn claim_duties(
        &self,
        limit: u32,
        lease_micros: i64,
    ) -> Result<Vec<outbox::Duty>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        outbox::claim(&mut connection, limit, lease_micros).await
    }

    pub async fn complete_duties(&self, seqs: &[i64]) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await?;
        outbox::complete(&mut connection, seqs).await
    }

    pub async fn coordination_center(&self) -> Result<Vec<String>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        outbox::coordination_center(&mut connection).await
    }

    /// Versions reporting an observable, in the collections and as `visibility` allows.
    pub async fn observable_reports(
        &self,
        kind: &str,
        value: &str,
        collection_pks: &[i64],
        visibility: objects::Visibility,
    ) -> Result<Vec<observables::Report>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        observables::reports(
            &mut connection,
            kind,
            value,
            collection_pks,
            visibility,
            1000,
        )
        .await
    }

    /// Fan-out duties waiting and the enqueue time of the oldest (microseconds).
    pub async fn outbox_lag(&self) -> Result<(i64, Option<i64>), StoreError> {
        let mut connection = self.pool.acquire().await?;
        outbox::lag(&mut connection).await
    }

    pub async fn amqp_bindings(&self, queue: &str) -> Result<Vec<String>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        outbox::bindings(&mut connection, queue).await
    }

    pub async fn set_amqp_bindings(&self, queue: &str, keys: &[String]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        outbox::set_bindings(&mut tx, queue, keys).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every organisation, by slug.
    pub async fn organizations(&self) -> Result<Vec<organizations::Organization>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        organizations::all(&mut connection).await
    }

    /// Appends entries to the audit log in one transaction.
    pub async fn append_audit(&self, entries: &[audit::AuditEntry]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        audit::insert(&mut tx, entries).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn audit_log(
        &self,
        query: &audit::AuditQuery,
    ) -> Result<Vec<audit::AuditRecord>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        audit::query(&mut connection, query).await
    }

    pub async fn organization_by_key(
        &self,
        pk: i64,
    ) -> Result<Option<organizations::Organization>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        organizations::by_key(&mut connection, pk).await
    }

    pub async fn add_api_key(
        &self,
        client_id: &str,
        organization_pk: i64,
        role: &str,
        secret_sha256: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        credentials::insert_api_key(&mut tx, client_id, organization_pk, role, secret_sha256)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn api_key(
        &self,
        client_id: &str,
    ) -> Result<Option<credentials::ApiKey>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        credentials::api_key(&mut connection, client_id).await
    }

    pub async fn revoke_api_key(&self, client_id: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let revoked = credentials::revoke_api_key(&mut tx, client_id).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Registers a client certificate; false if it was registered already.
    pub async fn add_certificate(
        &self,
        sha256: &str,
        organization_pk: i64,
        role: &str,
        subject: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let added =
            credentials::insert_certificate(&mut tx, sha256, organization_pk, role, subject)
                .await?;
        tx.commit().await?;
        Ok(added)
    }

    pub async fn certificate(
        &self,
        sha256: &str,
    ) -> Result<Option<credentials::RegisteredCertificate>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        credentials::certificate(&mut connection, sha256).await
    }

    pub async fn revoke_certificate(&self, sha256: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let revoked = credentials::revoke_certificate(&mut tx, sha256).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    pub async fn revoke_token(&self, jti: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        credentials::revoke_token(&mut tx, jti).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn token_revoked(&self, jti: &str) -> Result<bool, StoreError> {
        let mut connection = self.pool.acquire().await?;
        credentials::token_revoked(&mut connection, jti).await
    }

    /// The organisation keys of the given slugs (unknown slugs are absent).
    pub async fn organization_keys(
        &self,
        slugs: &[String],
    ) -> Result<std::collections::HashMap<String, i64>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        organizations::keys_by_slug(&mut connection, slugs).await
    }

    /// The organisation that created a versioned object, if known.
    pub async fn object_owner(&self, stix_id: &str) -> Result<Option<i64>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        objects::owner(&mut connection, stix_id).await
    }

    /// A page of stored versions; see `objects::page`.
    pub async fn list_objects(
        &self,
        collection_pk: i64,
        visibility: objects::Visibility,
        filters: &objects::Filters,
        after: Option<objects::Position>,
        limit: u32,
        with_body: bool,
    ) -> Result<(Vec<objects::Listed>, bool), StoreError> {
        let mut connection = self.pool.acquire().await?;
        objects::page(
            &mut connection,
            collection_pk,
            visibility,
            filters,
            after,
            limit,
            with_body,
        )
        .await
    }

    /// TAXII 2.1 "Delete An Object": the selected versions; returns how many went.
    /// The audit entry is recorded in the same transaction.
    pub async fn delete_object(
        &self,
        collection_pk: i64,
        stix_id: &str,
        filters: &objects::Filters,
        audit_entry: audit::AuditEntry,
    ) -> Result<u64, StoreError> {
        let mut writer = self.writer.lock().await;
        let deleted_at = next_date_added(&mut writer);
        let mut tx = self.begin_write().await?;
        let doomed = objects::delete(&mut tx, collection_pk, stix_id, filters, deleted_at).await?;
        let deleted = doomed.len() as u64;
        outbox::enqueue_deleted(&mut tx, collection_pk, &doomed).await?;
        if deleted > 0 {
            let detail = serde_json::json!({ "versions": deleted, "request": audit_entry.detail });
            audit::insert(
                &mut tx,
                &[audit::AuditEntry {
                    detail: detail.to_string(),
                    ..audit_entry
                }],
            )
            .await?;
        }
        tx.commit().await?;
        self.touch();
        self.outbox_ready.notify_one();
        Ok(deleted)
    }

    /// Records an analyst's triage event (and its audit entry) at the next hub time,
    /// the clock `date_added` uses, so the ledger replays decisions and submissions in
    /// one order. Returns the recorded event.
    pub async fn record_triage(
        &self,
        event: &triage::NewTriageEvent,
        audit_entry: audit::AuditEntry,
    ) -> Result<triage::TriageEvent, StoreError> {
        let mut writer = self.writer.lock().await;
        let at = next_date_added(&mut writer);
        let mut tx = self.begin_write().await?;
        let seq = triage::insert(&mut tx, at, event).await?;
        audit::insert(&mut tx, &[audit_entry]).await?;
        tx.commit().await?;
        drop(writer);
        Ok(triage::TriageEvent {
            seq,
            at,
            stix_id: event.stix_id.clone(),
            organization_pk: event.organization_pk,
            analyst: event.analyst.clone(),
            action: event.action,
            detail: event.detail.clone(),
        })
    }

    /// An object's triage history, oldest first.
    pub async fn triage_history(
        &self,
        stix_id: &str,
    ) -> Result<Vec<triage::TriageEvent>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        triage::history(&mut connection, stix_id).await
    }

    /// The status resource as JSON text, if it belongs to `organization_pk`.
    pub async fn status(
        &self,
        id: &str,
        organization_pk: i64,
    ) -> Result<Option<String>, StoreError> {
        let mut connection = self.pool.acquire().await?;
        statuses::get(&mut connection, id, organization_pk).await
    }
}
