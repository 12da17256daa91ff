//! `schemas/openapi.json` against the running hub: every documented operation is
//! called, and every request and response is validated against the document by an
//! independent validator (Python `jsonschema`, JSON Schema 2020-12). The document must
//! also list every route outside TAXII that `server/src/startup.rs` registers.

use std::process::Command;

use e2e::{Hub, Reply, Scratch, envelope, indicator, stix_id};
use serde_json::{Value, json};

const OPENAPI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/openapi.json");
const STARTUP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../server/src/startup.rs");
const ORACLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/check_openapi.py");
const NOW: &str = "2026-01-01T00:00:00.000Z";

struct Recorder {
    exchanges: Vec<Value>,
}

impl Recorder {
    fn record(&mut self, method: &str, path: &str, reply: &Reply, request: Option<&Value>) {
        let content_type = reply.header("content-type").unwrap_or_default().to_owned();
        let body = if content_type.contains("json") {
            reply.json()
        } else {
            Value::String(reply.body.clone())
        };
        let mut exchange = json!({
            "method": method, "path": path, "status": reply.status,
            "content_type": content_type, "body": body,
        });
        if let Some(request) = request {
            exchange["request"] = request.clone();
        }
        self.exchanges.push(exchange);
    }
}

#[test]
fn every_documented_operation_matches_the_document() {
    let Some(python) = e2e::python() else { return };
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let analyst = hub.member("nco", "government", "analyst");
    let admin = hub.member("ops", "government", "admin");
    let bank = hub.member("bank", "finance-banking", "member");
    let power = hub.member("power", "electricity", "member");
    let id = stix_id("indicator");
    hub.post(
        "collections/cross-sector/objects/",
        &bank,
        &envelope(&[indicator(&id, NOW, "198.51.100.23")]),
    );
    let sighting = json!({"type": "sighting", "spec_version": "2.1", "id": stix_id("sighting"),
        "created": NOW, "modified": NOW, "sighting_of_ref": id, "count": 4});
    hub.post(
        "collections/cross-sector/objects/",
        &power,
        &envelope(&[sighting.to_string()]),
    );

    let mut recorder = Recorder {
        exchanges: Vec::new(),
    };
    let base = &hub.base;
    let get = |path: &str, token: &str| hub.get(&format!("{base}{path}"), token);
    let mut call = |template: &str, path: &str, token: &str| {
        let reply = get(path, token);
        recorder.record("get", template, &reply, None);
        reply.status
    };
    assert_eq!(call("/scores/me/", "/scores/me/", &bank), 200);
    let organization = "/scores/organizations/{slug}/";
    assert_eq!(
        call(
            organization,
            "/scores/organizations/bank/?limit=5",
            &analyst
        ),
        200
    );
    assert_eq!(
        call(organization, "/scores/organizations/bank/", &power),
        404
    );
    assert_eq!(
        call("/scores/leaderboard/", "/scores/leaderboard/", &analyst),
        200
    );
    assert_eq!(
        call(
            "/scores/leaderboard/",
            "/scores/leaderboard/?sector=electricity",
            &power
        ),
        200
    );
    assert_eq!(
        call(
            "/scores/leaderboard/",
            "/scores/leaderboard/?sector=a&ceptoar=b",
            &power
        ),
        400
    );
    assert_eq!(
        call("/sightings/", &format!("/sightings/?of={id}"), &bank),
        200
    );
    assert_eq!(
        call("/sightings/", "/sightings/?of=indicator--0", &bank),
        404
    );
    let correlations = "/correlations/?kind=ipv4&value=198.51.100.23";
    assert_eq!(call("/correlations/", correlations, &analyst), 200);
    assert_eq!(call("/correlations/", correlations, &power), 200);
    assert_eq!(
        call("/correlations/", "/correlations/?kind=ipv4&value=x", &power),
        400
    );
    assert_eq!(call("/admin/audit/", "/admin/audit/?limit=5", &admin), 200);
    assert_eq!(call("/admin/audit/", "/admin/audit/", &analyst), 404);
    assert_eq!(call("/healthz/", "/healthz/", ""), 200);
    assert_eq!(call("/readyz/", "/readyz/", ""), 200);
    assert_eq!(call("/metrics/", "/metrics/", ""), 200);

    for (token, request, status) in [
        (
            &analyst,
            json!({"object": id, "action": "confirm", "comment": "seen at two banks"}),
            201,
        ),
        (&analyst, json!({"object": id, "action": "escalate"}), 400),
        (&bank, json!({"object": id, "action": "confirm"}), 404),
    ] {
        let reply = hub.send(
            "POST",
            &format!("{base}/triage/decisions/"),
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Content-Type", "application/json"),
            ],
            Some(&request.to_string()),
        );
        assert_eq!(reply.status, status, "{}", reply.body);
        let valid_request = (status != 400).then_some(&request);
        recorder.record("post", "/triage/decisions/", &reply, valid_request);
    }

    let exchanges = scratch.0.join("exchanges.json");
    std::fs::write(
        &exchanges,
        serde_json::to_string_pretty(&recorder.exchanges).expect("json"),
    )
    .expect("write exchanges");
    let output = Command::new(&python)
        .args([ORACLE, OPENAPI, exchanges.to_str().expect("path")])
        .output()
        .expect("run the oracle");
    assert!(
        output.status.success(),
        "the hub disagrees with schemas/openapi.json:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every route registered outside the TAXII scope and the console is documented.
#[test]
fn the_document_lists_every_json_route() {
    let document: Value =
        serde_json::from_str(&std::fs::read_to_string(OPENAPI).expect("openapi.json"))
            .expect("openapi.json is JSON");
    let paths = document["paths"].as_object().expect("paths");
    let startup = std::fs::read_to_string(STARTUP).expect("startup.rs");
    // TAXII resources are registered inside the API root's scope, after this point.
    let outside_taxii = startup.split("web::scope(").next().expect("routes");
    let routes: Vec<&str> = outside_taxii
        .split("resource(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|route| route.starts_with('/') && !route.starts_with("/console"))
        .collect();
    assert!(routes.len() >= 9, "found only {routes:?} in startup.rs");
    let missing: Vec<&&str> = routes
        .iter()
        .filter(|route| !paths.contains_key(**route) && **route != "/taxii2/")
        .collect();
    assert!(
        missing.is_empty(),
        "not in schemas/openapi.json: {missing:?}"
    );
}
