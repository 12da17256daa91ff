//! Property: for random sequences of submissions, sightings, opinions, revocations,
//! deletions, refused objects and analysts' decisions, with the incremental scorer
//! catching up at random points in batches of random size, `kyoyu score recompute`
//! rebuilds exactly the same ledger.

use e2e::{Hub, Scratch, envelope, indicator, kyoyu, stix_id};
use proptest::prelude::*;
use serde_json::{Value, json};

const NOW: &str = "2026-01-01T00:00:00.000Z";
const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

/// Members: (slug, sector as registered, sector collection).
const MEMBERS: [(&str, &str, &str); 4] = [
    ("m-bank", "finance-banking", "sector-finance"),
    ("m-broker", "finance-securities", "sector-finance"),
    ("m-power", "electricity", "sector-electricity"),
    ("m-gas", "gas", "sector-gas"),
];

#[derive(Debug, Clone)]
enum Step {
    Post {
        org: usize,
        ip: u8,
        cross_sector: bool,
        red: bool,
        complete: bool,
    },
    Sight {
        org: usize,
        target: usize,
    },
    Oppose {
        org: usize,
        target: usize,
    },
    Revoke {
        target: usize,
    },
    Delete {
        target: usize,
    },
    Decide {
        action: usize,
        target: usize,
    },
    Refused {
        org: usize,
        count: u8,
    },
    /// A score read: the incremental scorer catches up here.
    Read {
        org: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let org = 0..MEMBERS.len();
    let target = 0..64usize;
    prop_oneof![
        4 => (org.clone(), 0..6u8, any::<bool>(), prop::bool::weighted(0.2), any::<bool>()).prop_map(
            |(org, ip, cross_sector, red, complete)| Step::Post { org, ip, cross_sector, red, complete }
        ),
        2 => (org.clone(), target.clone()).prop_map(|(org, target)| Step::Sight { org, target }),
        1 => (org.clone(), target.clone()).prop_map(|(org, target)| Step::Oppose { org, target }),
        1 => target.clone().prop_map(|target| Step::Revoke { target }),
        1 => target.clone().prop_map(|target| Step::Delete { target }),
        1 => (0..3usize, target).prop_map(|(action, target)| Step::Decide { action, target }),
        1 => (org.clone(), 1..30u8).prop_map(|(org, count)| Step::Refused { org, count }),
        2 => org.prop_map(|org| Step::Read { org }),
    ]
}

/// A posted indicator: its id, producer, collection and text.
struct Posted {
    id: String,
    org: usize,
    collection: String,
    ip: u8,
}

fn run(steps: &[Step], batch_size: u32) -> Result<(), TestCaseError> {
    let scratch = Scratch::new();
    let config = scratch.0.join("kyoyu.toml");
    std::fs::write(
        &config,
        format!("[scoring]\nenabled = false\nbatch_size = {batch_size}\n"),
    )
    .expect("config");
    let hub = Hub::start_with(&scratch, &["--config", config.to_str().expect("path")]);
    let analyst = hub.member("nco", "government", "analyst");
    let tokens: Vec<String> = MEMBERS
        .iter()
        .map(|(slug, sector, _)| hub.member(slug, sector, "member"))
        .collect();
    let mut posted: Vec<Posted> = Vec::new();
    let pick = |posted: &[Posted], target: usize| -> Option<usize> {
        (!posted.is_empty()).then(|| target % posted.len())
    };
    for step in steps {
        match step {
            Step::Post {
                org,
                ip,
                cross_sector,
                red,
                complete,
            } => {
                let id = stix_id("indicator");
                let mut object: Value =
                    serde_json::from_str(&indicator(&id, NOW, &format!("192.0.2.{ip}")))
                        .expect("json");
                if *red {
                    object["object_marking_refs"] = json!([RED]);
                }
                if *complete {
                    object["confidence"] = json!(70);
                    object["valid_until"] = json!("2027-01-01T00:00:00Z");
                }
                let collection = if *cross_sector {
                    "cross-sector".to_owned()
                } else {
                    MEMBERS[*org].2.to_owned()
                };
                hub.post(
                    &format!("collections/{collection}/objects/"),
                    &tokens[*org],
                    &envelope(&[object.to_string()]),
                );
                posted.push(Posted {
                    id,
                    org: *org,
                    collection,
                    ip: *ip,
                });
            }
            Step::Sight { org, target } | Step::Oppose { org, target } => {
                let Some(i) = pick(&posted, *target) else {
                    continue;
                };
                let about = &posted[i];
                let object = if matches!(step, Step::Sight { .. }) {
                    json!({"type": "sighting", "spec_version": "2.1", "id": stix_id("sighting"),
                           "created": NOW, "modified": NOW, "sighting_of_ref": about.id, "count": 1})
                } else {
                    json!({"type": "opinion", "spec_version": "2.1", "id": stix_id("opinion"),
                           "created": NOW, "modified": NOW, "opinion": "strongly-disagree",
                           "object_refs": [about.id]})
                };
                hub.post(
                    "collections/cross-sector/objects/",
                    &tokens[*org],
                    &envelope(&[object.to_string()]),
                );
            }
            Step::Revoke { target } => {
                let Some(i) = pick(&posted, *target) else {
                    continue;
                };
                let about = &posted[i];
                let mut object: Value = serde_json::from_str(&indicator(
                    &about.id,
                    "2026-02-01T00:00:00.000Z",
                    &format!("192.0.2.{}", about.ip),
                ))
                .expect("json");
                object["revoked"] = json!(true);
                hub.post(
                    &format!("collections/{}/objects/", about.collection),
                    &tokens[about.org],
                    &envelope(&[object.to_string()]),
                );
            }
            Step::Delete { target } => {
                let Some(i) = pick(&posted, *target) else {
                    continue;
                };
                let about = &posted[i];
                hub.delete(
                    &format!("collections/{}/objects/{}/", about.collection, about.id),
                    &tokens[about.org],
                );
            }
            Step::Decide { action, target } => {
                let Some(i) = pick(&posted, *target) else {
                    continue;
                };
                let action = ["confirm", "false-positive", "reject-false-positive"][*action];
                hub.send(
                    "POST",
                    &format!("{}/triage/decisions/", hub.base),
                    &[
                        ("Authorization", &format!("Bearer {analyst}")),
                        ("Content-Type", "application/json"),
                    ],
                    Some(&json!({"object": posted[i].id, "action": action}).to_string()),
                );
            }
            Step::Refused { org, count } => {
                let broken: Vec<String> = (0..*count)
                    .map(|_| r#"{"type":"indicator","id":"indicator--not-a-uuid"}"#.to_owned())
                    .collect();
                hub.post(
                    "collections/cross-sector/objects/",
                    &tokens[*org],
                    &envelope(&broken),
                );
            }
            Step::Read { org } => {
                let reply = hub.get(&format!("{}/scores/me/", hub.base), &tokens[*org]);
                prop_assert_eq!(reply.status, 200, "{}", reply.body);
            }
        }
    }
    // Whatever the incremental scorer has not seen yet it applies first (in one more
    // catch-up); the rebuild then starts from nothing with the default batch size.
    let summary: Value =
        serde_json::from_str(&kyoyu(&hub.database_url, &["score", "recompute"])).expect("json");
    prop_assert_eq!(&summary["identical"], &json!(true), "{}", summary);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(12),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    #[test]
    fn recompute_equals_incremental(
        steps in prop::collection::vec(step(), 1..40),
        batch_size in 1u32..5,
    ) {
        run(&steps, batch_size)?;
    }
}
