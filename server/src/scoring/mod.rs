//! The contribution score: a ledger of every event that earns or costs an
//! organisation credit, and scores computed from it with time decay (docs/scoring.md).
//!
//! The scorer reads facts the hub stores anyway (object versions, deleted versions,
//! refused objects in status resources, analysts' decisions), in the order of the hub
//! clock, and applies them with `engine`. It runs in the background, yielding to
//! ingest, and catches up whenever a score is read; `kyoyu score recompute` replays
//! every fact from the start through the same code.

pub mod engine;
pub mod http;
pub mod rules;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::config::ScoringSettings;
use crate::stix::timestamp::{Instant, TaxiiTimestamp};
use crate::storage::organizations::Organization;
use crate::storage::score::{self, Fact};
use crate::storage::{Store, StoreError, collections, organizations};
use rules::Component;

#[derive(Debug, thiserror::Error)]
pub enum ScoringError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which organisations a leaderboard ranks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Overall,
    Sector(String),
    Ceptoar(String),
}

/// One organisation's place on a leaderboard.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    pub rank: u32,
    pub organization: String,
    pub name: String,
    pub sector: String,
    pub ceptoar: Option<String>,
    pub total: f64,
    pub components: BTreeMap<String, f64>,
}

/// One ledger row as served.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRow {
    pub n: i64,
    pub at: String,
    pub component: String,
    pub points: i64,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stix_id: Option<String>,
    /// The other organisation involved (shown to the coordination center only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<String>,
}

/// An organisation's score, component by component, with its latest ledger rows.
#[derive(Debug, Clone, Serialize)]
pub struct OrgScore {
    pub organization: String,
    pub total: f64,
    pub components: BTreeMap<String, f64>,
    pub ledger_size: u64,
    pub as_of: String,
    pub half_life_days: f64,
    pub ledger: Vec<LedgerRow>,
}

/// What `kyoyu score recompute` found.
#[derive(Debug, Clone, Serialize)]
pub struct Recomputed {
    pub facts: u64,
    pub ledger_rows: u64,
    /// SHA-256 of the incremental ledger, brought up to date first.
    pub incremental_digest: String,
    /// SHA-256 of the ledger rebuilt from the first fact.
    pub recomputed_digest: String,
    pub identical: bool,
}

/// The scorer and the score reader. Cheap to clone.
#[derive(Clone)]
pub struct Scoring {
    store: Store,
    settings: ScoringSettings,
    /// One catch-up at a time in this process (they would serialise on the database's
    /// write lock anyway).
    running: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Scoring {
    pub fn new(store: Store, settings: ScoringSettings) -> Scoring {
        Scoring {
            store,
            settings,
            running: std::sync::Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    pub fn settings(&self) -> &ScoringSettings {
        &self.settings
    }

    /// Applies every fact not yet in the ledger; returns how many.
    pub async fn catch_up(&self) -> Result<u64, ScoringError> {
        self.catch_up_within(Duration::MAX).await
    }

    /// What a read does first: catch up, but for at most `scoring.read_catch_up_ms`, so
    /// that a page never waits long on a large backlog (the background scorer goes on;
    /// `/metrics/` shows what is left).
    pub async fn catch_up_for_read(&self) -> Result<u64, ScoringError> {
        self.catch_up_within(Duration::from_millis(self.settings.read_catch_up_ms))
            .await
    }

    async fn catch_up_within(&self, budget: Duration) -> Result<u64, ScoringError> {
        let started = std::time::Instant::now();
        let _running = self.running.lock().await;
        let mut total = 0;
        loop {
            if started.elapsed() >= budget {
                return Ok(total);
            }
            let mut tx = self.store.begin_write().await?;
            let batch = apply_batch(&mut tx, i64::from(self.settings.batch_size.max(1))).await?;
            tx.commit().await.map_err(StoreError::from)?;
            total += batch.facts;
            if !batch.more {
                return Ok(total);
            }
        }
    }

    /// One batch of at most `limit` versions; returns whether facts remain.
    async fn step(&self, limit: i64) -> Result<bool, ScoringError> {
        let _running = self.running.lock().await;
        let mut tx = self.store.begin_write().await?;
        let batch = apply_batch(&mut tx, limit.max(1)).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(batch.more)
    }

    /// Scores in the background for as long as the hub runs: after ingest has been quiet
    /// for `idle_ms`, or once the ledger has waited `max_lag_seconds` (then in eighths
    /// of a batch, one every `idle_ms`, so ingest keeps most of the write lock).
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let idle = i64::try_from(self.settings.idle_ms)
                .unwrap_or(i64::MAX)
                .saturating_mul(1000);
            let max_lag = Duration::from_secs(self.settings.max_lag_seconds);
            let pause = Duration::from_millis(self.settings.idle_ms.max(10));
            let mut waiting_since = std::time::Instant::now();
            let mut more = false;
            loop {
                let quiet = Instant::now_micros() - self.store.last_write_micros() >= idle;
                // While ingest is quiet and facts remain, go on at once; otherwise wait.
                if !(quiet && more) {
                    tokio::time::sleep(pause).await;
                }
                let quiet = Instant::now_micros() - self.store.last_write_micros() >= idle;
                if !quiet && waiting_since.elapsed() < max_lag {
                    continue;
                }
                // Forced by the lag during ingest, it takes small bites so that no
                // POST waits long on the write lock.
                let batch = i64::from(self.settings.batch_size);
                let limit = if quiet { batch } else { batch / 8 };
                match self.step(limit).await {
                    Ok(remaining) => {
                        more = remaining;
                        if !remaining {
                            waiting_since = std::time::Instant::now();
                        }
                    }
                    Err(error) => {
                        more = false;
                        tracing::warn!(%error, "scoring batch failed; retrying");
                    }
                }
            }
        })
    }

    /// Rebuilds the ledger from the first fact in one transaction, after bringing the
    /// incremental ledger up to date, and compares the two. `progress` hears the number
    /// of facts applied so far.
    pub async fn recompute(
        &self,
        mut progress: impl FnMut(u64),
    ) -> Result<Recomputed, ScoringError> {
        let _running = self.running.lock().await;
        let limit = i64::from(self.settings.batch_size.max(1));
        let mut tx = self.store.begin_write().await?;
        while apply_batch(&mut tx, limit).await?.more {}
        let incremental_digest = digest(&score::ledger_all(&mut tx).await?);
        score::reset(&mut tx).await?;
        let mut facts = 0;
        loop {
            let batch = apply_batch(&mut tx, limit).await?;
            facts += batch.facts;
            progress(facts);
            if !batch.more {
                break;
            }
        }
        let ledger = score::ledger_all(&mut tx).await?;
        let recomputed_digest = digest(&ledger);
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Recomputed {
            facts,
            ledger_rows: ledger.len() as u64,
            identical: incremental_digest == recomputed_digest,
            incremental_digest,
            recomputed_digest,
        })
    }

    /// An organisation's score now, with its latest `ledger_rows` rows (newest first,
    /// before row `before` when given). `with_counterparts` names the other
    /// organisation of each row (for the coordination center).
    pub async fn score_with(
        &self,
        organization: &Organization,
        ledger_rows: i64,
        before: Option<i64>,
        with_counterparts: bool,
    ) -> Result<OrgScore, ScoringError> {
        self.catch_up_for_read().await?;
        let mut connection = self.connection().await?;
        let now = Instant::now_micros();
        let daily = score::daily_points(&mut connection, Some(organization.pk)).await?;
        let (total, components) = self.decayed(&daily, now);
        let ledger = score::ledger_of(
            &mut connection,
            organization.pk,
            before.unwrap_or(i64::MAX),
            ledger_rows.clamp(0, 1000),
        )
        .await?;
        let slugs = if with_counterparts {
            organizations::all(&mut connection)
                .await?
                .into_iter()
                .map(|o| (o.pk, o.slug))
                .collect()
        } else {
            std::collections::HashMap::new()
        };
        let ledger_size = score::ledger_size(&mut connection, organization.pk).await?;
        Ok(OrgScore {
            organization: organization.slug.clone(),
            total,
            components,
            ledger_size: ledger_size as u64,
            as_of: TaxiiTimestamp(now).to_string(),
            half_life_days: self.settings.half_life_days,
            ledger: ledger
                .into_iter()
                .map(|row| LedgerRow {
                    n: row.n,
                    at: TaxiiTimestamp(row.at).to_string(),
                    component: row.component,
                    points: row.points,
                    reason: row.reason,
                    stix_id: row.stix_id,
                    counterpart: row.counterpart_pk.and_then(|pk| slugs.get(&pk).cloned()),
                })
                .collect(),
        })
    }

    /// Member organisations in the scope, best first (equal totals share a rank).
    pub async fn leaderboard(&self, scope: &Scope) -> Result<Vec<Standing>, ScoringError> {
        self.catch_up_for_read().await?;
        let mut connection = self.connection().await?;
        let now = Instant::now_micros();
        let daily = score::daily_points(&mut connection, None).await?;
        let mut by_org: BTreeMap<i64, Vec<score::DailyPoints>> = BTreeMap::new();
        for row in daily {
            by_org.entry(row.organization_pk).or_default().push(row);
        }
        let members = organizations::all(&mut connection)
            .await?
            .into_iter()
            .filter(|o| o.role == crate::sharing::OrgRole::Member)
            .filter(|o| match scope {
                Scope::Overall => true,
                Scope::Sector(slug) => &o.sector_slug == slug,
                Scope::Ceptoar(slug) => o.ceptoar_slug.as_ref() == Some(slug),
            });
        let mut standings: Vec<Standing> = members
            .map(|o| {
                let (total, components) =
                    self.decayed(by_org.get(&o.pk).map_or(&[][..], Vec::as_slice), now);
                Standing {
                    rank: 0,
                    total,
                    components,
                    organization: o.slug,
                    name: o.name,
                    sector: o.sector_slug,
                    ceptoar: o.ceptoar_slug,
                }
            })
            .collect();
        standings.sort_by(|a, b| {
            b.total
                .total_cmp(&a.total)
                .then_with(|| a.organization.cmp(&b.organization))
        });
        for i in 0..standings.len() {
            standings[i].rank = if i > 0 && standings[i].total == standings[i - 1].total {
                standings[i - 1].rank
            } else {
                i as u32 + 1
            };
        }
        Ok(standings)
    }

    /// The total and each component: points weighted by age (whole UTC days before
    /// today), rounded for display.
    fn decayed(&self, daily: &[score::DailyPoints], now: i64) -> (f64, BTreeMap<String, f64>) {
        let today = rules::day_of(now);
        let mut components: BTreeMap<String, f64> = Component::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), 0.0))
            .collect();
        for row in daily {
            *components.entry(row.component.clone()).or_default() +=
                row.points as f64 * rules::decay(today - row.day, self.settings.half_life_days);
        }
        let total = rules::round(components.values().sum());
        let rounded = components
            .into_iter()
            .map(|(component, score)| (component, rules::round(score)))
            .collect();
        (total, rounded)
    }

    async fn connection(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        Ok(self.store.pool().acquire().await?)
    }
}

/// What one batch did.
struct Batch {
    facts: u64,
    more: bool,
}

/// Applies the next facts in hub order: up to `limit` versions, and the other facts
/// up to the time where those versions end. A request's versions share one time, so
/// when the batch ends inside one, its other facts (its refusals) wait for the next
/// batch, which keeps the order the same whatever the batch size.
async fn apply_batch(connection: &mut AnyConnection, limit: i64) -> Result<Batch, StoreError> {
    let progress = score::progress(connection).await?;
    let versions = score::versions_after(connection, progress.object_seq, limit).await?;
    let truncated = versions.len() as i64 >= limit;
    let until = match versions.last() {
        Some(last) if truncated => (last.at - 1).max(progress.at),
        _ => i64::MAX,
    };
    let events = score::events_between(connection, progress.at, until).await?;
    let mut facts: Vec<Fact> = versions.into_iter().map(Fact::Version).collect();
    facts.extend(events);
    facts.sort_by_key(Fact::order);
    if facts.is_empty() {
        return Ok(Batch {
            facts: 0,
            more: false,
        });
    }
    let organizations = organizations::all(connection).await?;
    let collections = collections::all(connection).await?;
    let mut engine = engine::Engine::new(connection, organizations, collections, progress.ledger_n);
    let mut next = progress;
    for fact in &facts {
        engine.apply(fact).await?;
        let (at, _, _) = fact.order();
        if let Fact::Version(version) = fact {
            next.object_seq = version.seq;
        }
        if !truncated {
            next.at = next.at.max(at);
        }
    }
    if truncated {
        next.at = until;
    }
    next.ledger_n = engine.ledger_n;
    score::set_progress(connection, next).await?;
    Ok(Batch {
        facts: facts.len() as u64,
        more: truncated,
    })
}

/// SHA-256 over the ledger rows, in order, one canonical line each.
fn digest(ledger: &[score::LedgerEntry]) -> String {
    let mut hasher = Sha256::new();
    for row in ledger {
        hasher.update(
            format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                row.n,
                row.at,
                row.organization_pk,
                row.component,
                row.points,
                row.reason,
                row.stix_id.as_deref().unwrap_or(""),
                row.counterpart_pk
                    .map(|pk| pk.to_string())
                    .unwrap_or_default()
            )
            .as_bytes(),
        );
    }
    crate::storage::secrets::hex(&hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_order_by_time_then_kind() {
        let refused = Fact::Refused {
            organization_pk: 1,
            at: 10,
            count: 2,
        };
        let deleted = Fact::Deleted { seq: 3, at: 9 };
        assert!(deleted.order() < refused.order());
    }

    #[test]
    fn digest_changes_with_any_column() {
        let row = score::LedgerEntry {
            n: 1,
            at: 5,
            organization_pk: 2,
            component: "novelty".into(),
            points: 20,
            reason: "first".into(),
            stix_id: None,
            counterpart_pk: None,
        };
        let mut other = row.clone();
        other.points = 21;
        assert_ne!(digest(std::slice::from_ref(&row)), digest(&[other]));
        assert_eq!(digest(std::slice::from_ref(&row)), digest(&[row]));
    }
}
