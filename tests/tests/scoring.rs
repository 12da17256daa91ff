//! The contribution ledger through the running hub: each scenario asserts the exact
//! ledger rows (component and points, oldest first) and the relative outcome.

use e2e::{Hub, Scratch, envelope, indicator, kyoyu, stix_id};
use serde_json::{Value, json};

const NOW: &str = "2026-01-01T00:00:00.000Z";

/// The ledger of `org` as the coordination center reads it: (component, points), oldest
/// first.
fn ledger(hub: &Hub, analyst: &str, org: &str) -> Vec<(String, i64)> {
    let reply = hub.get(
        &format!("{}/scores/organizations/{org}/?limit=1000", hub.base),
        analyst,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mut rows: Vec<(String, i64)> = reply.json()["ledger"]
        .as_array()
        .expect("ledger")
        .iter()
        .map(|row| {
            (
                row["component"].as_str().expect("component").to_owned(),
                row["points"].as_i64().expect("points"),
            )
        })
        .collect();
    rows.reverse();
    rows
}

fn rows(expected: &[(&str, i64)]) -> Vec<(String, i64)> {
    expected
        .iter()
        .map(|(c, p)| ((*c).to_owned(), *p))
        .collect()
}

fn total(hub: &Hub, analyst: &str, org: &str) -> f64 {
    hub.get(
        &format!("{}/scores/organizations/{org}/", hub.base),
        analyst,
    )
    .json()["total"]
        .as_f64()
        .expect("total")
}

fn post(hub: &Hub, token: &str, collection: &str, objects: &[String]) -> Value {
    let reply = hub.post(
        &format!("collections/{collection}/objects/"),
        token,
        &envelope(objects),
    );
    assert_eq!(reply.status, 202, "{}", reply.body);
    reply.json()
}

fn sighting(of: &str, count: u32) -> String {
    json!({
        "type": "sighting", "spec_version": "2.1", "id": stix_id("sighting"),
        "created": NOW, "modified": NOW, "sighting_of_ref": of, "count": count,
        "first_seen": "2026-01-01T00:00:00Z", "last_seen": "2026-01-02T00:00:00Z",
    })
    .to_string()
}

fn opinion(about: &str, verdict: &str) -> String {
    json!({
        "type": "opinion", "spec_version": "2.1", "id": stix_id("opinion"),
        "created": NOW, "modified": NOW, "opinion": verdict, "object_refs": [about],
        "explanation": "benign CDN address",
    })
    .to_string()
}

/// An indicator with everything that makes it actionable.
fn complete_indicator(id: &str, ip: &str) -> String {
    let mut object: Value = serde_json::from_str(&indicator(id, NOW, ip)).expect("json");
    object["valid_until"] = json!("2027-01-01T00:00:00Z");
    object["confidence"] = json!(80);
    object["description"] = json!("Command-and-control server seen in a banking campaign");
    object["kill_chain_phases"] = json!([{"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": "command-and-control"}]);
    object.to_string()
}

struct World {
    _scratch: Scratch,
    hub: Hub,
    analyst: String,
}

fn world() -> World {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let analyst = hub.member("nco", "government", "analyst");
    World {
        _scratch: scratch,
        hub,
        analyst,
    }
}

#[test]
fn first_reporter_independent_finder_and_reposter() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let bank = hub.member("bank-a", "finance-banking", "member");
    let utility = hub.member("utility-b", "electricity", "member");
    let bank_c = hub.member("bank-c", "finance-banking", "member");
    let ip = "203.0.113.10";
    // The bank reports first in its sector (AMBER by default: finance members only).
    let first = stix_id("indicator");
    post(&hub, &bank, "sector-finance", &[indicator(&first, NOW, ip)]);
    // A utility finds the same address without being able to see the bank's report.
    let independent = stix_id("indicator");
    post(
        &hub,
        &utility,
        "sector-electricity",
        &[indicator(&independent, NOW, ip)],
    );
    // Another bank re-posts what it could already read.
    let repost = stix_id("indicator");
    post(
        &hub,
        &bank_c,
        "sector-finance",
        &[indicator(&repost, NOW, ip)],
    );

    assert_eq!(
        ledger(&hub, &analyst, "bank-a"),
        rows(&[("novelty", 10), ("corroboration", 40), ("novelty", 90)])
    );
    assert_eq!(
        ledger(&hub, &analyst, "utility-b"),
        rows(&[("novelty", 30)])
    );
    assert_eq!(ledger(&hub, &analyst, "bank-c"), rows(&[]));
    assert!(total(&hub, &analyst, "bank-a") > total(&hub, &analyst, "utility-b"));

    // The coordination center sees how each report relates to the earlier ones.
    let correlations = hub
        .get(
            &format!("{}/correlations/?kind=ipv4&value={ip}", hub.base),
            &analyst,
        )
        .json();
    let relations: Vec<&str> = correlations["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["relation"].as_str().expect("relation"))
        .collect();
    assert_eq!(relations, ["first", "independent", "repost"]);
    // A member sees only the reports it may read, and no relation (which could hint at
    // reports it may not see).
    let seen_by_utility = hub
        .get(
            &format!("{}/correlations/?kind=ipv4&value={ip}", hub.base),
            &utility,
        )
        .json();
    let reports = seen_by_utility["reports"].as_array().expect("reports");
    assert_eq!(reports.len(), 1, "{seen_by_utility}");
    assert!(reports[0].get("relation").is_none());
}

#[test]
fn timeliness_follows_the_hub_clock_not_the_client_created() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let early = hub.member("early", "railway", "member");
    let late = hub.member("late", "gas", "member");
    // The first report claims to be years old; the second follows seconds later by the
    // hub's clock, so there is no lead to reward.
    let mut old: Value = serde_json::from_str(&indicator(
        &stix_id("indicator"),
        "2019-01-01T00:00:00.000Z",
        "198.51.100.77",
    ))
    .expect("json");
    old["created"] = json!("2019-01-01T00:00:00.000Z");
    post(&hub, &early, "sector-railway", &[old.to_string()]);
    post(
        &hub,
        &late,
        "sector-gas",
        &[indicator(&stix_id("indicator"), NOW, "198.51.100.77")],
    );
    let rows_of_early = ledger(&hub, &analyst, "early");
    assert!(
        rows_of_early
            .iter()
            .all(|(component, _)| component != "timeliness"),
        "{rows_of_early:?}"
    );
    assert_eq!(
        rows_of_early,
        rows(&[("novelty", 10), ("corroboration", 40), ("novelty", 90)])
    );
}

#[test]
fn sighting_your_own_indicator_earns_nothing() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let producer = hub.member("producer", "water", "member");
    let consumer = hub.member("consumer", "healthcare", "member");
    let id = stix_id("indicator");
    post(
        &hub,
        &producer,
        "cross-sector",
        &[indicator(&id, NOW, "192.0.2.55")],
    );
    post(&hub, &producer, "cross-sector", &[sighting(&id, 5)]);
    assert_eq!(ledger(&hub, &analyst, "producer"), rows(&[("novelty", 10)]));

    post(&hub, &consumer, "cross-sector", &[sighting(&id, 2)]);
    assert_eq!(
        ledger(&hub, &analyst, "producer"),
        rows(&[("novelty", 10), ("corroboration", 40), ("novelty", 90)])
    );
    assert_eq!(ledger(&hub, &analyst, "consumer"), rows(&[("feedback", 8)]));

    // Both sightings are counted, from two organisations.
    let sightings = hub
        .get(&format!("{}/sightings/?of={id}", hub.base), &consumer)
        .json();
    assert_eq!(sightings["sightings"], 2, "{sightings}");
    assert_eq!(sightings["count"], 7);
    assert_eq!(sightings["organizations"], 2);
    assert_eq!(sightings["first_seen"], "2026-01-01T00:00:00Z");
}

#[test]
fn colluding_pair_is_damped_and_a_third_organisation_counts_more() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let a = hub.member("colluder-a", "logistics", "member");
    let b = hub.member("colluder-b", "chemical", "member");
    let c = hub.member("third-c", "petroleum", "member");
    let ids: Vec<String> = (0..4).map(|_| stix_id("indicator")).collect();
    let objects: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| indicator(id, NOW, &format!("198.51.100.{}", 10 + i)))
        .collect();
    post(&hub, &a, "cross-sector", &objects);
    for id in &ids {
        post(&hub, &b, "cross-sector", &[sighting(id, 1)]);
    }
    // b's own indicator, sighted back by a: the same pair, damped further.
    let b_id = stix_id("indicator");
    post(
        &hub,
        &b,
        "cross-sector",
        &[indicator(&b_id, NOW, "198.51.100.99")],
    );
    post(&hub, &a, "cross-sector", &[sighting(&b_id, 1)]);
    // A third organisation agrees on the first indicator.
    post(&hub, &c, "cross-sector", &[sighting(&ids[0], 1)]);

    let rows_a = ledger(&hub, &analyst, "colluder-a");
    let corroboration: Vec<i64> = rows_a
        .iter()
        .filter(|(component, _)| component == "corroboration")
        .map(|(_, points)| *points)
        .collect();
    // 40, 20, 10, 5 from b, then 40 and a further-agreement 20 from c.
    assert_eq!(corroboration, [40, 20, 10, 5, 40, 20], "{rows_a:?}");
    assert_eq!(
        ledger(&hub, &analyst, "colluder-b"),
        rows(&[
            ("feedback", 8),
            ("feedback", 4),
            ("feedback", 2),
            ("feedback", 1),
            ("novelty", 10),
            ("corroboration", 2),
            ("novelty", 90),
        ])
    );
    // a's feedback for sighting b's indicator is damped to nothing (8 >> 4).
    assert!(
        rows_a.iter().all(|(component, _)| component != "feedback"),
        "{rows_a:?}"
    );
    assert_eq!(ledger(&hub, &analyst, "third-c"), rows(&[("feedback", 8)]));
}

#[test]
fn confirmed_false_positive_costs_far_more_than_an_early_revocation() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let careless = hub.member("careless", "aviation", "member");
    let honest = hub.member("honest", "airport", "member");
    let sighter = hub.member("sighter", "port", "member");
    let critic_1 = hub.member("critic-1", "credit-card", "member");
    let critic_2 = hub.member("critic-2", "ict-telecom", "member");

    let wrong = stix_id("indicator");
    post(
        &hub,
        &careless,
        "cross-sector",
        &[indicator(&wrong, NOW, "192.0.2.200")],
    );
    post(&hub, &sighter, "cross-sector", &[sighting(&wrong, 1)]);
    post(
        &hub,
        &critic_1,
        "cross-sector",
        &[opinion(&wrong, "strongly-disagree")],
    );
    // One report alone does not count.
    assert_eq!(
        ledger(&hub, &analyst, "careless"),
        rows(&[("novelty", 10), ("corroboration", 40), ("novelty", 90)])
    );
    post(
        &hub,
        &critic_2,
        "cross-sector",
        &[opinion(&wrong, "disagree")],
    );
    let decision = hub.send(
        "POST",
        &format!("{}/triage/decisions/", hub.base),
        &[
            ("Authorization", &format!("Bearer {analyst}")),
            ("Content-Type", "application/json"),
        ],
        Some(&json!({"object": wrong, "action": "false-positive"}).to_string()),
    );
    assert_eq!(decision.status, 201, "{}", decision.body);
    assert_eq!(
        ledger(&hub, &analyst, "careless"),
        rows(&[
            ("novelty", 10),
            ("corroboration", 40),
            ("novelty", 90),
            ("false-positive", -200),
        ])
    );
    assert_eq!(
        ledger(&hub, &analyst, "critic-1"),
        rows(&[("feedback", 10)])
    );
    assert_eq!(
        ledger(&hub, &analyst, "critic-2"),
        rows(&[("feedback", 10)])
    );

    // The honest member withdraws its mistake itself, before anyone reports it.
    let mistake = stix_id("indicator");
    post(
        &hub,
        &honest,
        "cross-sector",
        &[indicator(&mistake, NOW, "192.0.2.201")],
    );
    let mut revoked: Value = serde_json::from_str(&indicator(
        &mistake,
        "2026-01-02T00:00:00.000Z",
        "192.0.2.201",
    ))
    .expect("json");
    revoked["revoked"] = json!(true);
    post(&hub, &honest, "cross-sector", &[revoked.to_string()]);
    // Later reports against the revoked indicator cost nothing more.
    post(
        &hub,
        &critic_1,
        "cross-sector",
        &[opinion(&mistake, "disagree")],
    );
    post(
        &hub,
        &critic_2,
        "cross-sector",
        &[opinion(&mistake, "disagree")],
    );
    assert_eq!(
        ledger(&hub, &analyst, "honest"),
        rows(&[("novelty", 10), ("revocation", -20)])
    );
    assert!(total(&hub, &analyst, "honest") > total(&hub, &analyst, "careless"));

    // Members may not decide.
    let refused = hub.send(
        "POST",
        &format!("{}/triage/decisions/", hub.base),
        &[
            ("Authorization", &format!("Bearer {honest}")),
            ("Content-Type", "application/json"),
        ],
        Some(&json!({"object": wrong, "action": "reject-false-positive"}).to_string()),
    );
    assert_eq!(refused.status, 404, "{}", refused.body);
}

#[test]
fn padding_with_trivial_indicators_earns_less_than_one_good_one() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let padder = hub.member("padder", "government", "member");
    let diligent = hub.member("diligent", "healthcare", "member");
    let consumer = hub.member("consumer", "water", "member");
    let trivial: Vec<String> = (0..20)
        .map(|i| indicator(&stix_id("indicator"), NOW, &format!("10.9.8.{i}")))
        .collect();
    post(&hub, &padder, "cross-sector", &trivial);
    let mut expected = vec![("novelty", 10); 5];
    expected.extend(vec![("padding", -5); 15]);
    assert_eq!(ledger(&hub, &analyst, "padder"), rows(&expected));

    let good = stix_id("indicator");
    post(
        &hub,
        &diligent,
        "cross-sector",
        &[complete_indicator(&good, "10.7.7.7")],
    );
    post(&hub, &consumer, "cross-sector", &[sighting(&good, 1)]);
    assert_eq!(
        ledger(&hub, &analyst, "diligent"),
        rows(&[
            ("novelty", 10),
            ("corroboration", 40),
            ("novelty", 90),
            ("completeness", 20),
        ])
    );
    assert!(total(&hub, &analyst, "diligent") > total(&hub, &analyst, "padder"));
    assert!(total(&hub, &analyst, "padder") < 0.0);
}

#[test]
fn anonymous_submission_is_still_credited_to_its_producer() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let shy = hub.member("shy-bank", "finance-banking", "member");
    let peer = hub.member("peer", "electricity", "member");
    let id = stix_id("indicator");
    let mut object: Value =
        serde_json::from_str(&indicator(&id, NOW, "203.0.113.66")).expect("json");
    object["x_kyoyu_anonymous"] = json!("ceptoar");
    post(&hub, &shy, "cross-sector", &[object.to_string()]);
    post(&hub, &peer, "cross-sector", &[sighting(&id, 1)]);
    // Peers see the CEPTOAR, not the bank...
    let served = hub
        .get(&format!("collections/cross-sector/objects/{id}/"), &peer)
        .json();
    assert_ne!(served["objects"][0]["created_by_ref"], Value::Null);
    assert!(!served.to_string().contains("shy-bank"));
    // ...and the ledger credits the bank.
    assert_eq!(
        ledger(&hub, &analyst, "shy-bank"),
        rows(&[("novelty", 10), ("corroboration", 40), ("novelty", 90)])
    );
    // The peer's own ledger row does not name the bank.
    let own = hub.get(&format!("{}/scores/me/", hub.base), &peer).json();
    assert!(!own.to_string().contains("shy-bank"), "{own}");
}

#[test]
fn repeated_invalid_submissions_cost_past_the_daily_allowance() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let sloppy = hub.member("sloppy", "gas", "member");
    let broken: Vec<String> = (0..25)
        .map(|i| {
            indicator(&stix_id("indicator"), NOW, "10.1.1.1").replace(
                "[ipv4-addr:value = '10.1.1.1']",
                &format!("[ipv4-addr:value = '{i}"),
            )
        })
        .collect();
    let status = post(&hub, &sloppy, "cross-sector", &broken);
    assert_eq!(status["failure_count"], 25);
    assert_eq!(ledger(&hub, &analyst, "sloppy"), rows(&[("refusals", -10)]));
}

#[test]
fn members_see_ranks_and_their_own_detail_and_recompute_matches() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let a = hub.member("rank-a", "finance-banking", "member");
    let b = hub.member("rank-b", "finance-securities", "member");
    let id = stix_id("indicator");
    post(
        &hub,
        &a,
        "cross-sector",
        &[indicator(&id, NOW, "192.0.2.9")],
    );
    post(&hub, &b, "cross-sector", &[sighting(&id, 1)]);

    let member_view = hub
        .get(
            &format!("{}/scores/leaderboard/?sector=finance", hub.base),
            &b,
        )
        .json();
    let standings = member_view["standings"].as_array().expect("standings");
    assert_eq!(standings[0]["organization"], "rank-a");
    assert_eq!(standings[0]["rank"], 1);
    assert!(standings[0].get("total").is_none(), "{member_view}");
    assert_eq!(member_view["you"]["organization"], "rank-b");
    assert_eq!(member_view["you"]["total"], 8.0);
    let analyst_view = hub
        .get(
            &format!("{}/scores/leaderboard/?ceptoar=finance-banking", hub.base),
            &analyst,
        )
        .json();
    assert_eq!(
        analyst_view["standings"][0]["total"], 140.0,
        "{analyst_view}"
    );
    assert_eq!(analyst_view["standings"].as_array().map(Vec::len), Some(1));
    // Another organisation's score does not exist for a member.
    let hidden = hub.get(&format!("{}/scores/organizations/rank-a/", hub.base), &b);
    assert_eq!(hidden.status, 404);

    let before = kyoyu(&hub.database_url, &["score", "show", "--org", "rank-a"]);
    let summary: Value =
        serde_json::from_str(&kyoyu(&hub.database_url, &["score", "recompute"])).expect("json");
    assert_eq!(summary["identical"], true, "{summary}");
    assert_eq!(summary["ledger_rows"], 4);
    let after = kyoyu(&hub.database_url, &["score", "show", "--org", "rank-a"]);
    let (before, after): (Value, Value) = (
        serde_json::from_str(&before).expect("json"),
        serde_json::from_str(&after).expect("json"),
    );
    assert_eq!(before["total"], 140.0);
    assert_eq!(before["total"], after["total"]);
    assert_eq!(before["components"], after["components"]);
    assert_eq!(after["ledger_size"], 3);
}

/// docs/scoring.md's worked example, minus the timeliness row (here the second report
/// follows within seconds, so there is no lead to reward).
#[test]
fn worked_example_from_the_docs() {
    let World {
        _scratch,
        hub,
        analyst,
    } = world();
    let bank_a = hub.member("bank-a", "finance-banking", "member");
    let power_b = hub.member("power-b", "electricity", "member");
    let bank_c = hub.member("bank-c", "finance-banking", "member");
    let rail_d = hub.member("rail-d", "railway", "member");
    let ip = "203.0.113.10";
    let i1 = stix_id("indicator");
    let mut first: Value = serde_json::from_str(&indicator(&i1, NOW, ip)).expect("json");
    first["valid_until"] = json!("2027-01-01T00:00:00Z");
    first["confidence"] = json!(75);
    post(&hub, &bank_a, "sector-finance", &[first.to_string()]);
    post(
        &hub,
        &power_b,
        "sector-electricity",
        &[indicator(&stix_id("indicator"), NOW, ip)],
    );
    post(
        &hub,
        &bank_c,
        "sector-finance",
        &[indicator(&stix_id("indicator"), NOW, ip)],
    );
    // bank-a also shares I1 with everyone; rail-d reads it there and sights it.
    post(&hub, &bank_a, "cross-sector", &[first.to_string()]);
    post(&hub, &rail_d, "cross-sector", &[sighting(&i1, 1)]);

    assert_eq!(
        ledger(&hub, &analyst, "bank-a"),
        rows(&[
            ("novelty", 10),
            ("corroboration", 40),
            ("novelty", 90),
            ("completeness", 10),
            ("corroboration", 40),
            ("corroboration", 20),
        ])
    );
    assert_eq!(ledger(&hub, &analyst, "power-b"), rows(&[("novelty", 30)]));
    assert_eq!(ledger(&hub, &analyst, "bank-c"), rows(&[]));
    assert_eq!(ledger(&hub, &analyst, "rail-d"), rows(&[("feedback", 8)]));
    assert_eq!(total(&hub, &analyst, "bank-a"), 210.0);
}

/// Operators see how far the ledger is behind; a score read brings it up to date.
#[test]
fn metrics_show_the_ledger_lag_until_a_read_catches_up() {
    let scratch = Scratch::new();
    let config = scratch.0.join("kyoyu.toml");
    std::fs::write(&config, "[scoring]\nenabled = false\n").expect("config");
    let hub = Hub::start_with(&scratch, &["--config", config.to_str().expect("path")]);
    let member = hub.member("lagging", "water", "member");
    let objects: Vec<String> = (0..3)
        .map(|i| indicator(&stix_id("indicator"), NOW, &format!("192.0.2.{i}")))
        .collect();
    post(&hub, &member, "cross-sector", &objects);
    let waiting = |hub: &Hub| -> String {
        let metrics = hub.get(&format!("{}/metrics/", hub.base), "").body;
        metrics
            .lines()
            .find(|line| line.starts_with("kyoyu_ledger_waiting_versions "))
            .unwrap_or_else(|| panic!("no ledger gauge in:\n{metrics}"))
            .to_owned()
    };
    assert_eq!(waiting(&hub), "kyoyu_ledger_waiting_versions 3");
    let own = hub.get(&format!("{}/scores/me/", hub.base), &member).json();
    assert_eq!(own["total"], 30.0, "{own}");
    assert_eq!(waiting(&hub), "kyoyu_ledger_waiting_versions 0");
}
