//! Negotiation, authentication and error paths: every error is a TAXII error message.

use e2e::{Hub, Scratch, TAXII, envelope, indicator, stix_id};

fn assert_taxii_error(reply: &e2e::Reply, status: u16, case: &str) {
    assert_eq!(reply.status, status, "{case}: {}", reply.body);
    assert_eq!(
        reply.header("content-type"),
        Some(TAXII),
        "{case}: content type"
    );
    let body = reply.json();
    assert_eq!(body["http_status"], status.to_string(), "{case}");
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{case}: title"
    );
    assert!(body["error_code"].is_string(), "{case}: error_code");
}

#[test]
fn missing_or_bad_credentials_get_401_with_a_challenge() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let mut tampered = token.clone();
    tampered.push('x');
    let cases = [
        ("no header", vec![("Accept", TAXII)]),
        (
            "unknown API key",
            vec![("Accept", TAXII), ("Authorization", "Basic YTpi")],
        ),
        (
            "garbage token",
            vec![("Accept", TAXII), ("Authorization", "Bearer not.a.jwt")],
        ),
    ];
    for (case, headers) in cases {
        let reply = hub.send("GET", "collections/", &headers, None);
        assert_taxii_error(&reply, 401, case);
        assert_eq!(
            reply.header("www-authenticate"),
            Some("Bearer realm=\"kyoyu\", Basic realm=\"kyoyu\""),
            "{case}: both schemes are offered"
        );
    }
    assert_taxii_error(
        &hub.get("collections/", &tampered),
        401,
        "tampered signature",
    );
    assert_taxii_error(
        &hub.get(&format!("{}/taxii2/", hub.base), "x"),
        401,
        "discovery too",
    );
}

#[test]
fn accept_and_content_type_are_negotiated_with_406_and_415() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let auth = format!("Bearer {token}");
    let get = |accept: &str| {
        hub.send(
            "GET",
            "collections/",
            &[("Authorization", &auth), ("Accept", accept)],
            None,
        )
    };
    assert_eq!(get("application/taxii+json").status, 200, "without version");
    assert_eq!(get("application/taxii+json;version=2.1").status, 200);
    assert_eq!(
        get("text/html;q=0.9, application/taxii+json;version=2.1;q=0.5").status,
        200,
        "weights"
    );
    assert_eq!(get("*/*").status, 200);
    assert_taxii_error(&get("application/json"), 406, "plain json");
    assert_taxii_error(&get("application/taxii+json;version=2.0"), 406, "TAXII 2.0");
    assert_taxii_error(&get("application/taxii+json;q=0"), 406, "q=0 refuses");
    let objects = hub.send(
        "GET",
        "collections/cross-sector/objects/",
        &[
            ("Authorization", &auth),
            ("Accept", "application/stix+json;version=2.1"),
        ],
        None,
    );
    assert_eq!(objects.status, 200, "objects may be asked for as STIX");

    let body = envelope(&[indicator(
        &stix_id("indicator"),
        "2024-01-01T00:00:00.000Z",
        "198.51.100.1",
    )]);
    let post = |content_type: &str| {
        hub.send(
            "POST",
            "collections/cross-sector/objects/",
            &[
                ("Authorization", &auth),
                ("Accept", TAXII),
                ("Content-Type", content_type),
            ],
            Some(&body),
        )
    };
    assert_taxii_error(&post("application/json"), 415, "plain json body");
    assert_taxii_error(
        &post("application/taxii+json;version=2.0"),
        415,
        "TAXII 2.0 body",
    );
    assert_eq!(post("application/taxii+json").status, 202);
}

#[test]
fn malformed_envelopes_get_400_and_oversized_bodies_413() {
    let scratch = Scratch::new();
    let config = scratch.0.join("kyoyu.toml");
    std::fs::write(&config, "[taxii]\nmax_content_length = 4096\n").expect("config");
    let hub = Hub::start_with(&scratch, &["--config", config.to_str().expect("path")]);
    let token = hub.member("acme-power", "electricity", "member");
    for (body, case, expected) in [
        ("{\"objects\": [", "truncated JSON", "EOF"),
        ("[]", "not an object", "must be a JSON object"),
        ("{}", "no objects", "no 'objects'"),
        ("{\"objects\": []}", "empty objects", "no 'objects'"),
    ] {
        let reply = hub.post("collections/cross-sector/objects/", &token, body);
        assert_taxii_error(&reply, 400, case);
        assert!(
            reply.json()["description"]
                .as_str()
                .is_some_and(|d| d.contains(expected)),
            "{case}: {}",
            reply.body
        );
    }
    let big: Vec<String> = (0..20)
        .map(|i| {
            indicator(
                &stix_id("indicator"),
                "2024-01-01T00:00:00.000Z",
                &format!("198.51.100.{i}"),
            )
        })
        .collect();
    let reply = hub.post("collections/cross-sector/objects/", &token, &envelope(&big));
    assert_taxii_error(&reply, 413, "over max_content_length");
    assert_eq!(
        hub.get("", &token).json()["max_content_length"],
        4096,
        "advertised by the API root"
    );
    assert_eq!(
        hub.get("collections/cross-sector/objects/", &token).body,
        "{}",
        "nothing stored"
    );
}

#[test]
fn unknown_routes_wrong_methods_and_unknown_collections_are_taxii_errors() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let auth = format!("Bearer {token}");
    let headers = [("Authorization", auth.as_str()), ("Accept", TAXII)];
    assert_taxii_error(
        &hub.send("GET", "no-such-thing/", &headers, None),
        404,
        "unknown route under the root",
    );
    assert_taxii_error(
        &hub.send(
            "GET",
            &format!("{}/taxii2/other-root/", hub.base),
            &headers,
            None,
        ),
        404,
        "unknown API root",
    );
    assert_taxii_error(
        &hub.send("PUT", "collections/", &headers, None),
        405,
        "PUT collections",
    );
    assert_taxii_error(
        &hub.send(
            "DELETE",
            "collections/cross-sector/objects/",
            &headers,
            None,
        ),
        405,
        "DELETE objects",
    );
    assert_taxii_error(
        &hub.send(
            "POST",
            "collections/cross-sector/manifest/",
            &headers,
            Some("{}"),
        ),
        405,
        "POST manifest",
    );
    let unknown = uuid::Uuid::new_v4();
    let reply = hub.get(&format!("collections/{unknown}/objects/"), &token);
    assert_taxii_error(&reply, 404, "unknown collection");
    assert_eq!(reply.json()["error_code"], "collection-not-found");
    let reply = hub.get(
        &format!("collections/cross-sector/objects/{}/", stix_id("indicator")),
        &token,
    );
    assert_taxii_error(&reply, 404, "unknown object");
    assert_taxii_error(
        &hub.get(&format!("status/{unknown}/"), &token),
        404,
        "unknown status",
    );
    assert_eq!(
        hub.get("collections", &token).status,
        200,
        "a missing trailing slash is forgiven"
    );
}

#[test]
fn objects_versions_and_delete_follow_the_spec() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let siem = hub.token("acme-power", Some("siem"));
    let id = stix_id("indicator");
    for modified in [
        "2024-01-01T00:00:00.000Z",
        "2024-01-02T00:00:00.000Z",
        "2024-01-03T00:00:00.000Z",
    ] {
        hub.post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(&[indicator(&id, modified, "198.51.100.1")]),
        );
    }
    let object_url = format!("collections/cross-sector/objects/{id}/");
    let latest = hub.get(&object_url, &token).json();
    assert_eq!(latest["objects"].as_array().map(Vec::len), Some(1));
    assert_eq!(latest["objects"][0]["modified"], "2024-01-03T00:00:00.000Z");
    assert_eq!(
        hub.get(&format!("{object_url}?match[version]=all"), &token)
            .json()["objects"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    let versions = hub.get(&format!("{object_url}versions/"), &token);
    assert_eq!(
        versions.json()["versions"],
        serde_json::json!([
            "2024-01-01T00:00:00.000Z",
            "2024-01-02T00:00:00.000Z",
            "2024-01-03T00:00:00.000Z"
        ])
    );
    assert!(versions.header("x-taxii-date-added-first").is_some());
    let paged = hub
        .get(&format!("{object_url}versions/?limit=2"), &token)
        .json();
    assert_eq!(
        (paged["versions"].as_array().map(Vec::len), &paged["more"]),
        (Some(2), &serde_json::json!(true))
    );

    // A read-only machine client may see but not delete: 403; unknown objects: 404.
    let denied = hub.delete(&object_url, &siem);
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert_eq!(
        hub.get(&object_url, &siem).status,
        200,
        "the siem client reads"
    );
    assert_eq!(
        hub.post(
            "collections/cross-sector/objects/",
            &siem,
            &envelope(&[indicator(
                &stix_id("indicator"),
                "2024-01-01T00:00:00.000Z",
                "198.51.100.9"
            )])
        )
        .status,
        403,
        "the siem client writes nothing"
    );
    assert_eq!(
        hub.delete(
            &format!("collections/cross-sector/objects/{}/", stix_id("indicator")),
            &token
        )
        .status,
        404
    );

    // Deleting the newest version makes the one before it the latest.
    assert_eq!(
        hub.delete(
            &format!("{object_url}?match[version]=2024-01-03T00:00:00.000Z"),
            &token
        )
        .status,
        200
    );
    assert_eq!(
        hub.get(&object_url, &token).json()["objects"][0]["modified"],
        "2024-01-02T00:00:00.000Z"
    );
    assert_eq!(
        hub.get("collections/cross-sector/objects/", &token).json()["objects"][0]["modified"],
        "2024-01-02T00:00:00.000Z"
    );
    // Without match[version], every version goes.
    assert_eq!(hub.delete(&object_url, &token).status, 200);
    assert_eq!(hub.get(&object_url, &token).status, 404);
    assert_eq!(
        hub.get(&format!("{object_url}versions/"), &token).status,
        404
    );
}

#[test]
fn objects_without_modified_get_a_consistent_version() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let ip = r#"{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"198.51.100.3"}"#;
    let marking = r#"{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:GREEN","definition":{"tlp":"green"}}"#;
    let first = hub
        .post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(&[ip.to_owned(), marking.to_owned()]),
        )
        .json();
    assert_eq!(first["success_count"], 2, "{first}");
    let again = hub
        .post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(&[ip.to_owned(), marking.to_owned()]),
        )
        .json();
    assert_eq!(
        again["successes"], first["successes"],
        "re-posting gives the same versions"
    );
    let manifest = hub.get("collections/cross-sector/manifest/", &token).json();
    let records = manifest["objects"].as_array().expect("records");
    assert_eq!(records.len(), 2, "one version each");
    let sco = records
        .iter()
        .find(|r| {
            r["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("ipv4-addr"))
        })
        .expect("sco");
    assert_eq!(
        sco["version"], sco["date_added"],
        "an SCO's version is its date_added"
    );
    let definition = records
        .iter()
        .find(|r| r["id"].as_str().is_some_and(|id| id.starts_with("marking")))
        .expect("marking");
    assert_eq!(
        definition["version"], "2017-01-20T00:00:00.000Z",
        "a marking definition's version is its created"
    );
    let versions = hub.get("collections/cross-sector/objects/ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd/versions/", &token).json();
    assert_eq!(versions["versions"][0], sco["version"]);
}

#[test]
fn health_readiness_and_metrics_are_served() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    assert_eq!(
        hub.send("GET", &format!("{}/healthz", hub.base), &[], None)
            .status,
        200
    );
    assert_eq!(
        hub.send("GET", &format!("{}/readyz", hub.base), &[], None)
            .status,
        200
    );
    let objects: Vec<String> = (0..3)
        .map(|i| {
            indicator(
                &stix_id("indicator"),
                "2024-01-01T00:00:00.000Z",
                &format!("198.51.100.{i}"),
            )
        })
        .collect();
    let mut with_bad = objects.clone();
    with_bad.push("{}".to_owned());
    hub.post(
        "collections/cross-sector/objects/",
        &token,
        &envelope(&with_bad),
    );
    let metrics = hub.send("GET", &format!("{}/metrics", hub.base), &[], None);
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.body.contains("kyoyu_objects_accepted_total 3"),
        "{}",
        metrics.body
    );
    assert!(
        metrics
            .body
            .contains("kyoyu_objects_refused_total{reason=\"invalid\"} 1"),
        "{}",
        metrics.body
    );
    assert!(
        metrics
            .body
            .contains("route=\"/taxii2/hub/collections/{collection}/objects/\""),
        "by route pattern"
    );
    assert!(metrics.body.contains("kyoyu_db_pool_connections"));
    let reply = hub.get("collections/", &token);
    assert!(
        reply
            .header("x-request-id")
            .is_some_and(|id| !id.is_empty()),
        "every response carries a request id"
    );
}
