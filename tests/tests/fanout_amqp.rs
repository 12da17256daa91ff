//! Fan-out against a real RabbitMQ: each accepted object reaches exactly the entitled
//! organisations' queues, at least once, across broker outages and hub crashes.
//! These tests share one broker, so they run one at a time (`.config/nextest.toml`).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use e2e::{Broker, Hub, Scratch, envelope, kyoyu, rabbitmqctl, stix_id};
use lapin::options::BasicGetOptions;
use lapin::types::AMQPValue;
use lapin::{Connection, ConnectionProperties};
use serde_json::{Value, json};

const TLP2_AMBER_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
const TLP2_RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const TLP1_WHITE: &str = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";

/// One message as a consumer sees it.
#[derive(Debug, Clone)]
struct Message {
    message_id: String,
    routing_key: String,
    headers: BTreeMap<String, String>,
    body: String,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Takes every message from `queue` (acknowledging them).
fn drain(url: &str, queue: &str) -> Result<Vec<Message>, lapin::Error> {
    runtime().block_on(async {
        let connection = Connection::connect(url, ConnectionProperties::default()).await?;
        let channel = connection.create_channel().await?;
        let mut messages = Vec::new();
        while let Some(got) = channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: true })
            .await?
        {
            let delivery = got.delivery;
            let properties = &delivery.properties;
            let headers = properties
                .headers()
                .as_ref()
                .map(|table| {
                    table
                        .inner()
                        .iter()
                        .filter_map(|(k, v)| match v {
                            AMQPValue::LongString(s) => Some((
                                k.as_str().to_owned(),
                                String::from_utf8_lossy(s.as_bytes()).into_owned(),
                            )),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            messages.push(Message {
                message_id: properties
                    .message_id()
                    .as_ref()
                    .map(|m| m.as_str().to_owned())
                    .unwrap_or_default(),
                routing_key: delivery.routing_key.as_str().to_owned(),
                headers,
                body: String::from_utf8_lossy(&delivery.data).into_owned(),
            });
        }
        let _ = connection.close(200, "done".into()).await;
        Ok(messages)
    })
}

/// Waits until the hub's outbox is empty (every duty confirmed by the broker).
fn wait_for_empty_outbox(hub: &Hub, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let metrics = hub
            .send("GET", &format!("{}/metrics", hub.base), &[], None)
            .body;
        if metrics.lines().any(|line| line == "kyoyu_outbox_waiting 0") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not drain within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn indicator(id: &str, modified: &str, markings: &[&str], recipients: &[&str]) -> String {
    let mut object = json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2024-01-01T00:00:00.000Z", "modified": modified,
        "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z",
    });
    if !markings.is_empty() {
        object["object_marking_refs"] = json!(markings);
    }
    if !recipients.is_empty() {
        object["x_kyoyu_recipients"] = json!(recipients);
    }
    object.to_string()
}

struct Org {
    slug: &'static str,
    sector: &'static str,
    analyst: bool,
}

const ORGS: [Org; 4] = [
    Org {
        slug: "power-a",
        sector: "electricity",
        analyst: false,
    },
    Org {
        slug: "bank",
        sector: "finance",
        analyst: false,
    },
    Org {
        slug: "rail",
        sector: "railway",
        analyst: false,
    },
    Org {
        slug: "nco",
        sector: "government",
        analyst: true,
    },
];

/// The written rules (DESIGN "Who sees what"), computed here.
fn entitled(
    reader: &Org,
    collection: &str,
    producer: &str,
    red: bool,
    recipients: &[&str],
) -> bool {
    let reads = reader.analyst
        || collection == "cross-sector"
        || collection == "advisories"
        || collection.strip_prefix("sector-") == Some(reader.sector);
    reads
        && (!red || reader.analyst || reader.slug == producer || recipients.contains(&reader.slug))
}

fn start(scratch: &Scratch, broker: &Broker) -> (Hub, BTreeMap<&'static str, String>) {
    let url = scratch.database_url();
    let mut tokens = BTreeMap::new();
    for org in &ORGS {
        let role = if org.analyst { "analyst" } else { "member" };
        kyoyu(
            &url,
            &[
                "org", "add", "--slug", org.slug, "--name", org.slug, "--sector", org.sector,
                "--role", role,
            ],
        );
        tokens.insert(
            org.slug,
            kyoyu(&url, &["token", "issue", "--org", org.slug]),
        );
    }
    let provisioned = kyoyu(&url, &["amqp", "provision", "--amqp-url", &broker.url()]);
    assert!(
        provisioned.contains("provisioned 4 queues"),
        "{provisioned}"
    );
    let hub = Hub::start_with(scratch, &["--amqp-url", &broker.url()]);
    (hub, tokens)
}

#[test]
fn amqp_every_accepted_object_reaches_exactly_the_entitled_queues() {
    let Some(broker) = Broker::new() else { return };
    let scratch = Scratch::new();
    let (hub, tokens) = start(&scratch, &broker);

    // (id, collection, producer, red, recipients)
    let mut posted: Vec<(String, String, &str, bool, Vec<&str>)> = Vec::new();
    for producer in ORGS.iter() {
        let mut collections = vec![
            "cross-sector".to_owned(),
            format!("sector-{}", producer.sector),
        ];
        if producer.analyst {
            collections.push("advisories".into());
        }
        for collection in collections {
            let variants: [(&[&str], bool, &[&str]); 5] = [
                (&[], false, &[]),
                (&[TLP1_WHITE], false, &[]),
                (&[TLP2_AMBER_STRICT], false, &[]),
                (&[TLP2_RED], true, &[]),
                (&[TLP2_RED], true, &["bank", "rail"]),
            ];
            let mut objects = Vec::new();
            for (markings, red, recipients) in variants {
                let id = stix_id("indicator");
                objects.push(indicator(
                    &id,
                    "2024-01-01T00:00:00.000Z",
                    markings,
                    recipients,
                ));
                posted.push((
                    id,
                    collection.clone(),
                    producer.slug,
                    red,
                    recipients.to_vec(),
                ));
            }
            let status = hub
                .post(
                    &format!("collections/{collection}/objects/"),
                    &tokens[producer.slug],
                    &envelope(&objects),
                )
                .json();
            assert_eq!(status["failure_count"], 0, "{status}");
        }
    }
    wait_for_empty_outbox(&hub, Duration::from_secs(30));

    for reader in &ORGS {
        let messages = drain(&broker.url(), &format!("kyoyu.org.{}", reader.slug)).expect("drain");
        let received: BTreeSet<String> = messages.iter().map(|m| m.message_id.clone()).collect();
        assert_eq!(
            received.len(),
            messages.len(),
            "{}: one message per entitled version",
            reader.slug
        );
        let expected: BTreeSet<String> = posted
            .iter()
            .filter(|(_, collection, producer, red, recipients)| {
                entitled(reader, collection, producer, *red, recipients)
            })
            .map(|(id, ..)| format!("{id}/2024-01-01T00:00:00.000Z"))
            .collect();
        assert_eq!(
            received, expected,
            "{}: exactly the entitled objects",
            reader.slug
        );
        for message in &messages {
            let id = message.message_id.split('/').next().expect("id");
            let body: Value = serde_json::from_str(&message.body).expect("body is the STIX object");
            assert_eq!(body["id"], id, "the body is the object itself");
            assert_eq!(message.headers["kyoyu-event"], "added");
            assert!(
                !message
                    .headers
                    .values()
                    .any(|v| ORGS.iter().any(|o| o.slug == v)),
                "no header names an organisation"
            );
            let (_, collection, ..) = posted.iter().find(|(p, ..)| p == id).expect("posted");
            assert!(
                message
                    .routing_key
                    .starts_with(&format!("{collection}.indicator.")),
                "{}",
                message.routing_key
            );
            assert_eq!(message.headers["kyoyu-collection"], *collection);
        }
    }
}

#[test]
fn amqp_new_versions_and_deletions_are_published() {
    let Some(broker) = Broker::new() else { return };
    let scratch = Scratch::new();
    let (hub, tokens) = start(&scratch, &broker);
    let id = stix_id("indicator");
    for modified in ["2024-01-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"] {
        hub.post(
            "collections/cross-sector/objects/",
            &tokens["power-a"],
            &envelope(&[indicator(&id, modified, &[], &[])]),
        );
    }
    // A version deleted before the relay published it goes out only as its tombstone;
    // here the additions are published first.
    wait_for_empty_outbox(&hub, Duration::from_secs(30));
    assert_eq!(
        hub.delete(
            &format!("collections/cross-sector/objects/{id}/"),
            &tokens["power-a"]
        )
        .status,
        200
    );
    wait_for_empty_outbox(&hub, Duration::from_secs(30));
    let messages = drain(&broker.url(), "kyoyu.org.bank").expect("drain");
    let events: Vec<(String, String)> = messages
        .iter()
        .map(|m| (m.headers["kyoyu-event"].clone(), m.message_id.clone()))
        .collect();
    assert_eq!(
        events,
        [
            ("added".to_owned(), format!("{id}/2024-01-01T00:00:00.000Z")),
            ("added".to_owned(), format!("{id}/2024-02-01T00:00:00.000Z")),
            (
                "deleted".to_owned(),
                format!("{id}/2024-01-01T00:00:00.000Z")
            ),
            (
                "deleted".to_owned(),
                format!("{id}/2024-02-01T00:00:00.000Z")
            ),
        ]
    );
    assert!(
        messages[2].body.is_empty() && messages[3].body.is_empty(),
        "tombstones have no body"
    );
    assert_eq!(messages[0].headers["kyoyu-producer-sector"], "electricity");
}

fn post_batches(hub: &Hub, token: &str, batches: std::ops::Range<usize>, ids: &mut Vec<String>) {
    for batch in batches {
        let objects: Vec<String> = (0..1000)
            .map(|_| {
                let id = stix_id("indicator");
                ids.push(id.clone());
                indicator(&id, "2024-01-01T00:00:00.000Z", &[], &[])
            })
            .collect();
        let status = hub
            .post(
                "collections/cross-sector/objects/",
                token,
                &envelope(&objects),
            )
            .json();
        assert_eq!(status["success_count"], 1000, "batch {batch}");
    }
}

fn received_ids(broker: &Broker, queue: &str) -> (BTreeSet<String>, usize) {
    let messages = drain(&broker.url(), queue).expect("drain");
    let ids = messages
        .iter()
        .map(|m| m.message_id.split('/').next().expect("id").to_owned())
        .collect();
    (ids, messages.len())
}

#[test]
fn amqp_a_broker_stopped_mid_ingest_loses_nothing_once_it_is_back() {
    let Some(broker) = Broker::new() else { return };
    let scratch = Scratch::new();
    let (hub, tokens) = start(&scratch, &broker);
    let mut ids = Vec::new();
    post_batches(&hub, &tokens["bank"], 0..3, &mut ids);
    rabbitmqctl(&["stop_app"]);
    let restart = scopeguard(|| {
        let _ = std::process::Command::new("rabbitmqctl")
            .arg("start_app")
            .output();
    });
    post_batches(&hub, &tokens["bank"], 3..10, &mut ids);
    let waiting = hub
        .send("GET", &format!("{}/metrics", hub.base), &[], None)
        .body;
    assert!(
        !waiting.lines().any(|l| l == "kyoyu_outbox_waiting 0"),
        "duties wait while the broker is down"
    );
    drop(restart);
    wait_for_empty_outbox(&hub, Duration::from_secs(90));
    let (received, _) = received_ids(&broker, "kyoyu.org.rail");
    let expected: BTreeSet<String> = ids.into_iter().collect();
    assert_eq!(received.len(), 10_000);
    assert_eq!(
        received, expected,
        "every object delivered once the broker is back"
    );
}

#[test]
fn amqp_a_hub_killed_mid_dispatch_republishes_with_the_same_message_ids() {
    let Some(broker) = Broker::new() else { return };
    let scratch = Scratch::new();
    let (hub, tokens) = start(&scratch, &broker);
    let mut ids = Vec::new();
    post_batches(&hub, &tokens["bank"], 0..5, &mut ids);
    // SIGKILL: no graceful stop, whatever the relay was doing.
    let pid = hub.pid().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status();
    drop(hub);
    let hub = Hub::start_with(&scratch, &["--amqp-url", &broker.url()]);
    wait_for_empty_outbox(&hub, Duration::from_secs(60));
    let messages = drain(&broker.url(), "kyoyu.org.rail").expect("drain");
    let expected: BTreeSet<String> = ids
        .iter()
        .map(|id| format!("{id}/2024-01-01T00:00:00.000Z"))
        .collect();
    let received: BTreeSet<String> = messages.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(
        received, expected,
        "nothing missing; any duplicate carries the same message id"
    );
}

#[test]
fn amqp_an_organisation_user_cannot_consume_another_organisations_queue() {
    let Some(broker) = Broker::new() else { return };
    let scratch = Scratch::new();
    let (hub, tokens) = start(&scratch, &broker);
    hub.post(
        "collections/cross-sector/objects/",
        &tokens["power-a"],
        &envelope(&[indicator(
            &stix_id("indicator"),
            "2024-01-01T00:00:00.000Z",
            &[],
            &[],
        )]),
    );
    wait_for_empty_outbox(&hub, Duration::from_secs(30));
    let user = format!("bank-{}", &broker.vhost[11..19]);
    rabbitmqctl(&["add_user", &user, "bank-secret"]);
    let _cleanup = scopeguard({
        let user = user.clone();
        move || {
            let _ = std::process::Command::new("rabbitmqctl")
                .args(["delete_user", &user])
                .output();
        }
    });
    // The permissions docs/operations.md gives an organisation's consumer.
    rabbitmqctl(&[
        "set_permissions",
        "-p",
        &broker.vhost,
        &user,
        "^$",
        "^$",
        r"^kyoyu\.org\.bank$",
    ]);
    let own = drain(&broker.url_as(&user, "bank-secret"), "kyoyu.org.bank").expect("its own queue");
    assert_eq!(own.len(), 1);
    let other = drain(&broker.url_as(&user, "bank-secret"), "kyoyu.org.power-a");
    let error = other
        .expect_err("another organisation's queue must be refused")
        .to_string();
    assert!(
        error.to_ascii_lowercase().contains("access") || error.contains("403"),
        "{error}"
    );
    let (left, _) = received_ids(&broker, "kyoyu.org.power-a");
    assert_eq!(left.len(), 1, "nothing was taken from the other queue");
}

/// Runs `f` when dropped (also when the test panics).
fn scopeguard<F: FnOnce()>(f: F) -> impl Drop {
    struct Guard<F: FnOnce()>(Option<F>);
    impl<F: FnOnce()> Drop for Guard<F> {
        fn drop(&mut self) {
            if let Some(f) = self.0.take() {
                f();
            }
        }
    }
    Guard(Some(f))
}
