//! The hub checked by independent oracles written in Python: the OASIS TAXII 2.1
//! reference client (`taxii2-client`) drives every endpoint, and the OASIS STIX 2.1
//! validator (`stix2-validator`) checks everything the hub serves.
//!
//! Both need `$KYOYU_PYTHON` to be an interpreter with `tests/python/requirements.txt`
//! installed; without it they are skipped locally (and fail under `CI=true`).

use std::path::Path;
use std::process::{Command, Output};

use e2e::{Hub, Scratch, envelope, stix_id};
use serde_json::{Value, json};

const INTEROP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/python/taxii2_client_interop.py"
);
const VALIDATE_SERVED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/validate_served.py");

/// Runs `script` with `python` and panics, showing everything it printed, unless it
/// exits successfully.
fn run_oracle(python: &Path, script: &str, args: &[&str]) -> Output {
    let output = Command::new(python)
        .arg(script)
        .args(args)
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("run {} {script}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        output.status
    );
    println!("{stdout}");
    output
}

#[test]
fn taxii2_client_drives_every_endpoint() {
    let Some(python) = e2e::python() else { return };
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("interop-client", "electricity", "member");
    let collection = hub.collection_id(&token, "cross-sector");

    let output = run_oracle(&python, INTEROP, &[&hub.root, &token, &collection]);

    let stdout = String::from_utf8_lossy(&output.stdout);
    for step in [
        "discovery: ok",
        "api root: ok",
        "collections: ok",
        "add objects: ok",
        "get objects: ok",
        "get manifest: ok",
        "object versions: ok",
        "get object: ok",
        "delete object: ok",
        "all steps passed",
    ] {
        assert!(
            stdout.contains(step),
            "the interop script never reported {step:?}:\n{stdout}"
        );
    }
}

/// STIX 2.1 TLP 2.0 marking definitions (the FIRST TLP 2.0 extension).
fn tlp2(id: &str, level: &str) -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": id,
        "created": "2022-10-01T00:00:00.000Z",
        "name": format!("TLP:{}", level.to_ascii_uppercase()),
        "extensions": {
            "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                "extension_type": "property-extension",
                "tlp_2_0": level
            }
        }
    })
}

/// A corpus of valid STIX 2.1 objects of many types, cross-referenced. SCO ids are the
/// UUIDv5 of their ID contributing properties (STIX 2.1 section 2.9).
fn corpus() -> Vec<Value> {
    const CREATED: &str = "2024-05-01T09:00:00.000Z";
    const TLP_GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    const TLP_AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    const TLP1_GREEN: &str = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
    const IPV4: &str = "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4";
    const IPV4_DST: &str = "ipv4-addr--570130c0-7daf-5d1e-992f-58b53b447312";
    const DOMAIN: &str = "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7";
    const URL: &str = "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55";
    const FILE: &str = "file--741019a6-c339-5e5d-ad1e-6fa3dec47bb4";
    const EMAIL: &str = "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934";
    const AS: &str = "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff";
    const MUTEX: &str = "mutex--f93fe911-e545-5239-b9b0-597840d0c871";
    const SOFTWARE: &str = "software--710b0b41-d4d0-5d6c-a400-fc9254554ffc";
    const IPV6: &str = "ipv6-addr--fa3162f0-d397-51b7-bd26-a49b9a95552d";
    const MAC: &str = "mac-addr--757b1725-9903-54f5-a855-1240691d7659";
    const DIRECTORY: &str = "directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622";
    const USER: &str = "user-account--f94d689e-707d-58c3-b803-c720bb6ed096";
    const NETWORK_TRAFFIC: &str = "network-traffic--26078414-7463-5d95-abc2-31c2106877aa";

    let identity = stix_id("identity");
    let indicator = stix_id("indicator");
    let malware = stix_id("malware");
    let attack_pattern = stix_id("attack-pattern");
    let campaign = stix_id("campaign");
    let course_of_action = stix_id("course-of-action");
    let threat_actor = stix_id("threat-actor");
    let intrusion_set = stix_id("intrusion-set");
    let infrastructure = stix_id("infrastructure");
    let tool = stix_id("tool");
    let vulnerability = stix_id("vulnerability");
    let location = stix_id("location");
    let observed_data = stix_id("observed-data");
    let process = stix_id("process");
    let sdo = |type_name: &str, id: &str, extra: Value| -> Value {
        let mut object = json!({
            "type": type_name,
            "spec_version": "2.1",
            "id": id,
            "created": CREATED,
            "modified": CREATED,
            "created_by_ref": identity,
            "object_marking_refs": [TLP_GREEN],
        });
        let (Value::Object(object_map), Value::Object(extra)) = (&mut object, extra) else {
            panic!("objects are maps")
        };
        object_map.extend(extra);
        object
    };
    let relationship = |kind: &str, source: &str, target: &str| {
        sdo(
            "relationship",
            &stix_id("relationship"),
            json!({
                "relationship_type": kind,
                "source_ref": source,
                "target_ref": target,
            }),
        )
    };

    vec![
        tlp2(TLP_GREEN, "green"),
        tlp2(TLP_AMBER, "amber"),
        // The TLP 1.0 marking from the STIX 2.1 specification, section 7.2.1.4.
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": TLP1_GREEN,
            "created": "2017-01-20T00:00:00.000Z",
            "definition_type": "tlp",
            "name": "TLP:GREEN",
            "definition": {"tlp": "green"}
        }),
        json!({
            "type": "marking-definition",
            "spec_version": "2.1",
            "id": stix_id("marking-definition"),
            "created": CREATED,
            "created_by_ref": identity,
            "definition_type": "statement",
            "definition": {"statement": "Copyright 2024, Example Electric Co."}
        }),
        json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": identity,
            "created": CREATED,
            "modified": CREATED,
            "name": "Example Electric CSIRT",
            "description": "Incident response team of a power utility",
            "identity_class": "organization",
            "sectors": ["utilities"],
            "contact_information": "csirt@example.com"
        }),
        sdo(
            "indicator",
            &indicator,
            json!({
                "name": "Emotet C2 address",
                "description": "Command and control server seen in a phishing wave",
                "indicator_types": ["malicious-activity"],
                "pattern": "[ipv4-addr:value = '198.51.100.3'] OR [domain-name:value = 'example.com']",
                "pattern_type": "stix",
                "pattern_version": "2.1",
                "valid_from": "2024-05-01T09:00:00Z",
                "valid_until": "2025-05-01T09:00:00Z",
                "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "command-and-control"}],
                "confidence": 85,
                "labels": ["phishing"],
                "external_references": [{"source_name": "example-feed", "external_id": "EX-2024-0001", "url": "https://example.com/feeds/0001"}],
                "granular_markings": [{"marking_ref": TLP_AMBER, "selectors": ["description"]}]
            }),
        ),
        sdo(
            "malware",
            &malware,
            json!({
                "name": "Emotet",
                "description": "Modular banking trojan and loader",
                "malware_types": ["trojan", "remote-access-trojan"],
                "is_family": true,
                "aliases": ["Geodo"],
                "capabilities": ["communicates-with-c2", "exfiltrates-data"]
            }),
        ),
        // A later version of the malware.
        sdo(
            "malware",
            &malware,
            json!({
                "modified": "2024-06-01T10:30:00.123Z",
                "name": "Emotet",
                "description": "Modular banking trojan and loader (revised)",
                "malware_types": ["trojan", "remote-access-trojan"],
                "is_family": true,
                "aliases": ["Geodo", "Heodo"],
                "capabilities": ["communicates-with-c2", "exfiltrates-data"]
            }),
        ),
        sdo(
            "attack-pattern",
            &attack_pattern,
            json!({
                "name": "Spearphishing Attachment",
                "description": "Adversaries send emails with a malicious attachment",
                "external_references": [{"source_name": "capec", "external_id": "CAPEC-163"}]
            }),
        ),
        sdo(
            "campaign",
            &campaign,
            json!({
                "name": "Winter phishing wave",
                "description": "Phishing against utilities",
                "first_seen": "2024-01-15T00:00:00Z",
                "objective": "Initial access to OT-adjacent networks"
            }),
        ),
        sdo(
            "course-of-action",
            &course_of_action,
            json!({
                "name": "Block C2 address",
                "description": "Block 198.51.100.3 at the perimeter firewall"
            }),
        ),
        sdo(
            "threat-actor",
            &threat_actor,
            json!({
                "name": "Mummy Spider",
                "description": "Financially motivated group",
                "threat_actor_types": ["crime-syndicate"],
                "roles": ["agent"],
                "sophistication": "advanced",
                "resource_level": "organization",
                "primary_motivation": "personal-gain"
            }),
        ),
        sdo(
            "intrusion-set",
            &intrusion_set,
            json!({
                "name": "TA542",
                "description": "Operators of Emotet",
                "goals": ["financial gain"]
            }),
        ),
        sdo(
            "infrastructure",
            &infrastructure,
            json!({
                "name": "Emotet botnet tier 1",
                "description": "Compromised web servers relaying C2",
                "infrastructure_types": ["botnet", "command-and-control"]
            }),
        ),
        sdo(
            "tool",
            &tool,
            json!({
                "name": "PsExec",
                "description": "Remote execution tool",
                "tool_types": ["remote-access"]
            }),
        ),
        sdo(
            "vulnerability",
            &vulnerability,
            json!({
                "name": "CVE-2017-11882",
                "description": "Equation Editor memory corruption",
                "external_references": [{"source_name": "cve", "external_id": "CVE-2017-11882"}]
            }),
        ),
        sdo(
            "location",
            &location,
            json!({
                "name": "Japan",
                "description": "Targeted country",
                "region": "eastern-asia",
                "country": "JP"
            }),
        ),
        sdo(
            "grouping",
            &stix_id("grouping"),
            json!({
                "name": "Phishing wave artefacts",
                "description": "Objects under analysis",
                "context": "suspicious-activity",
                "object_refs": [indicator, malware, IPV4, DOMAIN]
            }),
        ),
        sdo(
            "incident",
            &stix_id("incident"),
            json!({
                "name": "Workstation infection at substation office",
                "description": "One host infected through a phishing attachment"
            }),
        ),
        sdo(
            "malware-analysis",
            &stix_id("malware-analysis"),
            json!({
                "product": "example-sandbox",
                "version": "3.2",
                "result": "malicious",
                "sample_ref": FILE,
                "analysis_sco_refs": [IPV4, DOMAIN]
            }),
        ),
        // Cyber-observable objects.
        json!({"type": "ipv4-addr", "spec_version": "2.1", "id": IPV4, "value": "198.51.100.3"}),
        json!({"type": "ipv4-addr", "spec_version": "2.1", "id": IPV4_DST, "value": "203.0.113.10"}),
        json!({"type": "ipv6-addr", "spec_version": "2.1", "id": IPV6, "value": "2001:db8::ff00:42:8329"}),
        json!({"type": "domain-name", "spec_version": "2.1", "id": DOMAIN, "value": "example.com", "resolves_to_refs": [IPV4]}),
        json!({"type": "url", "spec_version": "2.1", "id": URL, "value": "https://example.com/research/index.html"}),
        json!({
            "type": "file",
            "spec_version": "2.1",
            "id": FILE,
            "name": "foo.exe",
            "size": 25536,
            "hashes": {"SHA-256": "fe90a7e910cb3a4739bed9180e807e93fa70c90f25a8915476f5e4bfbac681db"}
        }),
        json!({"type": "email-addr", "spec_version": "2.1", "id": EMAIL, "value": "john@example.com", "display_name": "John Doe"}),
        json!({"type": "autonomous-system", "spec_version": "2.1", "id": AS, "number": 15139, "name": "Slime Industries", "rir": "ARIN"}),
        json!({"type": "mutex", "spec_version": "2.1", "id": MUTEX, "name": "__CLEANSWEEP__"}),
        json!({
            "type": "software",
            "spec_version": "2.1",
            "id": SOFTWARE,
            "name": "Word",
            "cpe": "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*",
            "version": "2002",
            "vendor": "Microsoft"
        }),
        json!({"type": "mac-addr", "spec_version": "2.1", "id": MAC, "value": "d2:fb:49:24:37:18"}),
        json!({"type": "directory", "spec_version": "2.1", "id": DIRECTORY, "path": "C:\\Windows\\System32"}),
        json!({
            "type": "user-account",
            "spec_version": "2.1",
            "id": USER,
            "user_id": "1001",
            "account_login": "jdoe",
            "account_type": "unix",
            "display_name": "John Doe"
        }),
        json!({
            "type": "network-traffic",
            "spec_version": "2.1",
            "id": NETWORK_TRAFFIC,
            "src_ref": IPV4,
            "dst_ref": IPV4_DST,
            "src_port": 49152,
            "dst_port": 443,
            "protocols": ["ipv4", "tcp", "tls"]
        }),
        json!({
            "type": "process",
            "spec_version": "2.1",
            "id": process,
            "pid": 1221,
            "command_line": "foo.exe -silent",
            "image_ref": FILE
        }),
        sdo(
            "observed-data",
            &observed_data,
            json!({
                "first_observed": "2024-05-01T08:00:00Z",
                "last_observed": "2024-05-01T08:30:00Z",
                "number_observed": 3,
                "object_refs": [IPV4, DOMAIN, NETWORK_TRAFFIC]
            }),
        ),
        sdo(
            "sighting",
            &stix_id("sighting"),
            json!({
                "description": "Seen from two substations",
                "first_seen": "2024-05-01T08:00:00Z",
                "last_seen": "2024-05-01T08:30:00Z",
                "count": 3,
                "sighting_of_ref": indicator,
                "observed_data_refs": [observed_data],
                "where_sighted_refs": [identity]
            }),
        ),
        relationship("indicates", &indicator, &malware),
        relationship("uses", &threat_actor, &malware),
        relationship("attributed-to", &intrusion_set, &threat_actor),
        relationship("uses", &malware, &attack_pattern),
        relationship("mitigates", &course_of_action, &attack_pattern),
        relationship("targets", &campaign, &location),
        relationship("exploits", &malware, &vulnerability),
        relationship("consists-of", &infrastructure, IPV4),
        sdo(
            "report",
            &stix_id("report"),
            json!({
                "name": "Emotet returns to utilities",
                "description": "Summary of the winter phishing wave",
                "report_types": ["campaign", "threat-actor"],
                "published": "2024-05-02T00:00:00Z",
                "object_refs": [indicator, malware, campaign, threat_actor, attack_pattern, observed_data]
            }),
        ),
        sdo(
            "note",
            &stix_id("note"),
            json!({
                "abstract": "Analyst comment",
                "content": "The C2 address also served a phishing kit in March.",
                "authors": ["A. Analyst"],
                "object_refs": [malware, indicator]
            }),
        ),
        sdo(
            "opinion",
            &stix_id("opinion"),
            json!({
                "explanation": "Confirmed in our own telemetry",
                "authors": ["B. Responder"],
                "opinion": "strongly-agree",
                "object_refs": [indicator]
            }),
        ),
        sdo(
            "language-content",
            &stix_id("language-content"),
            json!({
                "object_ref": campaign,
                "object_modified": CREATED,
                "contents": {"ja": {"name": "冬のフィッシング攻撃", "description": "電力分野を狙ったフィッシング"}}
            }),
        ),
    ]
}

#[test]
fn every_served_object_passes_the_oasis_validator() {
    let Some(python) = e2e::python() else { return };
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("validator-feed", "electricity", "member");
    let collection = hub.collection_id(&token, "cross-sector");

    let objects: Vec<String> = corpus().iter().map(Value::to_string).collect();
    let posted = hub.post(
        &format!("collections/{collection}/objects/"),
        &token,
        &envelope(&objects),
    );
    assert_eq!(posted.status, 202, "add objects: {}", posted.body);
    let status = posted.json();
    assert_eq!(status["status"], "complete", "status: {status:#}");
    assert_eq!(status["total_count"], objects.len(), "status: {status:#}");
    assert_eq!(
        status["failure_count"], 0,
        "the hub refused valid objects: {status:#}"
    );
    assert_eq!(status["success_count"], objects.len(), "status: {status:#}");

    // Versioned objects are served once, at their latest version.
    let served = objects.len() - 1;
    let min_count = served.to_string();
    let output = run_oracle(
        &python,
        VALIDATE_SERVED,
        &[&hub.root, &token, &collection, "--min-count", &min_count],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("validated {served} served objects")),
        "expected {served} objects validated:\n{stdout}"
    );
}
