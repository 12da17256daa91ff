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

    /// Publishes one batch of duties; removes those the broker confirmed.
    #[tracing::instrument(skip_all)]
    pub async fn run_once(&self, channel: &Channel) -> Result<Outcome, RelayError> {
        let lease = i64::try_from(self.settings.lease_seconds).unwrap_or(30) * 1_000_000;
        let duties = self
            .store
            .claim_duties(self.settings.batch_size, lease)
            .await?;
        if duties.is_empty() {
            return Ok(Outcome::Idle);
        }
        let center = if duties.iter().any(|d| d.tlp == "red") {
            self.store.coordination_center().await?
        } else {
            Vec::new()
        };
        let mut pending = Vec::with_capacity(duties.len());
        let mut skipped = Vec::new();
        for duty in &duties {
            // An added version deleted before it was published: its tombstone follows.
            let Some(body) = duty.body.as_deref().or(duty.deleted.then_some("")) else {
                skipped.push(duty.seq);
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
            pending.push((duty.seq, confirms));
        }
        let mut done = skipped;
        for (seq, confirms) in pending {
            let mut confirmed = true;
            for confirm in confirms {
                if confirm.await?.is_ack() {
                    self.metrics.record_published(1);
                } else {
                    confirmed = false;
                    self.metrics.record_failed_confirm();
                }
            }
            if confirmed {
                done.push(seq);
            }
        }
        self.store.complete_duties(&done).await?;
        tracing::debug!(
            published = done.len(),
            claimed = duties.len(),
            "fan-out batch"
        );
        Ok(Outcome::Worked)
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

    async fn serve(
        &self,
        channel: &Channel,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<(), RelayError> {
        let poll = Duration::from_millis(self.settings.poll_interval_ms);
        loop {
            if *shutdown.borrow() {
                return Ok(());
            }
            if self.run_once(channel).await? == Outcome::Idle {
                tokio::select! {
                    _ = self.store.outbox_ready() => {}
                    _ = tokio::time::sleep(poll) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }
}
