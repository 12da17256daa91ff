//! The audit trail: who submitted, deleted and read what, append-only, for
//! administrators only.

use std::process::Command;
use std::time::{Duration, Instant};

use e2e::{Hub, Scratch, envelope, indicator, stix_id};
use serde_json::Value;

fn audit(hub: &Hub, admin: &str, query: &str) -> Vec<Value> {
    let reply = hub.get(&format!("{}/admin/audit/?{query}", hub.base), admin);
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn submissions_reads_and_deletions_are_recorded_for_administrators() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let member = hub.member("acme-power", "electricity", "member");
    let admin = hub.member("hub-admin", "government", "admin");
    let id = stix_id("indicator");
    let status = hub
        .post(
            "collections/cross-sector/objects/",
            &member,
            &envelope(&[indicator(&id, "2024-01-01T00:00:00.000Z", "198.51.100.1")]),
        )
        .json();
    assert_eq!(
        hub.get(
            "collections/cross-sector/objects/?match[type]=indicator",
            &member
        )
        .status,
        200
    );
    assert_eq!(
        hub.delete(&format!("collections/cross-sector/objects/{id}/"), &member)
            .status,
        200
    );

    let submit = audit(&hub, &admin, "organization=acme-power&action=submit");
    assert_eq!(submit.len(), 1, "{submit:?}");
    assert_eq!(submit[0]["collection"], "cross-sector");
    assert_eq!(submit[0]["detail"]["status"], status["id"]);
    assert_eq!(submit[0]["detail"]["accepted"], 1);
    let deleted = audit(&hub, &admin, "organization=acme-power&action=delete");
    assert_eq!(deleted[0]["stix_id"], id.as_str());
    assert_eq!(deleted[0]["detail"]["versions"], 1);

    // Reads are written in the background: wait for them.
    let deadline = Instant::now() + Duration::from_secs(10);
    let reads = loop {
        let reads = audit(&hub, &admin, "organization=acme-power&action=read");
        if !reads.is_empty() || Instant::now() > deadline {
            break reads;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["detail"]["endpoint"], "objects");
    assert_eq!(reads[0]["detail"]["query"], "match[type]=indicator");
    assert_eq!(reads[0]["detail"]["served"], 1);

    let refused = hub.get(&format!("{}/admin/audit/", hub.base), &member);
    assert_eq!(
        refused.status, 404,
        "members do not see the audit log exists"
    );

    // Reads still queued at shutdown are written before the hub exits.
    assert_eq!(
        hub.get("collections/cross-sector/manifest/", &member)
            .status,
        200
    );
    let database = scratch.0.join("kyoyu.db");
    assert!(hub.stop().success());
    let count = |sql: &str| {
        let output = Command::new("python3")
            .args(["-c", "import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1])\ntry:\n  print(con.execute(sys.argv[2]).fetchall()); con.commit()\nexcept Exception as e:\n  print('error', e)", database.to_str().expect("path"), sql])
            .output()
            .expect("python3");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_log WHERE action = 'read'"),
        "[(2,)]",
        "the queued read was flushed"
    );
    assert!(count("UPDATE audit_log SET organization = 'someone-else'").contains("append-only"));
    assert!(count("DELETE FROM audit_log").contains("append-only"));
}
