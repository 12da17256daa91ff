//! The TAXII 2.1 API of the real binary, endpoint by endpoint.

use std::collections::HashSet;

use e2e::{Hub, Scratch, TAXII, envelope, indicator, stix_id};
use serde_json::Value;

fn ids_of(reply: &e2e::Reply) -> Vec<String> {
    reply.json()["objects"]
        .as_array()
        .map(|objects| {
            objects
                .iter()
                .map(|o| o["id"].as_str().expect("id").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn is_taxii_timestamp(text: &str) -> bool {
    // YYYY-MM-DDTHH:MM:SS.ffffffZ
    text.len() == 27
        && text.as_bytes()[10] == b'T'
        && text.as_bytes()[19] == b'.'
        && text.ends_with('Z')
        && text[20..26].bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn discovery_and_api_root_describe_the_one_default_root() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let discovery = hub.get(&format!("{}/taxii2/", hub.base), &token);
    assert_eq!(discovery.status, 200);
    assert_eq!(discovery.header("content-type"), Some(TAXII));
    let body = discovery.json();
    assert_eq!(body["default"], hub.root.as_str());
    assert_eq!(body["api_roots"], serde_json::json!([hub.root]));
    let root = hub.get("", &token).json();
    assert_eq!(root["versions"], serde_json::json!([TAXII]));
    assert_eq!(root["max_content_length"], 10 * 1024 * 1024);
}

#[test]
fn collections_are_seeded_with_version_4_ids_that_survive_a_restart() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    // The coordination center sees every collection.
    let token = hub.member("nco", "government", "analyst");
    let first = hub.get("collections/", &token).json();
    let collections = first["collections"].as_array().expect("collections");
    assert_eq!(
        collections.len(),
        17,
        "cross-sector, advisories and 15 sector collections"
    );
    for collection in collections {
        let id = uuid::Uuid::parse_str(collection["id"].as_str().expect("id")).expect("uuid");
        assert_eq!(
            id.get_version_num(),
            4,
            "collection {}",
            collection["alias"]
        );
        assert_eq!(
            collection["media_types"],
            serde_json::json!(["application/stix+json;version=2.1"])
        );
    }
    for alias in [
        "cross-sector",
        "advisories",
        "sector-port",
        "sector-finance",
        "sector-electricity",
    ] {
        assert!(
            collections.iter().any(|c| c["alias"] == alias),
            "{alias} is seeded"
        );
    }
    let one = &collections[0];
    let single = hub.get(
        &format!("collections/{}/", one["id"].as_str().expect("id")),
        &token,
    );
    assert_eq!(single.json(), *one);

    // Persistence: objects and collection ids are the same after a restart.
    let cross = hub.collection_id(&token, "cross-sector");
    let id = stix_id("indicator");
    assert_eq!(
        hub.post(
            &format!("collections/{cross}/objects/"),
            &token,
            &envelope(&[indicator(&id, "2024-01-01T00:00:00.000Z", "198.51.100.1")])
        )
        .status,
        202
    );
    assert!(hub.stop().success(), "graceful stop exits 0");
    let hub = Hub::start(&scratch);
    assert_eq!(
        hub.get("collections/", &token).json(),
        first,
        "same collections after restart"
    );
    assert_eq!(
        ids_of(&hub.get(&format!("collections/{cross}/objects/"), &token)),
        vec![id]
    );
}

#[test]
fn add_objects_answers_202_with_a_complete_status_kept_for_its_organisation() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let other = hub.member("acme-bank", "finance-banking", "member");
    let cross = hub.collection_id(&token, "cross-sector");
    let id = stix_id("indicator");
    let reply = hub.post(
        &format!("collections/{cross}/objects/"),
        &token,
        &envelope(&[indicator(&id, "2024-01-01T00:00:00.123Z", "198.51.100.7")]),
    );
    assert_eq!(reply.status, 202);
    assert_eq!(reply.header("content-type"), Some(TAXII));
    let status = reply.json();
    assert_eq!(status["status"], "complete");
    assert_eq!(
        (
            status["total_count"].as_u64(),
            status["success_count"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        status["successes"][0]["version"], "2024-01-01T00:00:00.123Z",
        "version echoed as written"
    );
    assert!(
        status.get("failures").is_none() && status.get("pendings").is_none(),
        "no empty lists: {status}"
    );
    assert!(is_taxii_timestamp(
        status["request_timestamp"].as_str().expect("timestamp")
    ));
    let status_id = status["id"].as_str().expect("id");
    assert_eq!(
        uuid::Uuid::parse_str(status_id)
            .expect("uuid")
            .get_version_num(),
        4
    );

    let fetched = hub.get(&format!("status/{status_id}/"), &token);
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.json(), status);
    assert_eq!(
        hub.get(&format!("status/{status_id}/"), &other).status,
        404,
        "another organisation's status is absent"
    );
}

#[test]
fn one_bad_object_never_sinks_the_rest_and_failures_name_property_and_rule() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let good = stix_id("indicator");
    let missing_pattern = stix_id("indicator");
    let objects = vec![
        indicator(&good, "2024-01-01T00:00:00.000Z", "198.51.100.1"),
        indicator(&missing_pattern, "2024-01-01T00:00:00.000Z", "198.51.100.2")
            .replace(r#""pattern_type":"stix","#, ""),
        indicator(
            &stix_id("indicator"),
            "2023-01-01T00:00:00.000Z",
            "198.51.100.3",
        ),
        r#"{"type":"indicator","id":"indicator--not-a-uuid"}"#.to_owned(),
        "42".to_owned(),
    ];
    let status = hub
        .post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(&objects),
        )
        .json();
    assert_eq!(status["total_count"], 5);
    assert_eq!(status["success_count"], 1);
    assert_eq!(status["failure_count"], 4);
    let failures = status["failures"].as_array().expect("failures");
    let message_for = |id: &str| {
        failures
            .iter()
            .find(|f| f["id"] == id)
            .and_then(|f| f["message"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        message_for(&missing_pattern).contains("'pattern_type' is required"),
        "{failures:?}"
    );
    assert!(
        message_for("indicator--not-a-uuid").contains("'id'"),
        "{failures:?}"
    );
    assert!(
        message_for("objects[4]").contains("not a JSON object"),
        "{failures:?}"
    );
    assert!(failures.iter().any(|f| {
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("'modified' must be later"))
    }));
    assert_eq!(
        ids_of(&hub.get("collections/cross-sector/objects/", &token)),
        vec![good]
    );
}

#[test]
fn reposting_is_idempotent_and_the_same_version_with_other_content_is_refused() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let id = stix_id("indicator");
    let body = envelope(&[indicator(&id, "2024-01-01T00:00:00.000Z", "198.51.100.1")]);
    for attempt in 0..3 {
        let status = hub
            .post("collections/cross-sector/objects/", &token, &body)
            .json();
        assert_eq!(status["success_count"], 1, "attempt {attempt}");
    }
    let changed = envelope(&[indicator(&id, "2024-01-01T00:00:00.000Z", "203.0.113.9")]);
    let status = hub
        .post("collections/cross-sector/objects/", &token, &changed)
        .json();
    assert_eq!(status["failure_count"], 1);
    assert!(
        status["failures"][0]["message"]
            .as_str()
            .expect("message")
            .contains("later 'modified'")
    );
    let versions = hub
        .get(
            &format!("collections/cross-sector/objects/{id}/versions/"),
            &token,
        )
        .json();
    assert_eq!(
        versions["versions"],
        serde_json::json!(["2024-01-01T00:00:00.000Z"])
    );
    let stored = hub.get("collections/cross-sector/objects/", &token).json();
    assert_eq!(stored["objects"].as_array().map(Vec::len), Some(1));
    assert!(
        stored["objects"][0]["pattern"]
            .as_str()
            .expect("pattern")
            .contains("198.51.100.1"),
        "first content kept"
    );
}

#[test]
fn objects_come_back_as_exactly_the_json_values_posted() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let id = stix_id("indicator");
    let object = format!(
        r#"{{"x_acme_score":0.1250,"type":"indicator","spec_version":"2.1","id":"{id}","created":"2024-01-01T00:00:00.1000Z","modified":"2024-01-01T00:00:00.123456789Z","name":"東京 \u2603 \"quoted\"","pattern":"[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z","x_acme":{{"nested":[1,2.5,true,"s"],"big":12345678901234567}},"unknown_property":"kept"}}"#
    );
    let status = hub
        .post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(std::slice::from_ref(&object)),
        )
        .json();
    assert_eq!(status["success_count"], 1, "{status}");
    let posted: Value = serde_json::from_str(&object).expect("json");
    let listed = hub.get("collections/cross-sector/objects/", &token).json();
    assert_eq!(listed["objects"][0], posted);
    let single = hub
        .get(&format!("collections/cross-sector/objects/{id}/"), &token)
        .json();
    assert_eq!(single["objects"][0], posted);
    assert_eq!(
        single["objects"][0]["modified"], "2024-01-01T00:00:00.123456789Z",
        "nanoseconds kept"
    );
    let manifest = hub.get("collections/cross-sector/manifest/", &token).json();
    assert_eq!(
        manifest["objects"][0]["version"],
        "2024-01-01T00:00:00.123456789Z"
    );
}

/// Three versions of one object, plus two other objects, for the filter tests.
fn versioned_fixture(hub: &Hub, token: &str) -> (String, String, String) {
    let versioned = stix_id("indicator");
    let malware = stix_id("malware");
    let other = stix_id("indicator");
    let malware_object = format!(
        r#"{{"type":"malware","spec_version":"2.1","id":"{malware}","created":"2024-02-01T00:00:00.000Z","modified":"2024-02-01T00:00:00.000Z","name":"GridBeacon","is_family":true}}"#
    );
    for body in [
        envelope(&[
            indicator(&versioned, "2024-01-01T00:00:00.000Z", "198.51.100.1"),
            malware_object,
        ]),
        envelope(&[indicator(
            &versioned,
            "2024-01-03T00:00:00.000Z",
            "198.51.100.3",
        )]),
        envelope(&[
            indicator(&versioned, "2024-01-02T00:00:00.000Z", "198.51.100.2"),
            indicator(&other, "2024-01-05T00:00:00.000Z", "198.51.100.5"),
        ]),
    ] {
        let status = hub
            .post("collections/cross-sector/objects/", token, &body)
            .json();
        assert_eq!(status["failure_count"], 0, "{status}");
    }
    (versioned, malware, other)
}

#[test]
fn match_filters_select_by_id_type_version_and_spec_version() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let (versioned, malware, other) = versioned_fixture(&hub, &token);
    let modified_of = |reply: &e2e::Reply| -> Vec<String> {
        reply.json()["objects"]
            .as_array()
            .map(|o| {
                o.iter()
                    .filter(|x| x["id"] == versioned.as_str())
                    .map(|x| x["modified"].as_str().expect("m").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let list = |query: &str| {
        hub.get(
            &format!("collections/cross-sector/objects/?{query}"),
            &token,
        )
    };

    let all_latest = list("");
    assert_eq!(
        ids_of(&all_latest).len(),
        3,
        "one latest version per object by default"
    );
    assert_eq!(
        modified_of(&all_latest),
        ["2024-01-03T00:00:00.000Z"],
        "latest is the newest modified, not the last added"
    );
    assert_eq!(
        ids_of(&list("match[type]=malware")),
        std::slice::from_ref(&malware)
    );
    assert_eq!(ids_of(&list("match[type]=malware,indicator")).len(), 3);
    assert_eq!(
        ids_of(&list(&format!("match[id]={other}"))),
        std::slice::from_ref(&other)
    );
    assert_eq!(
        ids_of(&list(&format!("match[id]={other},{malware}"))).len(),
        2
    );
    assert_eq!(
        modified_of(&list("match[version]=first")),
        ["2024-01-01T00:00:00.000Z"]
    );
    assert_eq!(modified_of(&list("match[version]=all")).len(), 3);
    assert_eq!(
        modified_of(&list("match[version]=first,last")),
        ["2024-01-01T00:00:00.000Z", "2024-01-03T00:00:00.000Z"]
    );
    assert_eq!(
        modified_of(&list("match[version]=2024-01-02T00:00:00Z")),
        ["2024-01-02T00:00:00.000Z"],
        "matched by instant"
    );
    assert_eq!(
        ids_of(&list("match[version]=2024-01-02T00:00:00.000Z")),
        std::slice::from_ref(&versioned)
    );
    assert_eq!(ids_of(&list("match[spec_version]=2.1")).len(), 3);
    assert_eq!(
        list("match[spec_version]=2.0").body,
        "{}",
        "an empty result is an empty object"
    );
    assert_eq!(
        ids_of(&list(&format!("match[type]=indicator&match[id]={malware}"))),
        Vec::<String>::new(),
        "filters combine with AND"
    );
    assert_eq!(list("match[type]=Not_A_Type").status, 400);
    assert_eq!(list("match[version]=yesterday").status, 400);
    assert_eq!(list("limit=0").status, 400);
}

#[test]
fn added_after_compares_date_added_in_every_rfc3339_form() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let early = stix_id("indicator");
    hub.post(
        "collections/cross-sector/objects/",
        &token,
        &envelope(&[indicator(
            &early,
            "2030-01-01T00:00:00.000Z",
            "198.51.100.1",
        )]),
    );
    let first = hub.get("collections/cross-sector/objects/", &token);
    let boundary = first
        .header("x-taxii-date-added-last")
        .expect("header")
        .to_owned();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let late = stix_id("indicator");
    hub.post(
        "collections/cross-sector/objects/",
        &token,
        &envelope(&[indicator(&late, "2024-01-01T00:00:00.000Z", "198.51.100.2")]),
    );

    let after = |value: &str| {
        let encoded: String = value.replace('+', "%2B");
        ids_of(&hub.get(
            &format!("collections/cross-sector/objects/?added_after={encoded}"),
            &token,
        ))
    };
    assert_eq!(
        after(&boundary),
        std::slice::from_ref(&late),
        "strictly after date_added, whatever `created` says"
    );
    assert_eq!(after("2000-01-01T00:00:00Z").len(), 2);
    assert_eq!(
        after("2000-01-01t09:00:00+09:00").len(),
        2,
        "offset and lower-case forms"
    );
    assert_eq!(
        after("2000-01-01T00:00:00.123456789Z").len(),
        2,
        "nanosecond form"
    );
    assert_eq!(
        hub.get(
            "collections/cross-sector/objects/?added_after=2000-01-01",
            &token
        )
        .status,
        400
    );
    let manifest = hub
        .get(
            &format!("collections/cross-sector/manifest/?added_after={boundary}"),
            &token,
        )
        .json();
    assert_eq!(manifest["objects"][0]["id"], late.as_str());
}

#[test]
fn pages_carry_more_next_and_date_added_headers_and_empty_pages_are_bare() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let ids: Vec<String> = (0..5).map(|_| stix_id("indicator")).collect();
    for (i, id) in ids.iter().enumerate() {
        hub.post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(&[indicator(
                id,
                "2024-01-01T00:00:00.000Z",
                &format!("198.51.100.{i}"),
            )]),
        );
    }
    let page = hub.get("collections/cross-sector/objects/?limit=2", &token);
    let body = page.json();
    assert_eq!(body["more"], true);
    let next = body["next"].as_str().expect("next");
    assert_eq!(ids_of(&page), ids[..2]);
    let first = page.header("x-taxii-date-added-first").expect("first");
    let last = page.header("x-taxii-date-added-last").expect("last");
    assert!(
        is_taxii_timestamp(first) && is_taxii_timestamp(last),
        "{first} {last}"
    );
    assert!(first < last);
    let second = hub.get(
        &format!("collections/cross-sector/objects/?limit=2&next={next}"),
        &token,
    );
    assert_eq!(ids_of(&second), ids[2..4]);
    let third = hub.get(
        &format!(
            "collections/cross-sector/objects/?limit=2&next={}",
            second.json()["next"].as_str().expect("next")
        ),
        &token,
    );
    assert_eq!(ids_of(&third), ids[4..]);
    assert_eq!(third.json()["more"], false);
    assert!(third.json().get("next").is_none());

    let empty = hub.get("collections/sector-electricity/objects/", &token);
    assert_eq!((empty.status, empty.body.as_str()), (200, "{}"));
    assert!(
        empty.header("x-taxii-date-added-first").is_none()
            && empty.header("x-taxii-date-added-last").is_none()
    );
    assert_eq!(
        hub.get("collections/sector-electricity/manifest/", &token)
            .body,
        "{}"
    );

    let manifest = hub
        .get("collections/cross-sector/manifest/?limit=3", &token)
        .json();
    assert_eq!(manifest["objects"].as_array().map(Vec::len), Some(3));
    assert_eq!(manifest["more"], true, "manifests page like objects");
    let record = &manifest["objects"][0];
    assert!(is_taxii_timestamp(
        record["date_added"].as_str().expect("date_added")
    ));
    assert_eq!(record["media_type"], "application/stix+json;version=2.1");
}

#[test]
fn next_is_bound_to_its_collection_query_and_caller() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let other = hub.member("acme-rail", "railway", "member");
    for i in 0..3 {
        hub.post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(&[indicator(
                &stix_id("indicator"),
                "2024-01-01T00:00:00.000Z",
                &format!("198.51.100.{i}"),
            )]),
        );
    }
    let next = hub
        .get("collections/cross-sector/objects/?limit=1", &token)
        .json()["next"]
        .as_str()
        .expect("next")
        .to_owned();
    let use_it = |url: &str, who: &str| hub.get(&format!("{url}next={next}"), who);
    assert_eq!(
        use_it("collections/cross-sector/objects/?limit=1&", &token).status,
        200,
        "the same query continues"
    );
    for (url, who, case) in [
        (
            "collections/cross-sector/objects/?match[type]=malware&",
            token.as_str(),
            "another query",
        ),
        (
            "collections/advisories/objects/?",
            token.as_str(),
            "another collection",
        ),
        (
            "collections/cross-sector/manifest/?",
            token.as_str(),
            "another endpoint",
        ),
        (
            "collections/cross-sector/objects/?",
            other.as_str(),
            "another caller",
        ),
    ] {
        let reply = use_it(url, who);
        assert_eq!(reply.status, 400, "{case}");
        assert_eq!(reply.json()["error_code"], "invalid-cursor", "{case}");
    }
    let mut forged = next.clone().into_bytes();
    forged[3] = if forged[3] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).expect("ascii");
    assert_eq!(
        hub.get(
            &format!("collections/cross-sector/objects/?next={forged}"),
            &token
        )
        .status,
        400
    );
}

#[test]
fn ten_thousand_objects_sharing_one_date_added_are_paged_without_loss_or_repeat() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let ids: Vec<String> = (0..10_000).map(|_| stix_id("indicator")).collect();
    let objects: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            indicator(
                id,
                "2024-01-01T00:00:00.000Z",
                &format!("10.{}.{}.{}", i / 65536, i / 256 % 256, i % 256),
            )
        })
        .collect();
    let status = hub
        .post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(&objects),
        )
        .json();
    assert_eq!(status["success_count"], 10_000);
    let mut seen = Vec::new();
    let mut url = "collections/cross-sector/objects/?limit=333".to_owned();
    loop {
        let page = hub.get(&url, &token);
        assert_eq!(
            page.header("x-taxii-date-added-first"),
            page.header("x-taxii-date-added-last"),
            "one date_added"
        );
        seen.extend(ids_of(&page));
        let body = page.json();
        match body["next"].as_str() {
            Some(next) => url = format!("collections/cross-sector/objects/?limit=333&next={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 10_000, "none missing");
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        10_000,
        "none repeated"
    );
    assert_eq!(seen, ids, "in the order they were added");
}

#[test]
fn a_client_paging_while_others_post_sees_every_object_exactly_once() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let writer_token = hub.member("acme-gas", "gas", "member");
    let initial: Vec<String> = (0..500).map(|_| stix_id("indicator")).collect();
    let objects: Vec<String> = initial
        .iter()
        .enumerate()
        .map(|(i, id)| {
            indicator(
                id,
                "2024-01-01T00:00:00.000Z",
                &format!("10.0.{}.{}", i / 256, i % 256),
            )
        })
        .collect();
    hub.post(
        "collections/cross-sector/objects/",
        &token,
        &envelope(&objects),
    );

    let mut posted: Vec<String> = initial.clone();
    let mut seen = Vec::new();
    let mut query = "limit=25".to_owned();
    let mut next: Option<String> = None;
    let mut last_date_added: Option<String> = None;
    for round in 0.. {
        // Another organisation posts between the pages the reader fetches.
        if round < 40 {
            let batch: Vec<String> = (0..7).map(|_| stix_id("indicator")).collect();
            let objects: Vec<String> = batch
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    indicator(id, "2024-01-01T00:00:00.000Z", &format!("10.1.{round}.{i}"))
                })
                .collect();
            let status = hub
                .post(
                    "collections/cross-sector/objects/",
                    &writer_token,
                    &envelope(&objects),
                )
                .json();
            assert_eq!(status["success_count"], 7);
            posted.extend(batch);
        }
        let url = match &next {
            Some(cursor) => format!("collections/cross-sector/objects/?{query}&next={cursor}"),
            None => format!("collections/cross-sector/objects/?{query}"),
        };
        let page = hub.get(&url, &token);
        seen.extend(ids_of(&page));
        if let Some(last) = page.header("x-taxii-date-added-last") {
            last_date_added = Some(last.to_owned());
        }
        next = page.json()["next"].as_str().map(str::to_owned);
        if next.is_none() {
            if round >= 40 {
                break;
            }
            // Caught up: poll for what came after, as a SIEM does.
            if let Some(last) = &last_date_added {
                query = format!("limit=25&added_after={last}");
            }
        }
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no object repeated");
    let expected: HashSet<&String> = posted.iter().collect();
    assert_eq!(unique, expected, "no object missed");
}
