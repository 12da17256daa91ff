//! The relay: claims outbox duties, publishes them to RabbitMQ with persistent messages
//! and publisher confirms, and removes a duty only once the broker confirmed all of its
//! messages. At least once: a crash between publish and removal republishes, with the
//! same `message_id`. Reconnects with backoff; without a broker the outbox waits.

use std::sync::Arc;
use std::time::Duration;

use lapin::options::{BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use tokio::sync::watch;

use super::{EXCHANGE, routing_keys};
use crate::config::FanoutSettings;
use crate::metrics::Metrics;
use crate::stix::timestamp::TaxiiTimestamp;
use crate::storage::outbox::Duty;
use crate::storage::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("broker: {0}")]
    Broker(#[from] lapin::Error),
    #[error("outbox: {0}")]
    Store(#[from] StoreError),
    #[error("confirm task: {0}")]
    Task(String),
}

/// What one pass over the outbox did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Worked,
    Idle,
}

pub struct Relay {
    store: Store,
    amqp_url: String,
    settings: FanoutSettings,
    metrics: Arc<Metrics>,
}

/// Declares the exchange the hub publishes to (idempotent).
pub async fn declare_exchange(channel: &Channel) -> Result<(), lapin::Error> {
    channel
        .exchange_declare(
            EXCHANGE.into(),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
}

fn header(value: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(value.to_owned()))
}

/// The message properties of a duty (see `schemas/amqp-message.schema.json`).
fn properties(duty: &Duty) -> BasicProperties {
    let mut headers = FieldTable::default();
    let event = if duty.deleted { "deleted" } else { "added" };
    headers.insert(ShortString::from("kyoyu-event"), header(event));
    headers.insert(
        ShortString::from("kyoyu-collection"),
        header(&duty.collection_alias),
    );
    headers.insert(
        ShortString::from("kyoyu-collection-id"),
        header(&duty.collection_id),
    );
    headers.insert(ShortString::from("kyoyu-stix-id"), header(&duty.stix_id));
    headers.insert(ShortString::from("kyoyu-version"), header(&duty.version));
    headers.insert(
        ShortString::from("kyoyu-date-added"),
        header(&TaxiiTimestamp(duty.date_added).to_string()),
    );
    headers.insert(ShortString::from("kyoyu-tlp"), header(&duty.tlp));
    headers.insert(
        ShortString::from("kyoyu-producer-sector"),
        header(&duty.producer_sector),
    );
    BasicProperties::default()
        .with_content_type(ShortString::from("application/stix+json;version=2.1"))
        .with_delivery_mode(2)
        .with_message_id(ShortString::from(format!(
            "{}/{}",
            duty.stix_id, duty.version
        )))
        .with_timestamp(u64::try_from(duty.date_added.div_euclid(1_000_000)).unwrap_or(0))
        .with_app_id(ShortString::from("kyoyu"))
        .with_type(ShortString::from(if duty.deleted {
            "stix-deleted"
        } else {
            "stix-object"
        }))
        .with_headers(headers)
}

impl Relay {
    pub fn new(
        store: Store,
        amqp_url: String,
        settings: FanoutSettings,
        metrics: Arc<Metrics>,
    ) -> Relay {
        Relay {
            store,
            amqp_url,
            settings,
            metrics,
        }
    }

    /// Connects, declares the exchange and enables publisher confirms.
    async fn connect(&self) -> Result<(Connection, Channel), lapin::Error> {
        let connection =
            Connection::connect(&self.amqp_url, ConnectionProperties::default()).await?;
        let channel = connection.create_channel().await?;
        declare_exchange(&channel).await?;
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await?;
        Ok((connection, channel))
    }

    /// Claims one batch of duties and publishes its messages; the broker's confirms are
    /// awaited by `Published::confirmed`, so the next batch can be published meanwhile.
    #[tracing::instrument(skip_all)]
    async fn publish_batch(&self, channel: &Channel) -> Result<Option<Published>, RelayError> {
        let lease = i64::try_from(self.settings.lease_seconds).unwrap_or(30) * 1_000_000;
        let duties = self
            .store
            .claim_duties(self.settings.batch_size, lease)
            .await?;
        if duties.is_empty() {
            return Ok(None);
        }
        let center = if duties.iter().any(|d| d.tlp == "red") {
            self.store.coordination_center().await?
        } else {
            Vec::new()
        };
        let mut published = Published {
            pending: Vec::with_capacity(duties.len()),
            skipped: Vec::new(),
        };
        for duty in &duties {
            // An added version deleted before it was published: its tombstone follows.
            let Some(body) = duty.body.as_deref().or(duty.deleted.then_some("")) else {
                published.skipped.push(duty.seq);
                continue;
            };
            let mut confirms = Vec::new();
            for key in routing_keys(duty, &center) {
                let confirm = channel
                    .basic_publish(
                        EXCHANGE.into(),
                        ShortString::from(key),
                        BasicPublishOptions::default(),
                        body.as_bytes(),
                        properties(duty),
                    )
                    .await?;
                confirms.push(confirm);
            }
            published.pending.push((duty.seq, confirms));
        }
        Ok(Some(published))
    }

    /// Removes the duties of a published batch whose messages were all confirmed.
    async fn complete(&self, confirmed: Confirmed) -> Result<(), RelayError> {
        self.metrics.record_published(confirmed.acked);
        for _ in 0..confirmed.nacked {
            self.metrics.record_failed_confirm();
        }
        self.store.complete_duties(&confirmed.done).await?;
        tracing::debug!(completed = confirmed.done.len(), "fan-out batch confirmed");
        Ok(())
    }

    /// Publishes one batch and waits for its confirms (tests call this directly).
    pub async fn run_once(&self, channel: &Channel) -> Result<Outcome, RelayError> {
        match self.publish_batch(channel).await? {
            None => Ok(Outcome::Idle),
            Some(published) => {
                self.complete(published.confirmed().await?).await?;
                Ok(Outcome::Worked)
            }
        }
    }

    /// Relays until `shutdown` turns true: reconnects with backoff (1 s doubling to 30 s)
    /// and wakes as soon as a commit enqueues duties.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut backoff = Duration::from_secs(1);
        while !*shutdown.borrow() {
            match self.connect().await {
                Ok((connection, channel)) => {
                    tracing::info!("fan-out connected to the broker");
                    backoff = Duration::from_secs(1);
                    let result = self.serve(&channel, &mut shutdown).await;
                    let _ = connection
                        .close(200, ShortString::from("hub stopping"))
                        .await;
                    match result {
                        Ok(()) => return,
                        Err(error) => tracing::warn!(%error, "fan-out interrupted; reconnecting"),
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, retry_in = ?backoff, "fan-out cannot reach the broker")
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = shutdown.changed() => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
    }

    /// Publishes batch after batch, waiting for a batch's confirms while the next one is
    /// published (one batch in flight), until idle or told to stop.
    async fn serve(
        &self,
        channel: &Channel,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), RelayError> {
        let poll = Duration::from_millis(self.settings.poll_interval_ms);
        let mut in_flight: Option<tokio::task::JoinHandle<Result<Confirmed, RelayError>>> = None;
        loop {
            let stopping = *shutdown.borrow();
            let next = if stopping {
                None
            } else {
                self.publish_batch(channel).await?
            };
            if let Some(previous) = in_flight.take() {
                let confirmed = previous
                    .await
                    .map_err(|e| RelayError::Task(e.to_string()))??;
                self.complete(confirmed).await?;
            }
            match next {
                Some(published) => in_flight = Some(tokio::spawn(published.confirmed())),
                None if stopping => return Ok(()),
                None => {
                    tokio::select! {
                        _ = self.store.outbox_ready() => {}
                        _ = tokio::time::sleep(poll) => {}
                        _ = shutdown.changed() => {}
                    }
                }
            }
        }
    }
}

/// A published batch whose confirms are outstanding.
struct Published {
    pending: Vec<(i64, Vec<lapin::PublisherConfirm>)>,
    /// Duties with nothing to publish (their object was deleted since).
    skipped: Vec<i64>,
}

/// What the broker confirmed of a batch.
struct Confirmed {
    done: Vec<i64>,
    acked: u64,
    nacked: u64,
}

impl Published {
    /// Waits for every confirm; a duty is done when all of its messages were acked.
    async fn confirmed(self) -> Result<Confirmed, RelayError> {
        let mut confirmed = Confirmed {
            done: self.skipped,
            acked: 0,
            nacked: 0,
        };
        for (seq, confirms) in self.pending {
            let mut all = true;
            for confirm in confirms {
                if confirm.await?.is_ack() {
                    confirmed.acked += 1;
                } else {
                    confirmed.nacked += 1;
                    all = false;
                }
            }
            if all {
                confirmed.done.push(seq);
            }
        }
        Ok(confirmed)
    }
}
