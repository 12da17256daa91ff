//! Observables are indexed beside each object: "who else reported this", as each caller
//! may see it; and custom content is refused when the hub is configured strict.

use e2e::{Hub, Scratch, envelope, stix_id};
use serde_json::json;

fn indicator(ip: &str, markings: &[&str]) -> String {
    let mut object = json!({
        "type": "indicator", "spec_version": "2.1", "id": stix_id("indicator"),
        "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
        "pattern": format!("[ipv4-addr:value = '{ip}'] OR [domain-name:value = 'C2.Example.COM.']"),
        "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z",
    });
    if !markings.is_empty() {
        object["object_marking_refs"] = json!(markings);
    }
    object.to_string()
}

#[test]
fn reports_of_an_observable_are_found_across_collections_as_each_caller_may_see_them() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let power = hub.member("power-a", "electricity", "member");
    let bank = hub.member("bank", "finance-banking", "member");
    let rail = hub.member("rail", "railway", "member");
    let nco = hub.member("nco", "government", "analyst");
    let red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
    let sco = json!({"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--f3c6b7b6-6b6e-5d7f-9e1a-5c2f3b0d6b11", "value": "198.51.100.7"}).to_string();
    for (token, collection, body) in [
        (
            &power,
            "cross-sector",
            envelope(&[indicator("198.51.100.7", &[])]),
        ),
        (&bank, "sector-finance", envelope(&[sco])),
        (
            &rail,
            "cross-sector",
            envelope(&[indicator("198.51.100.7", &[red])]),
        ),
        (
            &rail,
            "cross-sector",
            envelope(&[indicator("203.0.113.1", &[])]),
        ),
    ] {
        let status = hub
            .post(&format!("collections/{collection}/objects/"), token, &body)
            .json();
        assert_eq!(status["failure_count"], 0, "{status}");
    }
    let correlations =
        |token: &str, query: &str| hub.get(&format!("{}/correlations/?{query}", hub.base), token);

    let everything = correlations(&nco, "kind=ipv4&value=198.51.100.7").json();
    assert_eq!(
        everything["reports"].as_array().map(Vec::len),
        Some(3),
        "{everything}"
    );
    assert_eq!(everything["organizations"], 3);
    assert_eq!(
        everything["reports"][0]["organization"], "power-a",
        "the center sees producers"
    );
    assert_eq!(
        everything["sectors"],
        json!(["electricity", "finance", "railway"])
    );

    let member_view = correlations(&power, "kind=ipv4&value=198.51.100.7/32").json();
    let reports = member_view["reports"].as_array().expect("reports");
    assert_eq!(
        reports.len(),
        1,
        "another sector's collection and others' RED stay hidden: {member_view}"
    );
    assert!(
        reports[0].get("organization").is_none(),
        "members see sectors, not producers"
    );
    assert_eq!(
        member_view["observable"]["value"], "198.51.100.7",
        "the query is normalised like the index"
    );

    let domain = correlations(&rail, "kind=domain&value=c2.example.com").json();
    assert_eq!(
        domain["reports"].as_array().map(Vec::len),
        Some(3),
        "domains are lower-cased, trailing dot dropped: {domain}"
    );
    assert_eq!(correlations(&power, "kind=nonsense&value=x").status, 400);
    assert_eq!(
        correlations(&power, "kind=ipv4&value=999.1.1.1").status,
        400
    );
}

#[test]
fn a_strict_hub_refuses_custom_content_a_default_one_accepts_it() {
    let custom = json!({
        "type": "x-acme-widget", "spec_version": "2.1", "id": stix_id("x-acme-widget"),
        "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "w"
    })
    .to_string();
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let status = hub
        .post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(std::slice::from_ref(&custom)),
        )
        .json();
    assert_eq!(status["success_count"], 1, "{status}");

    let strict = Scratch::new();
    let config = strict.0.join("kyoyu.toml");
    std::fs::write(&config, "[taxii]\nreject_custom_content = true\n").expect("config");
    let hub = Hub::start_with(&strict, &["--config", config.to_str().expect("path")]);
    let token = hub.member("acme-power", "electricity", "member");
    let status = hub
        .post(
            "collections/cross-sector/objects/",
            &token,
            &envelope(&[custom]),
        )
        .json();
    assert_eq!(status["failure_count"], 1, "{status}");
    assert!(
        status["failures"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("x-acme-widget")),
        "{status}"
    );
}
