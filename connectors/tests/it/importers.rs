//! The MISP and CSV importers: conversion of the fixtures (ids, timestamps, markings,
//! patterns, skipped records), posting over TAXII to a fake hub (envelopes, headers, status,
//! summary, exit codes), and the OASIS validator over everything they build.

use std::process::Command;
use std::time::Duration;

use kyoyu_connectors::feeds::csv::{self, CsvError, CsvOptions};
use kyoyu_connectors::feeds::misp::{self, Container};
use kyoyu_connectors::feeds::stix::{Tlp, deterministic_id};
use kyoyu_connectors::taxii::{Client, Credentials};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::helpers::{HttpRecorder, Reply, fixture, oasis_invalid, scratch_dir};

const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
const AMBER_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";

fn attribute_id(n: &str) -> String {
    deterministic_id("indicator", &format!("5f1e7c1a-0000-4000-8000-{n}"))
}

fn find<'a>(objects: &'a [Value], id: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("{id} was built"))
}

fn skipped_reasons(skipped: &[kyoyu_connectors::feeds::Skipped]) -> Vec<(String, String)> {
    skipped
        .iter()
        .map(|s| (s.location.clone(), s.reason.clone()))
        .collect()
}

#[test]
fn misp_event_becomes_a_report_and_one_indicator_per_to_ids_attribute() {
    let events = misp::load(&fixture("misp/event.json")).expect("a MISP event");
    let converted = misp::convert(&events, Container::Auto);
    let objects = &converted.objects;
    assert_eq!(objects.len(), 12, "11 indicators and the report");

    // Ids are UUIDv5 of the MISP uuids under the connectors' namespace, stable across releases.
    assert_eq!(
        attribute_id("000000000001"),
        "indicator--69cd0b79-1cfe-53c6-b7c6-b7dd26aca0ab"
    );
    assert_eq!(
        find(objects, &attribute_id("000000000001")),
        &json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": attribute_id("000000000001"),
            "created": "2024-05-01T07:53:20.000Z",
            "modified": "2024-05-01T07:53:20.000Z",
            "name": "198.51.100.7",
            "description": "C2 server",
            "indicator_types": ["malicious-activity"],
            "pattern": "[ipv4-addr:value = '198.51.100.7']",
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": "2024-04-29T08:00:00.000Z",
            "valid_until": "2024-05-01T08:00:00.000Z",
            "labels": ["misp-galaxy:sector=\"Water\""],
            "external_references": [
                { "source_name": "misp", "external_id": "5f1e7c1a-0000-4000-8000-000000000001" }
            ],
            "object_marking_refs": [AMBER]
        })
    );
    let pattern = |n: &str| find(objects, &attribute_id(n))["pattern"].clone();
    let cases = [
        (
            "000000000002",
            "[domain-name:value = 'login-water.example']",
        ),
        (
            "000000000003",
            r"[url:value = 'https://login-water.example/o\'auth?x=1']",
        ),
        (
            "000000000004",
            "[email-addr:value = 'billing@login-water.example']",
        ),
        (
            "000000000005",
            "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
        ),
        (
            "000000000006",
            "[file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']",
        ),
        (
            "000000000007",
            "[file:name = 'invoice.pdf.exe' AND file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']",
        ),
        ("000000000008", "[ipv6-addr:value = '2001:db8::66']"),
        (
            "000000000009",
            "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.9' AND network-traffic:dst_port = 8443]",
        ),
        (
            "00000000000a",
            "[domain-name:value = 'cdn.login-water.example' AND domain-name:resolves_to_refs[*].value = '203.0.113.10']",
        ),
        (
            "000000000102",
            "[file:hashes.'SHA-512' = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e']",
        ),
    ];
    for (n, expected) in cases {
        assert_eq!(pattern(n), expected, "attribute {n}");
    }
    let domain = find(objects, &attribute_id("000000000002"));
    assert_eq!(
        domain["created"], "2024-05-01T07:53:21.000Z",
        "numeric timestamp"
    );
    assert_eq!(
        domain["description"],
        "Network activity: MISP 'domain' attribute of event 'Phishing wave against | water utilities'",
        "an empty comment gives way to a generated description"
    );
    let tagged = find(objects, &attribute_id("000000000008"));
    assert_eq!(
        tagged["object_marking_refs"],
        json!([RED]),
        "attribute TLP wins"
    );
    assert_eq!(
        tagged["labels"],
        json!(["misp-galaxy:sector=\"Water\"", "kill-chain:delivery"])
    );

    let report_id = deterministic_id("report", "5f1e7c1a-0000-4000-8000-00000000e001");
    let report = find(objects, &report_id);
    assert_eq!(
        objects.last(),
        Some(report),
        "the report follows what it refers to"
    );
    let refs: Vec<Value> = objects[..11].iter().map(|o| o["id"].clone()).collect();
    assert_eq!(
        report,
        &json!({
            "type": "report",
            "spec_version": "2.1",
            "id": report_id,
            "created": "2024-04-30T00:00:00.000Z",
            "modified": "2024-05-01T10:00:00.000Z",
            "name": "Phishing wave against | water utilities",
            "published": "2024-05-01T11:00:00.000Z",
            "report_types": ["threat-report"],
            "object_refs": refs,
            "labels": ["misp-galaxy:sector=\"Water\""],
            "external_references": [
                { "source_name": "misp", "external_id": "5f1e7c1a-0000-4000-8000-00000000e001" }
            ],
            "object_marking_refs": [AMBER]
        })
    );

    let event = "event 5f1e7c1a-0000-4000-8000-00000000e001 attribute 5f1e7c1a-0000-4000-8000-";
    let expected_skips: Vec<(String, String)> = [
        ("00000000000b", "to_ids is false"),
        ("00000000000c", "to_ids is false"),
        (
            "00000000000d",
            "MISP attribute type 'yara' has no STIX pattern mapping",
        ),
        ("00000000000e", "'not-a-hash' is not a valid MD5 hash"),
        ("00000000000f", "the attribute is deleted"),
        ("000000000101", "to_ids is false"),
    ]
    .iter()
    .map(|(n, reason)| (format!("{event}{n}"), (*reason).to_owned()))
    .collect();
    assert_eq!(skipped_reasons(&converted.skipped), expected_skips);

    let again = misp::convert(&events, Container::Auto);
    assert_eq!(
        &again.objects, objects,
        "a re-import builds the same objects"
    );
}

#[test]
fn a_misp_feed_is_read_through_its_manifest() {
    let from_dir = misp::load(&fixture("misp/feed")).expect("a feed directory");
    let from_manifest = misp::load(&fixture("misp/feed/manifest.json")).expect("a manifest");
    assert_eq!(from_dir, from_manifest);
    assert_eq!(from_dir.len(), 2);

    let converted = misp::convert(&from_dir, Container::Auto);
    let types: Vec<&str> = converted
        .objects
        .iter()
        .filter_map(|o| o["type"].as_str())
        .collect();
    assert_eq!(types, ["indicator", "indicator", "grouping"]);
    let grouping = &converted.objects[2];
    assert_eq!(grouping["context"], "suspicious-activity");
    assert_eq!(grouping["object_marking_refs"], json!([CLEAR]));
    assert!(grouping.get("published").is_none());
    assert_eq!(
        converted.objects[0]["pattern"],
        "[ipv4-addr:value = '192.0.2.0/24']"
    );
    assert_eq!(
        converted.objects[1]["pattern"],
        "[domain-name:value = 'scanner.example']"
    );
    let reasons: Vec<String> = converted.skipped.iter().map(|s| s.reason.clone()).collect();
    assert_eq!(
        reasons,
        ["to_ids is false", "no indicators, so no report or grouping"]
    );

    let forced = misp::convert(&from_dir, Container::Report);
    let report = &forced.objects[2];
    assert_eq!(report["type"], "report");
    assert_eq!(
        report["published"], report["modified"],
        "an unpublished event's report is published at its timestamp"
    );
}

fn csv_options(source: &str) -> CsvOptions {
    CsvOptions {
        type_column: "type".to_owned(),
        value_column: "value".to_owned(),
        description_column: "description".to_owned(),
        first_seen_column: "first_seen".to_owned(),
        tlp_column: "tlp".to_owned(),
        confidence_column: "confidence".to_owned(),
        default_tlp: None,
        source: source.to_owned(),
        delimiter: ',',
        modified: datetime!(2024-06-01 00:00:00 UTC),
    }
}

#[test]
fn csv_rows_become_indicators_and_bad_rows_are_skipped_with_reasons() {
    let text = std::fs::read_to_string(fixture("csv/iocs.csv")).expect("fixture");
    let converted = csv::convert(&text, &csv_options("iocs.csv")).expect("a CSV list");
    let objects = &converted.objects;
    assert_eq!(objects.len(), 8);
    let first = &objects[0];
    assert_eq!(
        first,
        &json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": deterministic_id("indicator", "csv\niocs.csv\nipv4-addr:value = '198.51.100.23'"),
            "created": "2024-05-01T08:30:00.000Z",
            "modified": "2024-06-01T00:00:00.000Z",
            "name": "198.51.100.23",
            "description": "Scanner, seen by \"three\" members",
            "indicator_types": ["malicious-activity"],
            "pattern": "[ipv4-addr:value = '198.51.100.23']",
            "pattern_type": "stix",
            "pattern_version": "2.1",
            "valid_from": "2024-05-01T08:30:00.000Z",
            "confidence": 80,
            "object_marking_refs": [AMBER]
        })
    );
    let summary: Vec<(Value, Value, Value)> = objects
        .iter()
        .map(|o| {
            (
                o["pattern"].clone(),
                o["object_marking_refs"].clone(),
                o["confidence"].clone(),
            )
        })
        .collect();
    let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(
        summary[1..],
        [
            (
                json!("[ipv6-addr:value = '2001:db8::23']"),
                json!([GREEN]),
                Value::Null
            ),
            (
                json!("[domain-name:value = 'evil-water.example']"),
                json!([AMBER_STRICT]),
                json!(85)
            ),
            (
                json!("[url:value = 'https://evil-water.example/login']"),
                json!([RED]),
                json!(55)
            ),
            (
                json!("[email-addr:value = 'billing@evil-water.example']"),
                json!([CLEAR]),
                Value::Null
            ),
            (
                json!("[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']"),
                Value::Null,
                Value::Null
            ),
            (
                json!("[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"),
                Value::Null,
                Value::Null
            ),
            (
                json!(format!("[file:hashes.'SHA-256' = '{sha256}']")),
                Value::Null,
                Value::Null
            ),
        ]
    );
    assert_eq!(
        objects[3]["created"], "2024-05-01T10:00:00.000Z",
        "epoch first_seen"
    );
    assert_eq!(
        objects[5]["created"], "2024-06-01T00:00:00.000Z",
        "no first_seen: the file's time"
    );
    assert_eq!(objects[6]["description"], "SHA-1 hash listed in iocs.csv");

    let expected_skips: Vec<(String, String)> = [
        (11, "duplicate of line 2"),
        (12, "'300.1.1.1' is not a valid IPv4 address"),
        (13, "unknown type 'registry'"),
        (14, "unknown TLP 'purple'"),
        (15, "confidence 'very' is neither 0-100 nor low/medium/high"),
        (16, "empty value"),
        (17, "'abc' is not a valid SHA-256 hash"),
        (18, "first_seen 'last tuesday' is not a time"),
    ]
    .iter()
    .map(|(line, reason)| (format!("line {line}"), (*reason).to_owned()))
    .collect();
    assert_eq!(skipped_reasons(&converted.skipped), expected_skips);

    let again = csv::convert(&text, &csv_options("iocs.csv")).expect("again");
    assert_eq!(
        &again.objects, objects,
        "a re-import builds the same objects"
    );
    let elsewhere = csv::convert(&text, &csv_options("other-list.csv")).expect("other");
    assert_ne!(
        elsewhere.objects[0]["id"], objects[0]["id"],
        "the source names the ids"
    );
}

#[test]
fn csv_without_a_type_column_guesses_types_from_values() {
    let text = std::fs::read_to_string(fixture("csv/untyped.csv")).expect("fixture");
    let options = CsvOptions {
        description_column: "note".to_owned(),
        default_tlp: Some(Tlp::Green),
        delimiter: ';',
        ..csv_options("untyped.csv")
    };
    let converted = csv::convert(&text, &options).expect("a CSV list");
    let patterns: Vec<&str> = converted
        .objects
        .iter()
        .filter_map(|o| o["pattern"].as_str())
        .collect();
    assert_eq!(
        patterns,
        [
            "[ipv4-addr:value = '203.0.113.77']",
            "[ipv6-addr:value = '2001:db8::77']",
            "[url:value = 'https://drop.example/x.bin']",
            "[domain-name:value = 'drop.example']",
            "[email-addr:value = 'a@drop.example']",
            "[file:hashes.'SHA-512' = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e']",
        ]
    );
    assert_eq!(converted.objects[0]["description"], "scanner");
    assert_eq!(converted.objects[0]["object_marking_refs"], json!([GREEN]));
    assert_eq!(
        skipped_reasons(&converted.skipped),
        [(
            "line 8".to_owned(),
            "cannot tell the type of 'just some words'".to_owned()
        )]
    );

    let wrong = CsvOptions {
        value_column: "ioc".to_owned(),
        delimiter: ';',
        ..csv_options("untyped.csv")
    };
    assert_eq!(
        csv::convert(&text, &wrong).expect_err("no such column"),
        CsvError::MissingColumn {
            wanted: "ioc".to_owned(),
            found: "value, note".to_owned()
        }
    );
}

/// A fake hub: collection `energy-iocs` is writable; objects named `*.7` are refused.
fn fake_hub() -> HttpRecorder {
    HttpRecorder::start(
        |request| match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/taxii2/api1/collections/energy-iocs/") => Reply::taxii(
                200,
                &json!({ "id": "0b6a1c1e-7f47-4a2e-8a43-4f3b1f0e9d11", "title": "Energy IOCs",
                     "can_read": true, "can_write": true }),
            ),
            ("POST", "/taxii2/api1/collections/energy-iocs/objects/") => {
                let objects = request.json()["objects"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let refused: Vec<Value> = objects
                    .iter()
                    .filter(|o| o["name"].as_str().is_some_and(|n| n.ends_with(".7")))
                    .map(|o| {
                        json!({ "id": o["id"], "version": o["modified"],
                                 "message": "TLP:CLEAR is below this collection's floor" })
                    })
                    .collect();
                Reply::taxii(
                    202,
                    &json!({
                        "id": uuid::Uuid::new_v4().to_string(), "status": "complete",
                        "total_count": objects.len(),
                        "success_count": objects.len() - refused.len(),
                        "failure_count": refused.len(), "failures": refused,
                        "pending_count": 0
                    }),
                )
            }
            _ => Reply::taxii(
                404,
                &json!({ "title": "Not found", "error_code": "not-found", "http_status": 404 }),
            ),
        },
    )
}

fn connector() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kyoyu-connect"))
}

#[test]
fn importers_post_envelopes_of_at_most_500_objects_and_summarise_the_status() {
    let hub = fake_hub();
    let dir = scratch_dir("csv-import");
    let file = dir.join("big.csv");
    let mut text = String::from("value,tlp\n");
    for i in 0..1203 {
        text.push_str(&format!("198.18.{}.{},clear\n", i / 200, i % 200));
    }
    std::fs::write(&file, text).expect("write");
    let output = connector()
        .args(["import-csv", file.to_str().expect("path")])
        .args(["--taxii-url", &format!("{}/taxii2/api1", hub.url())])
        .args(["--collection", "energy-iocs", "--basic", "client-1:s3cret"])
        .output()
        .expect("run kyoyu-connect");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );

    let requests = hub.requests();
    assert_eq!(requests[0].method, "GET", "the collection is checked first");
    let posts: Vec<_> = requests.iter().filter(|r| r.method == "POST").collect();
    let sizes: Vec<usize> = posts
        .iter()
        .map(|r| r.json()["objects"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [500, 500, 203]);
    for post in &posts {
        assert_eq!(
            post.header("content-type"),
            Some("application/taxii+json;version=2.1")
        );
        assert_eq!(
            post.header("accept"),
            Some("application/taxii+json;version=2.1")
        );
        assert_eq!(
            post.header("authorization"),
            Some("Basic Y2xpZW50LTE6czNjcmV0")
        );
    }
    // Values 198.18.x.7 are refused: rows 7, 207, ..., 1007 -> 6 of them.
    assert!(stdout.contains("objects built:  1203\n"), "{stdout}");
    assert!(stdout.contains("posted:         1203\n"), "{stdout}");
    assert!(stdout.contains("accepted:       1197\n"), "{stdout}");
    assert!(stdout.contains("refused:        6\n"), "{stdout}");
    assert!(
        stdout.contains("  6 x TLP:CLEAR is below this collection's floor\n"),
        "{stdout}"
    );
    assert!(stdout.contains("skipped source records: 0\n"), "{stdout}");
    assert!(
        stderr.contains("1203/1203 objects posted (100%)"),
        "progress on stderr: {stderr}"
    );
    std::fs::remove_dir_all(dir).expect("cleanup");
}

#[test]
fn the_importer_exits_non_zero_when_the_hub_is_unreachable_or_refuses_the_credentials() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let output = connector()
        .args([
            "import-misp",
            fixture("misp/event.json").to_str().expect("path"),
        ])
        .args([
            "--taxii-url",
            &format!("http://127.0.0.1:{port}/taxii2/api1/"),
        ])
        .args(["--collection", "energy-iocs", "--token", "tok"])
        .output()
        .expect("run kyoyu-connect");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("is unreachable"), "{stderr}");

    let hub = HttpRecorder::start(|_| {
        Reply::taxii(
            401,
            &json!({ "title": "Unauthorized", "description": "the token has expired",
                     "error_code": "unauthorized", "http_status": 401 }),
        )
    });
    let output = connector()
        .args([
            "import-misp",
            fixture("misp/event.json").to_str().expect("path"),
        ])
        .args(["--taxii-url", &format!("{}/taxii2/api1/", hub.url())])
        .args(["--collection", "energy-iocs", "--token", "tok"])
        .output()
        .expect("run kyoyu-connect");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("the hub refused the credentials (HTTP 401): the token has expired"),
        "{stderr}"
    );
    assert_eq!(
        hub.requests()[0].header("authorization"),
        Some("Bearer tok")
    );
    assert!(
        hub.requests().iter().all(|r| r.method == "GET"),
        "nothing is posted with refused credentials"
    );
}

#[test]
fn dry_run_prints_the_bundle_without_a_hub() {
    let output = connector()
        .args([
            "import-misp",
            fixture("misp/event.json").to_str().expect("path"),
        ])
        .arg("--dry-run")
        .output()
        .expect("run kyoyu-connect");
    assert!(output.status.success());
    let bundle: Value = serde_json::from_slice(&output.stdout).expect("a JSON bundle");
    assert_eq!(bundle["type"], "bundle");
    assert_eq!(bundle["objects"].as_array().map(Vec::len), Some(12));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("skipped source records: 6"), "{stderr}");
}

#[test]
fn a_pending_status_is_polled_until_complete() {
    let hub = HttpRecorder::start(|request| match request.method.as_str() {
        "POST" => Reply::taxii(
            202,
            &json!({ "id": "st-1", "status": "pending", "total_count": 2,
                     "success_count": 0, "failure_count": 0, "pending_count": 2 }),
        ),
        _ => Reply::taxii(
            200,
            &json!({ "id": "st-1", "status": "complete", "total_count": 2,
                     "success_count": 2, "failure_count": 0, "pending_count": 0 }),
        ),
    });
    let client = Client::new(
        &format!("{}/api", hub.url()),
        &Credentials::Bearer("tok".to_owned()),
        Duration::from_secs(5),
    );
    let status = client
        .add_objects("energy-iocs", &[json!({}), json!({})])
        .expect("a status");
    assert_eq!(status.status, "complete");
    assert_eq!(status.success_count, 2);
    let paths: Vec<String> = hub.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        ["/api/collections/energy-iocs/objects/", "/api/status/st-1/"]
    );
}

#[test]
fn everything_the_importers_build_passes_the_oasis_validator() {
    let mut objects = Vec::new();
    let event = misp::load(&fixture("misp/event.json")).expect("event");
    objects.extend(misp::convert(&event, Container::Auto).objects);
    let feed = misp::load(&fixture("misp/feed")).expect("feed");
    objects.extend(misp::convert(&feed, Container::Auto).objects);
    let iocs = std::fs::read_to_string(fixture("csv/iocs.csv")).expect("fixture");
    objects.extend(
        csv::convert(&iocs, &csv_options("iocs.csv"))
            .expect("csv")
            .objects,
    );
    let untyped = std::fs::read_to_string(fixture("csv/untyped.csv")).expect("fixture");
    let options = CsvOptions {
        delimiter: ';',
        ..csv_options("untyped.csv")
    };
    objects.extend(csv::convert(&untyped, &options).expect("csv").objects);
    assert_eq!(objects.len(), 12 + 3 + 8 + 6);
    if let Some(invalid) = oasis_invalid(&objects) {
        assert!(invalid.is_empty(), "invalid STIX:\n{}", invalid.join("\n"));
    }
}
