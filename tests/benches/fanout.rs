//! Load harness for fan-out: accept-to-delivered latency and throughput through a real
//! RabbitMQ.
//!
//! ```text
//! cargo build --release -p kyoyu
//! KYOYU_BIN=target/release/kyoyu TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:5672 \
//!     cargo bench -p e2e --bench fanout
//! ```
//!
//! Starts the hub with `--amqp-url` on a virtual host of its own, provisions queues,
//! consumes the coordination center's queue (bound to everything), POSTs `BENCH_OBJECTS`
//! (default 10,000) indicators in envelopes of 1,000, and measures for each message the
//! time from its `date_added` (the hub accepted it) to its delivery to the consumer, and
//! messages delivered per second from the first accept to the last delivery.

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use e2e::{Broker, Hub, Scratch, envelope, indicator, kyoyu, stix_id};
use futures_util::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicQosOptions};
use lapin::types::{AMQPValue, FieldTable};
use lapin::{Connection, ConnectionProperties};

fn now_micros() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_micros())
            .unwrap_or(0),
    )
    .unwrap_or(0)
}

/// Parses a TAXII timestamp `YYYY-MM-DDTHH:MM:SS.ffffffZ` into microseconds.
fn micros_of(text: &str) -> Option<i64> {
    let format = time::format_description::well_known::Rfc3339;
    let parsed = time::OffsetDateTime::parse(text, &format).ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1000).ok()
}

fn percentile(sorted: &[i64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

fn main() -> ExitCode {
    let count: usize = std::env::var("BENCH_OBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let Some(broker) = Broker::new() else {
        eprintln!("fanout: set TEST_AMQP_URL to a RabbitMQ broker");
        return ExitCode::FAILURE;
    };
    let scratch = Scratch::new();
    let url = scratch.database_url();
    kyoyu(
        &url,
        &[
            "org",
            "add",
            "--slug",
            "nco",
            "--name",
            "NCO",
            "--sector",
            "government",
            "--role",
            "analyst",
        ],
    );
    kyoyu(
        &url,
        &[
            "org",
            "add",
            "--slug",
            "power",
            "--name",
            "Power",
            "--sector",
            "electricity",
        ],
    );
    let token = kyoyu(&url, &["token", "issue", "--org", "power"]);
    kyoyu(&url, &["amqp", "provision", "--amqp-url", &broker.url()]);
    let hub = Hub::start_with(&scratch, &["--amqp-url", &broker.url()]);

    let (tx, rx) = mpsc::channel::<(String, i64, i64)>();
    let amqp = broker.url();
    let consumer = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let connection = Connection::connect(&amqp, ConnectionProperties::default())
                .await
                .expect("connect");
            let channel = connection.create_channel().await.expect("channel");
            channel
                .basic_qos(1000, BasicQosOptions::default())
                .await
                .expect("qos");
            let mut deliveries = channel
                .basic_consume(
                    "kyoyu.org.nco".into(),
                    "bench".into(),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await
                .expect("consume");
            let mut seen = 0;
            while let Some(Ok(delivery)) = deliveries.next().await {
                let received = now_micros();
                let added = delivery
                    .properties
                    .headers()
                    .as_ref()
                    .and_then(|h| h.inner().get("kyoyu-date-added").cloned())
                    .and_then(|v| match v {
                        AMQPValue::LongString(s) => {
                            micros_of(&String::from_utf8_lossy(s.as_bytes()))
                        }
                        _ => None,
                    })
                    .unwrap_or(received);
                let id = delivery
                    .properties
                    .message_id()
                    .as_ref()
                    .map(|m| m.as_str().to_owned())
                    .unwrap_or_default();
                delivery.ack(BasicAckOptions::default()).await.expect("ack");
                seen += 1;
                if tx.send((id, added, received)).is_err() || seen >= count {
                    break;
                }
            }
        });
    });

    // BENCH_RATE=<objects/s> paces the ingest in envelopes of 100 (steady-state latency);
    // unset, everything is posted at once in envelopes of 1,000 (a burst).
    let rate: Option<f64> = std::env::var("BENCH_RATE")
        .ok()
        .and_then(|v| v.parse().ok());
    let per_envelope = if rate.is_some() { 100 } else { 1000 };
    let envelopes: Vec<String> = (0..count.div_ceil(per_envelope))
        .map(|e| {
            let objects: Vec<String> = (0..per_envelope.min(count - e * per_envelope))
                .map(|i| {
                    indicator(
                        &stix_id("indicator"),
                        "2024-01-01T00:00:00.000Z",
                        &format!("10.{}.{}.{}", e % 256, e / 256 * 4 + i / 256, i % 256),
                    )
                })
                .collect();
            envelope(&objects)
        })
        .collect();
    let started = Instant::now();
    let first_accept = now_micros();
    for (sent, body) in envelopes.iter().enumerate() {
        if let Some(rate) = rate {
            let due = Duration::from_secs_f64((sent * per_envelope) as f64 / rate);
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        let reply = hub.post("collections/cross-sector/objects/", &token, body);
        if reply.status != 202 {
            eprintln!("fanout: POST failed: {}", reply.body);
            return ExitCode::FAILURE;
        }
    }
    let ingest_seconds = started.elapsed().as_secs_f64();
    // When the relay had every message confirmed by the broker.
    let confirmed_at = loop {
        let metrics = hub
            .send("GET", &format!("{}/metrics", hub.base), &[], None)
            .body;
        if metrics.lines().any(|line| line == "kyoyu_outbox_waiting 0") {
            break now_micros();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut latencies = Vec::with_capacity(count);
    let mut ids = HashSet::new();
    let mut last_received = first_accept;
    while ids.len() < count {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok((id, added, received)) => {
                ids.insert(id);
                latencies.push(received - added);
                last_received = last_received.max(received);
            }
            Err(_) => {
                eprintln!(
                    "fanout: only {} of {count} messages arrived within 60 s of the last one",
                    ids.len()
                );
                return ExitCode::FAILURE;
            }
        }
    }
    let _ = consumer.join();
    latencies.sort_unstable();
    let span = (last_received - first_accept) as f64 / 1e6;
    println!("== kyoyu fan-out benchmark ==");
    match rate {
        Some(rate) => {
            println!("messages        {count} indicators paced at {rate:.0}/s in envelopes of 100")
        }
        None => println!("messages        {count} indicators in one burst of envelopes of 1,000"),
    }
    println!(
        "queues          each message goes to 2 quorum queues (producer, coordination center); one is consumed"
    );
    println!(
        "ingest          {:.0} objects/s over HTTP ({ingest_seconds:.3} s)",
        count as f64 / ingest_seconds
    );
    let relay_span = (confirmed_at - first_accept) as f64 / 1e6;
    println!(
        "confirmed       {:.0} messages/s (first accept to the broker confirming the last, {relay_span:.3} s)",
        count as f64 / relay_span
    );
    println!(
        "delivered       {:.0} messages/s (first accept to last delivery, {span:.3} s)",
        count as f64 / span
    );
    println!(
        "latency (ms)    p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}   (date_added to consumer delivery)",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    drop(hub);
    ExitCode::SUCCESS
}
