//! End to end against the real RabbitMQ: the built `kyoyu-connect consume` with the jsonl
//! sink reads a quorum queue fed the way the hub feeds it (topic exchange `kyoyu.stix`,
//! messages shaped by `schemas/amqp-message.schema.json`). Each test gets its own vhost.
//! `TEST_AMQP_URL` (default amqp://guest:guest@127.0.0.1:5672) is the base URL; without a
//! reachable broker the tests print a skip, or fail under CI=true.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use lapin::options::{
    BasicPublishOptions, ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString};
use lapin::{
    BasicProperties, Channel, Confirmation, Connection, ConnectionProperties, ExchangeKind,
};
use serde_json::{Value, json};

use crate::helpers::{DATE_ADDED, VERSION, ci, fanout_headers, scratch_dir, skip};

const QUEUE: &str = "kyoyu.org.acme";
const EXCHANGE: &str = "kyoyu.stix";

/// The broker's base URL (scheme, credentials, host, port; no vhost), if it is reachable.
fn broker() -> Option<String> {
    let url = std::env::var("TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672".to_owned());
    let (scheme, rest) = url.split_once("://").expect("TEST_AMQP_URL has a scheme");
    let authority = rest.split('/').next().unwrap_or_default();
    let base = format!("{scheme}://{authority}");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let reachable = std::net::ToSocketAddrs::to_socket_addrs(host_port)
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok()
        });
    if !reachable {
        skip(&format!("RabbitMQ is not reachable at {host_port}"));
        return None;
    }
    Some(base)
}

fn rabbitmqctl(args: &[&str]) -> bool {
    match Command::new("rabbitmqctl").args(args).output() {
        Ok(output) if output.status.success() => true,
        Ok(output) => {
            eprintln!(
                "rabbitmqctl {args:?} failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            false
        }
        Err(error) => {
            eprintln!("rabbitmqctl {args:?} cannot run: {error}");
            false
        }
    }
}

/// A vhost of its own, deleted when dropped.
struct Vhost {
    name: String,
    url: String,
}

impl Vhost {
    fn create(base: &str) -> Option<Self> {
        let name = format!("kyoyu-connect-test-{}", uuid::Uuid::new_v4().simple());
        if !rabbitmqctl(&["add_vhost", &name]) {
            assert!(!ci(), "CI=true but rabbitmqctl cannot create a vhost");
            eprintln!("SKIPPED: rabbitmqctl cannot create a vhost");
            return None;
        }
        assert!(
            rabbitmqctl(&["set_permissions", "-p", &name, "guest", ".*", ".*", ".*"]),
            "granting guest the vhost"
        );
        Some(Self {
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for Vhost {
    fn drop(&mut self) {
        rabbitmqctl(&["delete_vhost", &self.name]);
    }
}

/// The hub's topology: the topic exchange and the organisation's quorum queue bound `#`.
async fn declare_topology(url: &str) -> (Connection, Channel) {
    let connection = Connection::connect(url, ConnectionProperties::default())
        .await
        .expect("connect");
    let channel = connection.create_channel().await.expect("channel");
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
        .expect("exchange");
    let mut arguments = FieldTable::default();
    arguments.insert(
        "x-queue-type".into(),
        AMQPValue::LongString(LongString::from("quorum")),
    );
    channel
        .queue_declare(
            QUEUE.into(),
            QueueDeclareOptions {
                durable: true,
                ..QueueDeclareOptions::default()
            },
            arguments,
        )
        .await
        .expect("quorum queue");
    channel
        .queue_bind(
            QUEUE.into(),
            EXCHANGE.into(),
            "#".into(),
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .expect("bind");
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .expect("publisher confirms");
    (connection, channel)
}

async fn publisher(url: &str) -> (Connection, Channel) {
    let connection = Connection::connect(url, ConnectionProperties::default())
        .await
        .expect("connect");
    let channel = connection.create_channel().await.expect("channel");
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .expect("publisher confirms");
    (connection, channel)
}

/// One fan-out message as the schema describes it.
struct Message {
    stix_id: String,
    stix_type: &'static str,
    tlp: &'static str,
    /// `None` for a tombstone.
    body: Option<Value>,
}

impl Message {
    fn added(stix_type: &'static str, tlp: &'static str, name: &str) -> Self {
        let stix_id = format!("{stix_type}--{}", uuid::Uuid::new_v4());
        let mut body = json!({
            "type": stix_type, "spec_version": "2.1", "id": stix_id,
            "created": VERSION, "modified": VERSION, "name": name
        });
        if stix_type == "indicator" {
            body["pattern"] = json!("[domain-name:value = 'evil.example']");
            body["pattern_type"] = json!("stix");
            body["valid_from"] = json!(VERSION);
        } else {
            body["is_family"] = json!(true);
        }
        Self {
            stix_id,
            stix_type,
            tlp,
            body: Some(body),
        }
    }

    fn tombstone(tlp: &'static str) -> Self {
        Self {
            stix_id: format!("indicator--{}", uuid::Uuid::new_v4()),
            stix_type: "indicator",
            tlp,
            body: None,
        }
    }

    fn message_id(&self) -> String {
        format!("{}/{VERSION}", self.stix_id)
    }

    fn body_text(&self) -> String {
        self.body.as_ref().map(Value::to_string).unwrap_or_default()
    }

    /// The line the jsonl sink must write for this message.
    fn expected_line(&self) -> String {
        let (event, object) = match &self.body {
            Some(_) => ("added", self.body_text()),
            None => (
                "deleted",
                format!(r#"{{"id":"{}","type":"{}"}}"#, self.stix_id, self.stix_type),
            ),
        };
        format!(
            r#"{{"event":"{event}","message_id":"{}","collection":"energy-iocs","tlp":"{}","date_added":"{DATE_ADDED}","object":{object}}}"#,
            self.message_id(),
            self.tlp
        )
    }

    async fn publish(&self, channel: &Channel) {
        let event = if self.body.is_some() {
            "added"
        } else {
            "deleted"
        };
        let mut headers = FieldTable::default();
        for (name, value) in fanout_headers(event, &self.stix_id, VERSION, self.tlp) {
            headers.insert(
                name.as_str().into(),
                AMQPValue::LongString(LongString::from(value)),
            );
        }
        let routing_key = match self.tlp {
            "red" => format!("energy-iocs.{}.red.acme", self.stix_type),
            tlp => format!("energy-iocs.{}.{tlp}", self.stix_type),
        };
        let properties = BasicProperties::default()
            .with_content_type("application/stix+json;version=2.1".into())
            .with_delivery_mode(2)
            .with_message_id(self.message_id().as_str().into())
            .with_timestamp(1_714_557_601)
            .with_app_id("kyoyu".into())
            .with_type(
                if self.body.is_some() {
                    "stix-object"
                } else {
                    "stix-deleted"
                }
                .into(),
            )
            .with_headers(headers);
        let confirmation = channel
            .basic_publish(
                EXCHANGE.into(),
                routing_key.as_str().into(),
                BasicPublishOptions::default(),
                self.body_text().as_bytes(),
                properties,
            )
            .await
            .expect("publish")
            .await
            .expect("confirm");
        assert!(
            matches!(confirmation, Confirmation::Ack(_)),
            "the broker took the message: {confirmation:?}"
        );
    }
}

/// The consumer process, killed if a test fails before stopping it.
struct Consumer {
    child: Option<Child>,
    log: PathBuf,
}

impl Consumer {
    fn start(url: &str, output: &Path, log: PathBuf) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_kyoyu-connect"))
            .args([
                "consume",
                "--amqp-url",
                url,
                "--queue",
                QUEUE,
                "--sink",
                "jsonl",
            ])
            .args(["--output", output.to_str().expect("path")])
            .args([
                "--batch-wait-ms",
                "50",
                "--max-backoff-secs",
                "1",
                "--prefetch",
                "20",
            ])
            .env("RUST_LOG", "info,kyoyu_connectors=debug")
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("log file"))
            .spawn()
            .expect("start kyoyu-connect");
        Self {
            child: Some(child),
            log,
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM, then the exit status within 10 s.
    async fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let signalled = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(signalled.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "kyoyu-connect did not stop within 10 s of SIGTERM:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits up to 30 s for `check`; on timeout fails with the consumer's log.
async fn wait_until(consumer: &Consumer, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; consumer log:\n{}",
            consumer.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Ready messages in the queue (passive declare); with no consumer, every message not acked.
async fn queue_depth(url: &str) -> u32 {
    let connection = Connection::connect(url, ConnectionProperties::default())
        .await
        .expect("connect");
    let channel = connection.create_channel().await.expect("channel");
    let queue = channel
        .queue_declare(
            QUEUE.into(),
            QueueDeclareOptions {
                passive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .expect("the queue exists");
    let _ = connection.close(200, "bye".into()).await;
    queue.message_count()
}

/// Polls the depth until it is `expected` (requeued messages may take a moment to be ready).
async fn assert_depth(url: &str, expected: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let depth = queue_depth(url).await;
        if depth == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "queue depth is {depth}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consumer_writes_each_message_once_acks_it_and_survives_a_broker_disconnect() {
    let Some(base) = broker() else { return };
    let Some(vhost) = Vhost::create(&base) else {
        return;
    };
    let dir = scratch_dir("consume");
    let output = dir.join("events.jsonl");
    let (connection, channel) = declare_topology(&vhost.url).await;

    let indicator = Message::added("indicator", "amber", "evil.example");
    let malware = Message::added("malware", "green", "Dropper | \"x\"");
    let tombstone = Message::tombstone("red");
    indicator.publish(&channel).await;
    indicator.publish(&channel).await; // the hub's retry: same message_id
    malware.publish(&channel).await;
    tombstone.publish(&channel).await;

    let mut consumer = Consumer::start(&vhost.url, &output, dir.join("consumer.log"));
    wait_until(&consumer, "three lines", || lines(&output).len() >= 3).await;
    wait_until(&consumer, "the duplicate to be acknowledged", || {
        consumer
            .log()
            .contains("duplicate acknowledged without delivery")
    })
    .await;

    // The broker drops every connection of the vhost: the consumer must come back.
    assert!(rabbitmqctl(&[
        "close_all_connections",
        "-p",
        &vhost.name,
        "test: broker loss"
    ]));
    drop(channel);
    drop(connection);
    wait_until(&consumer, "a reconnection", || {
        consumer.log().matches("consuming").count() >= 2
    })
    .await;
    let (connection, channel) = publisher(&vhost.url).await;
    let late = Message::added("indicator", "clear", "late.example");
    late.publish(&channel).await;
    malware.publish(&channel).await; // redelivered after the reconnection: already written
    wait_until(&consumer, "four lines", || lines(&output).len() >= 4).await;
    wait_until(&consumer, "the second duplicate to be acknowledged", || {
        consumer
            .log()
            .matches("duplicate acknowledged without delivery")
            .count()
            >= 2
    })
    .await;

    let status = consumer.stop().await;
    assert!(
        status.success(),
        "exit status {status}:\n{}",
        consumer.log()
    );
    let log = consumer.log();
    assert!(log.contains("broker session ended; reconnecting"), "{log}");
    assert_eq!(
        lines(&output),
        [
            indicator.expected_line(),
            malware.expected_line(),
            tombstone.expected_line(),
            late.expected_line()
        ],
        "each message once, in queue order"
    );
    assert_depth(&vhost.url, 0).await;
    let _ = connection.close(200, "bye".into()).await;
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sink_failure_leaves_the_message_in_the_queue_until_the_sink_recovers() {
    let Some(base) = broker() else { return };
    let Some(vhost) = Vhost::create(&base) else {
        return;
    };
    let dir = scratch_dir("consume-failing");
    let output = dir.join("not-yet/events.jsonl");
    let (connection, channel) = declare_topology(&vhost.url).await;
    let indicator = Message::added("indicator", "amber", "evil.example");
    indicator.publish(&channel).await;

    let mut consumer = Consumer::start(&vhost.url, &output, dir.join("failing.log"));
    wait_until(&consumer, "two failed attempts", || {
        consumer
            .log()
            .matches("sink failed; messages requeued")
            .count()
            >= 2
    })
    .await;
    let status = consumer.stop().await;
    assert!(
        status.success(),
        "exit status {status}:\n{}",
        consumer.log()
    );
    assert_depth(&vhost.url, 1).await;

    std::fs::create_dir_all(output.parent().expect("parent")).expect("the sink recovers");
    let mut consumer = Consumer::start(&vhost.url, &output, dir.join("recovered.log"));
    wait_until(&consumer, "the line", || !lines(&output).is_empty()).await;
    let status = consumer.stop().await;
    assert!(
        status.success(),
        "exit status {status}:\n{}",
        consumer.log()
    );
    assert_eq!(lines(&output), [indicator.expected_line()]);
    assert_depth(&vhost.url, 0).await;
    let _ = connection.close(200, "bye".into()).await;
    std::fs::remove_dir_all(dir).expect("cleanup");
}
