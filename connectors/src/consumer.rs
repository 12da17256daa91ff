//! The fan-out consumer: reads an organisation's queue with manual acks and a prefetch window,
//! hands batches to a sink, acks what the sink accepted, requeues (nack) what it did not and
//! backs off, drops redeliveries of accepted messages by `message_id`, reconnects with backoff
//! when the broker goes away, and stops between batches when told to.
//!
//! It declares nothing: the queue is the hub's, and the consumer's user needs only read
//! permission on it.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use anyhow::Context as _;
use futures_util::StreamExt as _;
use lapin::Acker;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicNackOptions, BasicQosOptions, BasicRejectOptions,
};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{BasicProperties, Connection, ConnectionProperties};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::dedup::RecentIds;
use crate::message::Event;
use crate::sinks::Sink;

/// How the consumer connects, batches and backs off.
#[derive(Debug, Clone)]
pub struct ConsumerSettings {
    pub amqp_url: String,
    pub queue: String,
    /// basic.qos prefetch count.
    pub prefetch: u16,
    pub batch_size: usize,
    /// How long a batch waits for more messages after its first.
    pub batch_wait: Duration,
    /// Accepted message ids remembered for deduplication.
    pub dedup_window: usize,
    pub backoff_min: Duration,
    pub backoff_max: Duration,
}

/// What the consumer has done since it started.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub delivered: u64,
    pub duplicates: u64,
    pub requeued: u64,
    pub rejected: u64,
    pub sessions: u64,
}

/// Doubling delays between `min` and `max`, with up to a quarter of jitter.
#[derive(Debug)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(min: Duration, max: Duration) -> Self {
        Self {
            min,
            max: max.max(min),
            next: min,
        }
    }

    /// The delay to wait now; the one after is twice as long, up to `max`.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(self.max);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let quarter = delay.as_millis() / 4;
        let jitter = u64::try_from(u128::from(nanos) % quarter.max(1)).unwrap_or(0);
        delay + Duration::from_millis(jitter)
    }

    pub fn reset(&mut self) {
        self.next = self.min;
    }
}

/// Consumes until `stop` turns true (or its sender is dropped). Broker failures never end
/// it: it reconnects with backoff. Returns the counters.
pub async fn run(
    settings: ConsumerSettings,
    sink: Box<dyn Sink>,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<Counters> {
    let mut state = State {
        sink: Some(sink),
        recent: RecentIds::new(settings.dedup_window),
        sink_backoff: Backoff::new(settings.backoff_min, settings.backoff_max),
        counters: Counters::default(),
    };
    let mut reconnect = Backoff::new(settings.backoff_min, settings.backoff_max);
    loop {
        if *stop.borrow() {
            break;
        }
        match session(&settings, &mut state, &mut stop, &mut reconnect).await {
            Ok(()) => break,
            Err(error) => {
                if state.sink.is_none() {
                    return Err(error.context("the sink task failed"));
                }
                let delay = reconnect.next_delay();
                tracing::warn!(
                    error = format!("{error:#}"),
                    retry_in_ms = delay.as_millis() as u64,
                    "broker session ended; reconnecting"
                );
                if sleep_unless_stopped(delay, &mut stop).await {
                    break;
                }
            }
        }
    }
    tracing::info!(
        delivered = state.counters.delivered,
        duplicates = state.counters.duplicates,
        requeued = state.counters.requeued,
        rejected = state.counters.rejected,
        "consumer stopped"
    );
    Ok(state.counters)
}

struct State {
    /// Taken while the sink runs on the blocking pool; `None` afterwards only if it panicked.
    sink: Option<Box<dyn Sink>>,
    recent: RecentIds,
    sink_backoff: Backoff,
    counters: Counters,
}

/// One connection: `Ok` when stopped, `Err` when the broker went away or refused us.
async fn session(
    settings: &ConsumerSettings,
    state: &mut State,
    stop: &mut watch::Receiver<bool>,
    reconnect: &mut Backoff,
) -> anyhow::Result<()> {
    let shown = redact(&settings.amqp_url);
    let connection = tokio::time::timeout(
        Duration::from_secs(30),
        Connection::connect(&settings.amqp_url, ConnectionProperties::default()),
    )
    .await
    .with_context(|| format!("connecting to {shown}: timed out"))?
    .with_context(|| format!("connecting to {shown}"))?;
    let result = consume_on(&connection, settings, state, stop, reconnect).await;
    if connection.status().connected()
        && let Err(error) = connection.close(200, "kyoyu-connect stopping".into()).await
    {
        tracing::debug!(%error, "closing the connection");
    }
    result
}

async fn consume_on(
    connection: &Connection,
    settings: &ConsumerSettings,
    state: &mut State,
    stop: &mut watch::Receiver<bool>,
    reconnect: &mut Backoff,
) -> anyhow::Result<()> {
    let channel = connection
        .create_channel()
        .await
        .context("opening a channel")?;
    channel
        .basic_qos(settings.prefetch, BasicQosOptions::default())
        .await
        .context("setting the prefetch count")?;
    let tag = format!("kyoyu-connect-{}", std::process::id());
    let mut consumer = channel
        .basic_consume(
            settings.queue.as_str().into(),
            tag.as_str().into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .with_context(|| format!("consuming from queue '{}'", settings.queue))?;
    reconnect.reset();
    state.counters.sessions += 1;
    tracing::info!(
        queue = %settings.queue,
        prefetch = settings.prefetch,
        broker = %redact(&settings.amqp_url),
        "consuming"
    );

    loop {
        let first = tokio::select! {
            biased;
            _ = stop.wait_for(|stopped| *stopped) => return Ok(()),
            next = consumer.next() => next,
        };
        let first = first
            .context("the broker cancelled the consumer")?
            .context("receiving a message")?;
        let mut batch = vec![first];
        let mut broken = None;
        let deadline = Instant::now() + settings.batch_wait;
        while batch.len() < settings.batch_size {
            match tokio::time::timeout_at(deadline, consumer.next()).await {
                Ok(Some(Ok(delivery))) => batch.push(delivery),
                Ok(Some(Err(error))) => {
                    broken = Some(anyhow::Error::new(error).context("receiving a message"));
                    break;
                }
                Ok(None) | Err(_) => break,
            }
        }
        handle_batch(batch, state, stop).await?;
        if let Some(error) = broken {
            return Err(error);
        }
    }
}

/// Hands a batch to the sink and settles every delivery: ack (accepted or duplicate), nack
/// with requeue (sink failed), reject without requeue (malformed, so it cannot loop).
async fn handle_batch(
    batch: Vec<Delivery>,
    state: &mut State,
    stop: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut events = Vec::with_capacity(batch.len());
    let mut ackers: Vec<Acker> = Vec::with_capacity(batch.len());
    let mut in_batch = HashSet::new();
    for delivery in batch {
        let parsed = parse_delivery(&delivery.properties, &delivery.data);
        let acker = delivery.acker;
        match parsed {
            Err(error) => {
                tracing::error!(
                    error = %error,
                    message_id = ?delivery.properties.message_id().as_ref().map(|m| m.as_str()),
                    "malformed message rejected without requeue"
                );
                acker
                    .reject(BasicRejectOptions { requeue: false })
                    .await
                    .context("rejecting a malformed message")?;
                state.counters.rejected += 1;
            }
            Ok(event)
                if state.recent.seen(&event.message_id)
                    || !in_batch.insert(event.message_id.clone()) =>
            {
                tracing::debug!(
                    message_id = %event.message_id,
                    redelivered = delivery.redelivered,
                    "duplicate acknowledged without delivery"
                );
                acker
                    .ack(BasicAckOptions::default())
                    .await
                    .context("acknowledging a duplicate")?;
                state.counters.duplicates += 1;
            }
            Ok(event) => {
                events.push(event);
                ackers.push(acker);
            }
        }
    }
    if events.is_empty() {
        return Ok(());
    }

    let Some(mut sink) = state.sink.take() else {
        anyhow::bail!("the sink is gone");
    };
    let (sink, events, outcome) = tokio::task::spawn_blocking(move || {
        let outcome = sink.deliver(&events);
        (sink, events, outcome)
    })
    .await
    .context("the sink panicked")?;
    state.sink = Some(sink);

    match outcome {
        Ok(()) => {
            for acker in &ackers {
                acker
                    .ack(BasicAckOptions::default())
                    .await
                    .context("acknowledging delivered messages")?;
            }
            for event in events {
                state.recent.insert(event.message_id);
            }
            state.counters.delivered += ackers.len() as u64;
            state.sink_backoff.reset();
            tracing::debug!(messages = ackers.len(), "batch delivered");
        }
        Err(error) => {
            for acker in &ackers {
                acker
                    .nack(BasicNackOptions {
                        multiple: false,
                        requeue: true,
                    })
                    .await
                    .context("requeueing undelivered messages")?;
            }
            state.counters.requeued += ackers.len() as u64;
            let delay = state.sink_backoff.next_delay();
            tracing::warn!(
                error = format!("{:#}", anyhow::Error::new(error)),
                messages = ackers.len(),
                retry_in_ms = delay.as_millis() as u64,
                "sink failed; messages requeued"
            );
            sleep_unless_stopped(delay, stop).await;
        }
    }
    Ok(())
}

/// The fan-out message of a delivery: message id, `type`, string headers and body.
pub fn parse_delivery(
    properties: &BasicProperties,
    body: &[u8],
) -> Result<Event, crate::message::MessageError> {
    let headers: BTreeMap<String, String> = properties
        .headers()
        .as_ref()
        .map(|table| {
            table
                .inner()
                .iter()
                .filter_map(|(name, value)| {
                    let text = match value {
                        AMQPValue::LongString(s) => {
                            String::from_utf8_lossy(s.as_bytes()).into_owned()
                        }
                        AMQPValue::ShortString(s) => s.as_str().to_owned(),
                        _ => return None,
                    };
                    Some((name.as_str().to_owned(), text))
                })
                .collect()
        })
        .unwrap_or_default();
    Event::parse(
        properties.message_id().as_ref().map(|m| m.as_str()),
        properties.kind().as_ref().map(|k| k.as_str()),
        &headers,
        body,
    )
}

/// Sleeps `delay`; true when `stop` turned true meanwhile.
async fn sleep_unless_stopped(delay: Duration, stop: &mut watch::Receiver<bool>) -> bool {
    tokio::select! {
        _ = stop.wait_for(|stopped| *stopped) => true,
        () = tokio::time::sleep(delay) => false,
    }
}

/// The URL without its password, for logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{scheme}://{user}:***@{host}{path}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_broker_urls() {
        assert_eq!(
            redact("amqp://org-acme:s3cret@rabbit:5672/kyoyu"),
            "amqp://org-acme:***@rabbit:5672/kyoyu"
        );
        assert_eq!(redact("amqp://rabbit:5672/"), "amqp://rabbit:5672/");
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_and_resets() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_millis(400));
        let delays: Vec<u128> = (0..4).map(|_| backoff.next_delay().as_millis()).collect();
        let bases = [100, 200, 400, 400];
        for (delay, base) in delays.iter().zip(bases) {
            assert!(
                (base..=base + base / 4).contains(delay),
                "{delay} not within jitter of {base}"
            );
        }
        backoff.reset();
        assert!(backoff.next_delay().as_millis() < 130);
    }
}
