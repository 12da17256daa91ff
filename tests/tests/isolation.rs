//! Who sees what: an isolation matrix over principals, collections and TLP markings,
//! checked on every read path. The expected sets come from the written rules
//! (DESIGN "Who sees what"), computed here, never from the hub's own policy code.

use std::collections::{BTreeSet, HashMap};

use e2e::{Hub, Scratch, envelope, stix_id};
use serde_json::{Value, json};

const TLP1_WHITE: &str = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9";
const TLP1_GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
const TLP1_AMBER: &str = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";
const TLP1_RED: &str = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
const TLP2_CLEAR: &str = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
const TLP2_GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
const TLP2_AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const TLP2_AMBER_STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
const TLP2_RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

#[derive(Clone)]
struct Org {
    slug: &'static str,
    sector: &'static str,
    analyst: bool,
}

const ORGS: [Org; 5] = [
    Org {
        slug: "power-a",
        sector: "electricity",
        analyst: false,
    },
    Org {
        slug: "power-b",
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

/// One posted object and what the rules say about it.
struct Posted {
    id: String,
    collection: String,
    producer: &'static str,
    red: bool,
    recipients: Vec<&'static str>,
}

/// The written rules: may `reader` read `collection`?
fn may_read_collection(reader: &Org, collection: &str) -> bool {
    reader.analyst
        || collection == "cross-sector"
        || collection == "advisories"
        || collection.strip_prefix("sector-") == Some(reader.sector)
}

/// The written rules: does `reader` see `object`?
fn sees(reader: &Org, object: &Posted) -> bool {
    may_read_collection(reader, &object.collection)
        && (!object.red
            || reader.analyst
            || object.producer == reader.slug
            || object.recipients.contains(&reader.slug))
}

fn org(slug: &str) -> &'static Org {
    ORGS.iter().find(|o| o.slug == slug).expect("org")
}

/// One object to post: its markings, recipients and anonymity.
struct Variant {
    label: String,
    markings: Option<Vec<&'static str>>,
    red: bool,
    recipients: Vec<&'static str>,
    anonymous: bool,
}

/// Markings to try, with whether the result is RED.
fn marking_variants() -> Vec<(&'static str, Option<Vec<&'static str>>, bool)> {
    vec![
        ("unmarked", None, false),
        ("tlp1-white", Some(vec![TLP1_WHITE]), false),
        ("tlp1-green", Some(vec![TLP1_GREEN]), false),
        ("tlp1-amber", Some(vec![TLP1_AMBER]), false),
        ("tlp1-red", Some(vec![TLP1_RED]), true),
        ("tlp2-clear", Some(vec![TLP2_CLEAR]), false),
        ("tlp2-green", Some(vec![TLP2_GREEN]), false),
        ("tlp2-amber", Some(vec![TLP2_AMBER]), false),
        ("tlp2-amber-strict", Some(vec![TLP2_AMBER_STRICT]), false),
        ("tlp2-red", Some(vec![TLP2_RED]), true),
        ("green-and-red", Some(vec![TLP2_GREEN, TLP1_RED]), true),
    ]
}

fn indicator(
    id: &str,
    label: &str,
    markings: &Option<Vec<&str>>,
    recipients: &[&str],
    anonymous: bool,
) -> String {
    let mut object = json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
        "created_by_ref": "identity--5b3c9e8a-2f7d-4f43-9a1e-3c2f1d6b7a90",
        "name": label, "pattern": "[domain-name:value = 'example.com']", "pattern_type": "stix",
        "valid_from": "2024-01-01T00:00:00Z",
    });
    if let Some(markings) = markings {
        object["object_marking_refs"] = json!(markings);
    }
    if !recipients.is_empty() {
        object["x_kyoyu_recipients"] = json!(recipients);
    }
    if anonymous {
        object["x_kyoyu_anonymous"] = json!("ceptoar");
    }
    object.to_string()
}

/// Every id visible through paged GET objects (and the same through the manifest).
fn listed(hub: &Hub, token: &str, collection: &str) -> Option<BTreeSet<String>> {
    let mut ids = BTreeSet::new();
    let mut manifest_ids = BTreeSet::new();
    for (endpoint, into) in [("objects", &mut ids), ("manifest", &mut manifest_ids)] {
        let mut url = format!("collections/{collection}/{endpoint}/?limit=7");
        loop {
            let reply = hub.get(&url, token);
            if reply.status == 404 {
                return None;
            }
            assert_eq!(reply.status, 200, "{url}: {}", reply.body);
            let body = reply.json();
            let objects = body["objects"].as_array().cloned().unwrap_or_default();
            assert_eq!(
                reply.header("x-taxii-date-added-first").is_some(),
                !objects.is_empty(),
                "headers only with objects"
            );
            into.extend(
                objects
                    .iter()
                    .map(|o| o["id"].as_str().expect("id").to_owned()),
            );
            match body["next"].as_str() {
                Some(next) => {
                    url = format!("collections/{collection}/{endpoint}/?limit=7&next={next}")
                }
                None => break,
            }
        }
    }
    assert_eq!(ids, manifest_ids, "manifest lists what objects lists");
    Some(ids)
}

#[test]
fn every_principal_sees_exactly_its_entitled_set_on_every_path() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let mut tokens: HashMap<&str, String> = HashMap::new();
    for o in &ORGS {
        let role = if o.analyst { "analyst" } else { "member" };
        tokens.insert(o.slug, hub.member(o.slug, o.sector, role));
    }
    let siem = hub.token("power-a", Some("siem"));

    // Each producer posts every marking variant into each collection it may write,
    // plus RED objects naming a recipient and an anonymous one.
    let mut posted: Vec<Posted> = Vec::new();
    let mut statuses: Vec<(&str, String)> = Vec::new();
    for producer in &ORGS {
        let mut collections = vec![
            "cross-sector".to_owned(),
            format!("sector-{}", producer.sector),
        ];
        if producer.analyst {
            collections.extend(["advisories".to_owned(), "sector-electricity".to_owned()]);
        }
        for collection in collections {
            let mut objects = Vec::new();
            let mut variants: Vec<Variant> = marking_variants()
                .into_iter()
                .map(|(label, markings, red)| Variant {
                    label: label.to_owned(),
                    markings,
                    red,
                    recipients: Vec::new(),
                    anonymous: false,
                })
                .collect();
            variants.push(Variant {
                label: "red-to-bank".into(),
                markings: Some(vec![TLP2_RED]),
                red: true,
                recipients: vec!["bank"],
                anonymous: false,
            });
            variants.push(Variant {
                label: "red-to-power-b-and-rail".into(),
                markings: Some(vec![TLP1_RED]),
                red: true,
                recipients: vec!["power-b", "rail"],
                anonymous: false,
            });
            variants.push(Variant {
                label: "anonymous".into(),
                markings: None,
                red: false,
                recipients: Vec::new(),
                anonymous: true,
            });
            for Variant {
                label,
                markings,
                red,
                recipients,
                anonymous,
            } in variants
            {
                let id = stix_id("indicator");
                objects.push(indicator(
                    &id,
                    &format!("{}/{collection}/{label}", producer.slug),
                    &markings,
                    &recipients,
                    anonymous,
                ));
                posted.push(Posted {
                    id,
                    collection: collection.clone(),
                    producer: producer.slug,
                    red,
                    recipients,
                });
            }
            let reply = hub.post(
                &format!("collections/{collection}/objects/"),
                &tokens[producer.slug],
                &envelope(&objects),
            );
            assert_eq!(
                reply.status, 202,
                "{} into {collection}: {}",
                producer.slug, reply.body
            );
            let status = reply.json();
            assert_eq!(status["failure_count"], 0, "{status}");
            statuses.push((producer.slug, status["id"].as_str().expect("id").to_owned()));
        }
    }
    let all_collections: Vec<String> = {
        let analyst = hub.get("collections/", &tokens["nco"]).json();
        analyst["collections"]
            .as_array()
            .expect("list")
            .iter()
            .map(|c| c["alias"].as_str().expect("alias").to_owned())
            .collect()
    };
    assert_eq!(all_collections.len(), 17);

    let mut principals: Vec<(&Org, &str, &str)> = ORGS
        .iter()
        .map(|o| (o, o.slug, tokens[o.slug].as_str()))
        .collect();
    principals.push((org("power-a"), "power-a (siem)", siem.as_str()));
    for (reader, name, token) in &principals {
        // Collections: exactly the readable ones are listed; the others do not exist.
        let listed_collections: BTreeSet<String> =
            hub.get("collections/", token).json()["collections"]
                .as_array()
                .expect("list")
                .iter()
                .map(|c| c["alias"].as_str().expect("alias").to_owned())
                .collect();
        let expected_collections: BTreeSet<String> = all_collections
            .iter()
            .filter(|c| may_read_collection(reader, c))
            .cloned()
            .collect();
        assert_eq!(
            listed_collections, expected_collections,
            "{name}: collections"
        );

        for collection in &all_collections {
            let expected: BTreeSet<String> = posted
                .iter()
                .filter(|p| &p.collection == collection && sees(reader, p))
                .map(|p| p.id.clone())
                .collect();
            match listed(&hub, token, collection) {
                Some(ids) => {
                    assert!(
                        may_read_collection(reader, collection),
                        "{name} reads hidden {collection}"
                    );
                    assert_eq!(ids, expected, "{name} in {collection}");
                }
                None => assert!(
                    !may_read_collection(reader, collection),
                    "{name}: {collection} missing"
                ),
            }
        }
        // Single-object paths: 200 for what it sees, 404 (never 403) for the rest.
        for object in posted
            .iter()
            .filter(|p| p.red || p.collection.starts_with("sector-"))
        {
            let expected = if sees(reader, object) { 200 } else { 404 };
            let url = format!("collections/{}/objects/{}/", object.collection, object.id);
            assert_eq!(
                hub.get(&url, token).status,
                expected,
                "{name}: object {url}"
            );
            assert_eq!(
                hub.get(&format!("{url}versions/"), token).status,
                expected,
                "{name}: versions {url}"
            );
            if expected == 404 {
                assert_eq!(
                    hub.delete(&url, token).status,
                    404,
                    "{name}: delete hidden {url}"
                );
            }
        }
        // Status resources belong to the organisation that created them.
        for (producer, status) in &statuses {
            let expected = if *producer == reader.slug { 200 } else { 404 };
            assert_eq!(
                hub.get(&format!("status/{status}/"), token).status,
                expected,
                "{name}: status of {producer}"
            );
        }
    }

    // Anonymous submissions show the CEPTOAR as producer to everyone, the producer too.
    let anonymous = posted.iter().find(|p| {
        p.producer == "power-a" && p.collection == "cross-sector" && !p.red && {
            let body = hub
                .get(
                    &format!("collections/cross-sector/objects/{}/", p.id),
                    &tokens["bank"],
                )
                .json();
            body["objects"][0]["x_kyoyu_anonymous"] == "ceptoar"
        }
    });
    let anonymous = anonymous.expect("an anonymous object");
    for reader in ["bank", "power-a", "nco"] {
        let body = hub
            .get(
                &format!("collections/cross-sector/objects/{}/", anonymous.id),
                &tokens[reader],
            )
            .json();
        let creator = body["objects"][0]["created_by_ref"]
            .as_str()
            .expect("created_by_ref")
            .to_owned();
        assert_ne!(
            creator, "identity--5b3c9e8a-2f7d-4f43-9a1e-3c2f1d6b7a90",
            "{reader} must not see the member's identity"
        );
        assert!(creator.starts_with("identity--"), "{creator}");
    }
}

#[test]
fn members_write_only_where_their_role_allows_and_only_version_their_own_objects() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let power = hub.member("power-a", "electricity", "member");
    let bank = hub.member("bank", "finance-banking", "member");
    let nco = hub.member("nco", "government", "analyst");
    let siem = hub.token("power-a", Some("siem"));
    let id = stix_id("indicator");
    let object = |modified: &str| {
        json!({"type": "indicator", "spec_version": "2.1", "id": id, "created": "2024-01-01T00:00:00.000Z",
               "modified": modified, "pattern": "[ipv4-addr:value = '198.51.100.1']", "pattern_type": "stix",
               "valid_from": "2024-01-01T00:00:00Z"})
        .to_string()
    };
    let v1 = envelope(&[object("2024-01-01T00:00:00.000Z")]);
    assert_eq!(
        hub.post("collections/sector-finance/objects/", &power, &v1)
            .status,
        404,
        "another sector's collection is absent"
    );
    assert_eq!(
        hub.post("collections/advisories/objects/", &power, &v1)
            .status,
        403,
        "advisories are read-only to members"
    );
    assert_eq!(
        hub.post("collections/cross-sector/objects/", &siem, &v1)
            .status,
        403,
        "siem clients write nothing"
    );
    assert_eq!(
        hub.post(
            "collections/advisories/objects/",
            &nco,
            &envelope(&[object("2024-01-01T00:00:00.000Z").replace(&id, &stix_id("indicator"))])
        )
        .status,
        202
    );
    assert_eq!(
        hub.post("collections/cross-sector/objects/", &power, &v1)
            .json()["success_count"],
        1
    );

    // Another organisation may re-share the same version, but not make a new one.
    let reshare = hub
        .post("collections/cross-sector/objects/", &bank, &v1)
        .json();
    assert_eq!(reshare["success_count"], 1, "{reshare}");
    let altered =
        envelope(&[object("2024-01-01T00:00:00.000Z").replace("198.51.100.1", "203.0.113.66")]);
    let altered = hub
        .post("collections/sector-finance/objects/", &bank, &altered)
        .json();
    assert_eq!(
        altered["failure_count"], 1,
        "a re-share must not change the creator's version: {altered}"
    );
    let unchanged = hub
        .post("collections/sector-finance/objects/", &bank, &v1)
        .json();
    assert_eq!(
        unchanged["success_count"], 1,
        "an unchanged re-share into another collection: {unchanged}"
    );
    let v2 = envelope(&[object("2024-02-01T00:00:00.000Z")]);
    let refused = hub
        .post("collections/cross-sector/objects/", &bank, &v2)
        .json();
    assert_eq!(refused["failure_count"], 1);
    assert!(
        refused["failures"][0]["message"]
            .as_str()
            .expect("message")
            .contains("only its creator may add or change versions"),
        "{refused}"
    );
    assert_eq!(
        hub.post("collections/cross-sector/objects/", &power, &v2)
            .json()["success_count"],
        1,
        "the creator versions it"
    );
    let url = format!("collections/cross-sector/objects/{id}/");
    assert_eq!(
        hub.delete(&url, &bank).status,
        403,
        "others may not delete it"
    );
    assert_eq!(
        hub.delete(&url, &nco).status,
        403,
        "analysts may not delete members' objects either"
    );
    assert_eq!(hub.delete(&url, &power).status, 200);
}

#[test]
fn recipients_must_be_registered_and_only_red_objects_name_them() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let power = hub.member("power-a", "electricity", "member");
    let _bank = hub.member("bank", "finance-banking", "member");
    let unknown = indicator(
        &stix_id("indicator"),
        "x",
        &Some(vec![TLP2_RED]),
        &["nobody"],
        false,
    );
    let not_red = indicator(
        &stix_id("indicator"),
        "y",
        &Some(vec![TLP2_AMBER]),
        &["bank"],
        false,
    );
    let good = indicator(
        &stix_id("indicator"),
        "z",
        &Some(vec![TLP2_RED]),
        &["bank"],
        false,
    );
    let status = hub
        .post(
            "collections/cross-sector/objects/",
            &power,
            &envelope(&[unknown, not_red, good]),
        )
        .json();
    assert_eq!(
        (
            status["success_count"].as_u64(),
            status["failure_count"].as_u64()
        ),
        (Some(1), Some(2)),
        "{status}"
    );
    let messages: Vec<&str> = status["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("'nobody', which is not a registered organisation")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("only TLP:RED objects")),
        "{messages:?}"
    );
    let _ = Value::Null;
}
