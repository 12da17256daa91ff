//! The fixed command-line interface, TLS, environment fallbacks and graceful shutdown.

use std::process::Command;

use e2e::{Hub, Scratch, kyoyu, kyoyu_bin};

#[test]
fn org_add_accepts_sector_and_ceptoar_slugs_and_names_unknown_ones() {
    let scratch = Scratch::new();
    let url = scratch.database_url();
    let bank: serde_json::Value = serde_json::from_str(&kyoyu(
        &url,
        &[
            "org",
            "add",
            "--slug",
            "acme-bank",
            "--name",
            "ACME Bank",
            "--sector",
            "finance-banking",
        ],
    ))
    .expect("json");
    assert_eq!(
        (bank["sector"].as_str(), bank["ceptoar"].as_str()),
        (Some("finance"), Some("finance-banking"))
    );
    let port: serde_json::Value = serde_json::from_str(&kyoyu(
        &url,
        &[
            "org",
            "add",
            "--slug",
            "acme-port",
            "--name",
            "ACME Port",
            "--sector",
            "port",
        ],
    ))
    .expect("json");
    assert_eq!(
        (port["sector"].as_str(), port["ceptoar"].as_str()),
        (Some("port"), Some("port"))
    );
    let nco: serde_json::Value = serde_json::from_str(&kyoyu(
        &url,
        &[
            "org",
            "add",
            "--slug",
            "nco",
            "--name",
            "NCO",
            "--sector",
            "government",
            "--role",
            "analyst",
        ],
    ))
    .expect("json");
    assert_eq!(nco["role"], "analyst");

    let output = Command::new(kyoyu_bin())
        .args([
            "org",
            "add",
            "--slug",
            "x",
            "--name",
            "X",
            "--sector",
            "spaceflight",
            "--database-url",
            &url,
        ])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown sector 'spaceflight'") && stderr.contains("electricity"),
        "{stderr}"
    );
    let duplicate = Command::new(kyoyu_bin())
        .args([
            "org",
            "add",
            "--slug",
            "nco",
            "--name",
            "NCO",
            "--sector",
            "government",
            "--database-url",
            &url,
        ])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
}

#[test]
fn tokens_carry_a_role_the_organisation_may_hold_and_work_without_a_restart() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    // Created while the hub runs: usable at once.
    let member = hub.member("acme-power", "electricity", "member");
    assert_eq!(hub.get("collections/", &member).status, 200);
    let refused = Command::new(kyoyu_bin())
        .args([
            "token",
            "issue",
            "--org",
            "acme-power",
            "--role",
            "analyst",
            "--database-url",
            &hub.database_url,
        ])
        .output()
        .expect("run");
    assert!(
        !refused.status.success(),
        "a member cannot hold an analyst token"
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("cannot hold a token with role 'analyst'"),
        "{stderr}"
    );
    let siem = kyoyu(
        &hub.database_url,
        &[
            "token",
            "issue",
            "--org",
            "acme-power",
            "--role",
            "siem",
            "--ttl",
            "12h",
        ],
    );
    assert_eq!(
        hub.get("collections/", &siem).json()["collections"][0]["can_write"],
        false,
        "siem clients read only"
    );
    let unknown = Command::new(kyoyu_bin())
        .args([
            "token",
            "issue",
            "--org",
            "nobody",
            "--database-url",
            &hub.database_url,
        ])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no organisation 'nobody'"));
}

#[test]
fn flags_fall_back_to_kyoyu_environment_variables() {
    let scratch = Scratch::new();
    let url = scratch.database_url();
    let output = Command::new(kyoyu_bin())
        .args(["migrate"])
        .env("KYOYU_DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        scratch.0.join("kyoyu.db").exists(),
        "the database named by KYOYU_DATABASE_URL was created"
    );
    let token_output = Command::new(kyoyu_bin())
        .args([
            "org", "add", "--slug", "env-org", "--name", "Env", "--sector", "water",
        ])
        .env("KYOYU_DATABASE_URL", &url)
        .output()
        .expect("run");
    assert!(
        token_output.status.success(),
        "{}",
        String::from_utf8_lossy(&token_output.stderr)
    );
    assert!(kyoyu(&url, &["token", "issue", "--org", "env-org"]).starts_with("eyJ"));
}

#[test]
fn demo_mode_prints_working_tokens_and_a_curl_line() {
    let scratch = Scratch::new();
    let hub = Hub::start_with(&scratch, &["--demo"]);
    let line_for = |slug: &str| {
        hub.stdout
            .iter()
            .find(|l| l.split_whitespace().next() == Some(slug))
            .cloned()
    };
    let analyst = line_for("nco").expect("the analyst is printed");
    assert_eq!(analyst.split_whitespace().nth(1), Some("analyst"));
    let token = analyst.split_whitespace().nth(2).expect("token").to_owned();
    for sector in ["electricity", "finance", "port", "airport", "water"] {
        assert!(
            line_for(&format!("demo-{sector}")).is_some(),
            "a demo member for {sector}"
        );
    }
    assert!(
        hub.stdout
            .iter()
            .any(|l| l.trim_start().starts_with("curl ")),
        "a ready curl line"
    );
    let objects = hub.get("collections/cross-sector/objects/", &token).json();
    assert_eq!(
        objects["objects"].as_array().map(Vec::len),
        Some(8),
        "the sample bundle (5 objects) and the demo activity in cross-sector (3) are loaded"
    );
    // The demo activity gives the leaderboard something to show: the first reporter
    // leads, the independent finder earns a share, the re-poster nothing.
    let board = hub
        .get(&format!("{}/scores/leaderboard/", hub.base), &token)
        .json();
    let total_of = |slug: &str| {
        board["standings"]
            .as_array()
            .and_then(|all| all.iter().find(|s| s["organization"] == slug))
            .and_then(|s| s["total"].as_f64())
            .unwrap_or_else(|| panic!("{slug} on the leaderboard: {board}"))
    };
    assert_eq!(board["standings"][0]["organization"], "demo-electricity");
    assert_eq!(total_of("demo-gas"), 30.0);
    assert_eq!(total_of("demo-railway"), 0.0);
}

#[test]
fn https_serves_tls_12_and_13_only() {
    if Command::new("openssl").arg("version").output().is_err()
        || Command::new("curl").arg("--version").output().is_err()
    {
        assert!(
            std::env::var("CI").is_err(),
            "openssl and curl are installed by the test command"
        );
        eprintln!("skipping: openssl or curl missing");
        return;
    }
    let scratch = Scratch::new();
    let cert = scratch.0.join("cert.pem");
    let key = scratch.0.join("key.pem");
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let hub = Hub::start_with(
        &scratch,
        &[
            "--tls-cert",
            cert.to_str().expect("path"),
            "--tls-key",
            key.to_str().expect("path"),
        ],
    );
    assert!(hub.root.starts_with("https://"), "{}", hub.root);
    let token = hub.member("acme-power", "electricity", "member");
    let curl = |extra: &[&str]| {
        Command::new("curl")
            .args([
                "-sS",
                "--cacert",
                cert.to_str().expect("path"),
                "-H",
                &format!("Authorization: Bearer {token}"),
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
            ])
            .args(extra)
            .arg(format!("{}collections/", hub.root))
            .output()
            .expect("curl")
    };
    for version in [
        ["--tlsv1.2", "--tls-max", "1.2"],
        ["--tlsv1.3", "--tls-max", "1.3"],
    ] {
        let output = curl(&version);
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "200",
            "{version:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let old = curl(&["--tlsv1.1", "--tls-max", "1.1"]);
    assert_ne!(
        String::from_utf8_lossy(&old.stdout),
        "200",
        "TLS 1.1 is refused"
    );
    assert!(hub.stop().success());
}

#[test]
fn registering_organisations_while_members_post_loses_nothing() {
    let scratch = Scratch::new();
    let hub = Hub::start(&scratch);
    let token = hub.member("acme-power", "electricity", "member");
    let database_url = hub.database_url.clone();
    let registrar = std::thread::spawn(move || {
        for i in 0..15 {
            kyoyu(
                &database_url,
                &[
                    "org",
                    "add",
                    "--slug",
                    &format!("late-{i}"),
                    "--name",
                    "Late",
                    "--sector",
                    "gas",
                ],
            );
        }
    });
    let mut posted = 0;
    for round in 0..30 {
        let objects: Vec<String> = (0..50)
            .map(|i| {
                e2e::indicator(
                    &e2e::stix_id("indicator"),
                    "2024-01-01T00:00:00.000Z",
                    &format!("10.9.{round}.{i}"),
                )
            })
            .collect();
        let reply = hub.post(
            "collections/cross-sector/objects/",
            &token,
            &e2e::envelope(&objects),
        );
        assert_eq!(reply.status, 202, "round {round}: {}", reply.body);
        assert_eq!(reply.json()["success_count"], 50);
        posted += 50;
    }
    registrar.join().expect("registrar");
    let manifest = hub
        .get("collections/cross-sector/manifest/?limit=10000", &token)
        .json();
    assert_eq!(manifest["objects"].as_array().map(Vec::len), Some(posted));
    assert!(hub.token("late-14", None).starts_with("eyJ"));
}
