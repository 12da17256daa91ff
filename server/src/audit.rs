//! The audit trail of reads: entries are queued by handlers and written in batches by
//! one task, so serving objects never waits on a database write. Submissions and
//! deletions are audited inside their own transactions (see `Store`).

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::sharing::Principal;
use crate::storage::Store;
use crate::storage::audit::AuditEntry;

/// Where handlers send audit entries. Cheap to clone.
#[derive(Clone)]
pub struct AuditSink {
    sender: mpsc::UnboundedSender<AuditEntry>,
}

/// The writer task; `stop` flushes what is queued, then ends it.
pub struct AuditWriter {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// Entries written per transaction at most.
const BATCH: usize = 512;

impl AuditSink {
    pub fn spawn(store: Store) -> (AuditSink, AuditWriter) {
        let (sender, mut receiver) = mpsc::unbounded_channel();
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            loop {
                tokio::select! {
                    received = receiver.recv_many(&mut batch, BATCH) => {
                        if received == 0 {
                            break;
                        }
                        write(&store, &mut batch).await;
                    }
                    _ = &mut stopped => {
                        while let Ok(entry) = receiver.try_recv() {
                            batch.push(entry);
                            if batch.len() == BATCH {
                                write(&store, &mut batch).await;
                            }
                        }
                        write(&store, &mut batch).await;
                        break;
                    }
                }
            }
        });
        (AuditSink { sender }, AuditWriter { stop, task })
    }

    /// Queues an entry; never blocks.
    pub fn record(&self, entry: AuditEntry) {
        if self.sender.send(entry).is_err() {
            tracing::error!("audit entry dropped: the audit writer has stopped");
        }
    }

    /// A read of `collection` (and one object, if any) by `principal`.
    pub fn read(
        &self,
        principal: &Principal,
        collection: &str,
        stix_id: Option<&str>,
        detail: serde_json::Value,
    ) {
        self.record(AuditEntry {
            organization: principal.org_slug.clone(),
            role: principal.role.as_str(),
            action: "read",
            collection: Some(collection.to_owned()),
            stix_id: stix_id.map(str::to_owned),
            detail: detail.to_string(),
        });
    }
}

impl AuditWriter {
    /// Writes what is queued and ends the task.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the audit writer failed");
        }
    }
}

async fn write(store: &Store, batch: &mut Vec<AuditEntry>) {
    if batch.is_empty() {
        return;
    }
    if let Err(error) = store.append_audit(batch).await {
        tracing::error!(%error, entries = batch.len(), "audit entries could not be written");
    }
    batch.clear();
}

/// An entry for a write by `principal`; the store completes its detail.
pub fn entry(
    principal: &Principal,
    action: &'static str,
    collection: &str,
    stix_id: Option<&str>,
    detail: String,
) -> AuditEntry {
    AuditEntry {
        organization: principal.org_slug.clone(),
        role: principal.role.as_str(),
        action,
        collection: Some(collection.to_owned()),
        stix_id: stix_id.map(str::to_owned),
        detail,
    }
}
