//! Each sink against a local receiver: exact framing, escaping and fields, and failures that
//! must reach the consumer as `Err` (so it requeues).

use std::time::Duration;

use kyoyu_connectors::message::Event;
use kyoyu_connectors::sinks::Sink;
use kyoyu_connectors::sinks::elasticsearch::{Elasticsearch, EsAuth};
use kyoyu_connectors::sinks::hec::Hec;
use kyoyu_connectors::sinks::jsonl::JsonLines;
use kyoyu_connectors::sinks::syslog::{Syslog, Transport};
use serde_json::{Value, json};

use crate::helpers::{
    DATE_ADDED, HttpRecorder, INDICATOR_ID, Reply, TcpReceiver, UdpReceiver, VERSION, added,
    deleted, scratch_dir,
};

const FILE_INDICATOR_ID: &str = "indicator--0c1f7d7e-5f5a-4b6e-9c39-3b8f0f4c2a10";
const DELETED_ID: &str = "indicator--5d0c1a55-32b6-4d5e-8f3d-2a6c3c1b9e77";
const SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const TIMEOUT: Duration = Duration::from_secs(5);

fn ip_indicator() -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": INDICATOR_ID,
        "created": VERSION, "modified": VERSION,
        "name": "C2 | relay\\01",
        "description": "Beacon=yes\nsecond line",
        "pattern": "[ipv4-addr:value = '198.51.100.7']",
        "pattern_type": "stix", "valid_from": VERSION, "confidence": 85
    })
}

fn file_indicator() -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": FILE_INDICATOR_ID,
        "created": VERSION, "modified": VERSION,
        "pattern": format!("[file:hashes.'SHA-256' = '{SHA256}'] OR [url:value = 'http://x.example/a=b']"),
        "pattern_type": "stix", "valid_from": "2024-04-01T00:00:00Z"
    })
}

fn events() -> Vec<Event> {
    vec![
        added(&ip_indicator(), "amber"),
        added(&file_indicator(), "green"),
        deleted(DELETED_ID, "red"),
    ]
}

fn mid(id: &str) -> String {
    format!("{id}/{VERSION}")
}

/// The syslog messages expected for `events()`, without `<PRI>1 TIMESTAMP `, and their PRIs.
fn expected_syslog() -> Vec<(&'static str, String)> {
    let pid = std::process::id();
    let sd = |id: &str, tlp: &str| {
        format!(
            "[kyoyu@32473 messageId=\"{}\" collection=\"energy-iocs\" tlp=\"{tlp}\"]",
            mid(id)
        )
    };
    let common = |act: &str, id: &str, tlp: &str| {
        format!(
            "rt=1714557601123 act={act} externalId={id} cs1Label=collection cs1=energy-iocs cs2Label=tlp cs2={tlp} cs3Label=messageId cs3={}",
            mid(id)
        )
    };
    vec![
        (
            "<132>",
            format!(
                "sensor-1 kyoyu-connect {pid} added {} CEF:0|Kyoyu|kyoyu-hub|1.0|indicator|C2 \\| relay\\\\01|9|{} cs4Label=pattern cs4=[ipv4-addr:value \\= '198.51.100.7'] cn1Label=confidence cn1=85 dst=198.51.100.7 msg=Beacon\\=yes\\nsecond line",
                sd(INDICATOR_ID, "amber"),
                common("added", INDICATOR_ID, "amber"),
            ),
        ),
        (
            "<133>",
            format!(
                "sensor-1 kyoyu-connect {pid} added {} CEF:0|Kyoyu|kyoyu-hub|1.0|indicator|{FILE_INDICATOR_ID}|4|{} cs4Label=pattern cs4=[file:hashes.'SHA-256' \\= '{SHA256}'] OR [url:value \\= 'http://x.example/a\\=b'] fileHash={SHA256} request=http://x.example/a\\=b",
                sd(FILE_INDICATOR_ID, "green"),
                common("added", FILE_INDICATOR_ID, "green"),
            ),
        ),
        (
            "<134>",
            format!(
                "sensor-1 kyoyu-connect {pid} deleted {} CEF:0|Kyoyu|kyoyu-hub|1.0|indicator|{DELETED_ID}|1|{}",
                sd(DELETED_ID, "red"),
                common("deleted", DELETED_ID, "red"),
            ),
        ),
    ]
}

/// Checks `<PRI>1 TIMESTAMP rest` against the expectation; the timestamp is now, in UTC.
fn assert_syslog_message(message: &str, pri: &str, rest: &str) {
    let after_pri = message
        .strip_prefix(pri)
        .and_then(|m| m.strip_prefix("1 "))
        .unwrap_or_else(|| panic!("expected {pri}1 at the start of {message}"));
    let (timestamp, tail) = after_pri.split_once(' ').expect("a timestamp");
    assert_eq!(timestamp.len(), 24, "timestamp {timestamp}");
    assert!(timestamp.ends_with('Z'), "timestamp {timestamp} is UTC");
    assert!(
        kyoyu_connectors::message::epoch_millis(timestamp).is_some(),
        "timestamp {timestamp} is RFC 3339"
    );
    assert_eq!(tail, rest);
}

#[test]
fn syslog_over_udp_sends_one_rfc5424_datagram_with_cef_per_event() {
    let receiver = UdpReceiver::start();
    let mut sink = Syslog::new(
        receiver.addr(),
        Transport::Udp,
        16,
        Some("sensor-1".to_owned()),
        TIMEOUT,
    );
    sink.deliver(&events()).expect("sent");
    let datagrams = receiver.receive(3);
    for (datagram, (pri, rest)) in datagrams.iter().zip(expected_syslog()) {
        assert_syslog_message(datagram, pri, &rest);
    }
}

#[test]
fn syslog_over_tcp_uses_octet_counting_frames() {
    let receiver = TcpReceiver::start();
    let mut sink = Syslog::new(
        receiver.addr.to_string(),
        Transport::Tcp,
        16,
        Some("sensor-1".to_owned()),
        TIMEOUT,
    );
    let expected = expected_syslog();
    sink.deliver(&events()[..2]).expect("sent");
    sink.deliver(&events()[2..])
        .expect("sent on the same connection");
    // Each message is `<PRI>1 ` + a 24-character timestamp + a space + the rest.
    let total: usize = expected
        .iter()
        .map(|(pri, rest)| {
            let len = pri.len() + 2 + 24 + 1 + rest.len();
            len.to_string().len() + 1 + len
        })
        .sum();
    let bytes = receiver.received(total);
    assert_eq!(bytes.len(), total, "no extra bytes (no trailing newlines)");
    let mut rest = &bytes[..];
    for (pri, expected_rest) in expected {
        let space = rest.iter().position(|b| *b == b' ').expect("MSG-LEN SP");
        let len: usize = std::str::from_utf8(&rest[..space])
            .expect("ascii")
            .parse()
            .expect("MSG-LEN is a number");
        let message = std::str::from_utf8(&rest[space + 1..space + 1 + len]).expect("utf-8");
        assert_syslog_message(message, pri, &expected_rest);
        rest = &rest[space + 1 + len..];
    }
    assert!(rest.is_empty());
}

#[test]
fn syslog_to_an_unresolvable_receiver_fails() {
    let mut sink = Syslog::new(
        "no-such-host.invalid:514".to_owned(),
        Transport::Udp,
        16,
        None,
        TIMEOUT,
    );
    assert!(sink.deliver(&events()).is_err());
}

#[test]
fn jsonl_appends_one_record_per_event_and_fails_without_its_directory() {
    let dir = scratch_dir("jsonl");
    let path = dir.join("events.jsonl");
    let mut sink = JsonLines::new(path.clone());
    let events = events();
    sink.deliver(&events[..1]).expect("written");
    sink.deliver(&events[1..]).expect("appended");
    let text = std::fs::read_to_string(&path).expect("file");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    let record = |event: &str, id: &str, tlp: &str, object: &str| {
        format!(
            r#"{{"event":"{event}","message_id":"{}","collection":"energy-iocs","tlp":"{tlp}","date_added":"{DATE_ADDED}","object":{object}}}"#,
            mid(id)
        )
    };
    assert_eq!(
        lines[0],
        record("added", INDICATOR_ID, "amber", &ip_indicator().to_string())
    );
    assert_eq!(
        lines[2],
        record(
            "deleted",
            DELETED_ID,
            "red",
            &format!(r#"{{"id":"{DELETED_ID}","type":"indicator"}}"#)
        )
    );
    assert!(text.ends_with('\n'));

    let mut broken = JsonLines::new(dir.join("missing/events.jsonl"));
    assert!(broken.deliver(&events).is_err());
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn hec_posts_a_batch_of_events_with_the_splunk_token() {
    let hec = HttpRecorder::start(|_| Reply::json(200, &json!({ "text": "Success", "code": 0 })));
    let mut sink = Hec::new(
        format!("{}/services/collector/event", hec.url()),
        "T0k3n",
        "stix:2.1".to_owned(),
        None,
        TIMEOUT,
    );
    sink.deliver(&events()).expect("accepted");
    let requests = hec.requests();
    assert_eq!(requests.len(), 1, "one request per batch");
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/services/collector/event");
    assert_eq!(request.header("authorization"), Some("Splunk T0k3n"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    let text = request.text();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON event per line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[0],
        json!({
            "time": 1_714_557_601.123,
            "sourcetype": "stix:2.1",
            "source": "kyoyu",
            "event": {
                "event": "added",
                "message_id": mid(INDICATOR_ID),
                "collection": "energy-iocs",
                "tlp": "amber",
                "date_added": DATE_ADDED,
                "object": ip_indicator(),
            }
        })
    );
    assert_eq!(lines[2]["event"]["event"], "deleted");
    assert_eq!(
        lines[2]["event"]["object"],
        json!({ "type": "indicator", "id": DELETED_ID })
    );
}

#[test]
fn hec_errors_fail_the_batch() {
    let hec =
        HttpRecorder::start(|_| Reply::json(503, &json!({ "text": "Server is busy", "code": 9 })));
    let mut sink = Hec::new(
        format!("{}/services/collector/event", hec.url()),
        "T0k3n",
        "stix:2.1".to_owned(),
        Some("threat".to_owned()),
        TIMEOUT,
    );
    let error = sink.deliver(&events()).expect_err("503 is a failure");
    assert!(error.to_string().contains("HTTP 503"), "{error}");
    assert_eq!(hec.requests()[0].text().lines().count(), 3);
    assert_eq!(
        hec.requests()[0]
            .text()
            .lines()
            .next()
            .map(|l| { serde_json::from_str::<Value>(l).expect("json")["index"].clone() }),
        Some(json!("threat"))
    );
}

fn bulk_ok(request: &crate::helpers::Request) -> Reply {
    let items: Vec<Value> = request
        .text()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|l| {
            if let Some(target) = l.get("index") {
                Some(json!({ "index": { "_id": target["_id"], "status": 201, "result": "created" } }))
            } else {
                l.get("delete").map(|target| {
                    json!({ "delete": { "_id": target["_id"], "status": 404, "result": "not_found" } })
                })
            }
        })
        .collect();
    Reply::json(200, &json!({ "took": 2, "errors": false, "items": items }))
}

#[test]
fn elasticsearch_bulk_indexes_ecs_documents_keyed_by_message_id() {
    let es = HttpRecorder::start(bulk_ok);
    let mut sink = Elasticsearch::new(
        &format!("{}/", es.url()),
        "kyoyu-threat".to_owned(),
        Some(EsAuth::ApiKey("a2V5OnNlY3JldA==".to_owned())),
        TIMEOUT,
    );
    sink.deliver(&events()).expect("accepted");
    let requests = es.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.path, "/_bulk");
    assert_eq!(request.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(
        request.header("authorization"),
        Some("ApiKey a2V5OnNlY3JldA==")
    );
    let text = request.text();
    assert!(text.ends_with('\n'), "_bulk bodies end with a newline");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON"))
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines[0],
        json!({ "index": { "_index": "kyoyu-threat", "_id": mid(INDICATOR_ID) } })
    );
    assert_eq!(
        lines[1],
        json!({
            "@timestamp": DATE_ADDED,
            "event": {
                "kind": "enrichment", "category": "threat", "type": "indicator",
                "id": mid(INDICATOR_ID), "dataset": "kyoyu.stix"
            },
            "threat": { "indicator": {
                "type": "ipv4-addr",
                "ip": "198.51.100.7",
                "first_seen": VERSION,
                "modified_at": VERSION,
                "confidence": "High",
                "marking": { "tlp": "AMBER" },
                "provider": "kyoyu",
                "description": "Beacon=yes\nsecond line",
                "name": "C2 | relay\\01"
            }},
            "kyoyu": {
                "collection": "energy-iocs",
                "message_id": mid(INDICATOR_ID),
                "stix_id": INDICATOR_ID
            },
            "stix": ip_indicator()
        })
    );
    let file = &lines[3]["threat"]["indicator"];
    assert_eq!(file["type"], "file");
    assert_eq!(file["file"]["hash"]["sha256"], SHA256);
    assert_eq!(file["url"]["full"], "http://x.example/a=b");
    assert_eq!(file["first_seen"], "2024-04-01T00:00:00Z");
    assert_eq!(file["confidence"], "Not Specified");
    assert_eq!(file["marking"]["tlp"], "GREEN");
    assert_eq!(
        lines[4],
        json!({ "delete": { "_index": "kyoyu-threat", "_id": mid(DELETED_ID) } })
    );
}

#[test]
fn elasticsearch_item_errors_and_http_errors_fail_the_batch() {
    let es = HttpRecorder::start(|_| {
        Reply::json(
            200,
            &json!({ "took": 1, "errors": true, "items": [
                { "index": { "_id": "a", "status": 201 } },
                { "index": { "_id": "b", "status": 429, "error": {
                    "type": "es_rejected_execution_exception", "reason": "queue full" } } }
            ]}),
        )
    });
    let mut sink = Elasticsearch::new(
        &es.url(),
        "kyoyu-threat".to_owned(),
        Some(EsAuth::Basic {
            username: "elastic".to_owned(),
            password: "changeme".to_owned(),
        }),
        TIMEOUT,
    );
    let error = sink
        .deliver(&events())
        .expect_err("item errors fail the batch");
    assert_eq!(
        error.to_string(),
        "1 of 2 bulk items failed, first: es_rejected_execution_exception: queue full"
    );
    assert_eq!(
        es.requests()[0].header("authorization"),
        Some("Basic ZWxhc3RpYzpjaGFuZ2VtZQ==")
    );

    let down = HttpRecorder::start(|_| Reply::json(401, &json!({ "error": "no" })));
    let mut sink = Elasticsearch::new(&down.url(), "kyoyu-threat".to_owned(), None, TIMEOUT);
    let error = sink.deliver(&events()).expect_err("401 is a failure");
    assert!(error.to_string().contains("HTTP 401"), "{error}");
    assert_eq!(down.requests()[0].header("authorization"), None);
}
