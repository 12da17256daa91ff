//! Load harness: the console's queue at a million stored objects.
//!
//! ```text
//! cargo build --release -p kyoyu
//! KYOYU_BIN=target/release/kyoyu cargo bench -p e2e --bench console_queue
//! ```
//!
//! 1. Migrates a fresh SQLite database with `$KYOYU_BIN migrate`, registers one member
//!    per sector and an analyst, then writes `BENCH_OBJECTS` (default 1,000,000) object
//!    versions straight into `objects` with SQL (ingest speed is `ingest_sync`'s
//!    business): 15 producers, indicators with 1 % malware and 10 % sightings, five TLP
//!    levels, 1 % of objects confirmed by an analyst.
//! 2. Starts the hub on it (the background scorer off, so it does not compete), signs in
//!    as the analyst, and times page views of the queue: the first page, filtered pages,
//!    and a walk 20 pages deep with the "older" cursor; median and worst of 15 rounds.
//!
//! Any non-200 answer exits non-zero.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use e2e::{Hub, Scratch, kyoyu, kyoyu_bin};
use sqlx::{ConnectOptions, Connection};

fn main() -> ExitCode {
    let total: i64 = std::env::var("BENCH_OBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let scratch = Scratch::new();
    let url = scratch.database_url();
    let status = Command::new(kyoyu_bin())
        .args(["migrate", "--database-url", &url])
        .status()
        .expect("run kyoyu migrate");
    assert!(status.success(), "kyoyu migrate");
    let sectors = [
        "ict",
        "finance",
        "aviation",
        "airport",
        "railway",
        "electricity",
        "gas",
        "government",
        "healthcare",
        "water",
        "logistics",
        "chemical",
        "credit-card",
        "petroleum",
        "port",
    ];
    for sector in sectors {
        kyoyu(
            &url,
            &[
                "org",
                "add",
                "--slug",
                &format!("m-{sector}"),
                "--name",
                sector,
                "--sector",
                sector,
            ],
        );
    }
    kyoyu(
        &url,
        &[
            "org",
            "add",
            "--slug",
            "nco",
            "--name",
            "nco",
            "--sector",
            "government",
            "--role",
            "analyst",
        ],
    );
    let started = Instant::now();
    fill(&url, total);
    println!(
        "wrote {total} objects in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    std::fs::write(scratch.0.join("kyoyu.toml"), "[scoring]\nenabled = false\n").expect("config");
    let config = scratch.0.join("kyoyu.toml");
    let hub = Hub::start_with(&scratch, &["--config", config.to_str().expect("utf-8")]);
    let token = hub.token("nco", None);
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(120))
        .build();
    let cookie = sign_in(&agent, &hub.base, &token);
    let get = |path: &str| -> (Duration, String) {
        let begun = Instant::now();
        let response = agent
            .get(&format!("{}{path}", hub.base))
            .set("Cookie", &cookie)
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let body = response.into_string().expect("body");
        (begun.elapsed(), body)
    };
    let scenarios = [
        ("first page", "/console/queue/"),
        ("sector=electricity", "/console/queue/?sector=electricity"),
        ("ceptoar=electricity", "/console/queue/?ceptoar=electricity"),
        ("type=malware (1 %)", "/console/queue/?type=malware"),
        ("tlp=red", "/console/queue/?tlp=red"),
        ("state=confirmed (1 %)", "/console/queue/?state=confirmed"),
        ("state=new", "/console/queue/?state=new"),
        (
            "type=malware&sector=gas",
            "/console/queue/?type=malware&sector=gas",
        ),
        (
            "min_correlations=1 (none match)",
            "/console/queue/?min_correlations=1",
        ),
    ];
    println!(
        "{:<34} {:>10} {:>10}",
        "queue page (50 rows)", "median ms", "worst ms"
    );
    for (name, path) in scenarios {
        let mut times: Vec<Duration> = (0..15).map(|_| get(path).0).collect();
        times.sort();
        println!(
            "{name:<34} {:>10.1} {:>10.1}",
            times[times.len() / 2].as_secs_f64() * 1000.0,
            times[times.len() - 1].as_secs_f64() * 1000.0
        );
    }
    // 20 pages deep, following the "older" link.
    let mut path = "/console/queue/?type=indicator".to_owned();
    let begun = Instant::now();
    for _ in 0..20 {
        let (_, body) = get(&path);
        let Some(at) = body.find("id=\"older\"") else {
            eprintln!("no older page");
            return ExitCode::FAILURE;
        };
        let from = body[..at].rfind("href=\"?").expect("href") + "href=\"".len();
        let href = body[from..].split('"').next().expect("href");
        path = format!("/console/queue/{}", href.replace("&amp;", "&"));
    }
    println!(
        "{:<34} {:>10.1}",
        "20 pages deep (per page)",
        begun.elapsed().as_secs_f64() * 1000.0 / 20.0
    );
    if std::env::var("KYOYU_BENCH_KEEP").is_ok_and(|v| v == "1") {
        println!("kept {}", scratch.0.display());
        drop(hub);
        std::mem::forget(scratch);
    }
    ExitCode::SUCCESS
}

fn sign_in(agent: &ureq::Agent, base: &str, token: &str) -> String {
    let page = agent
        .get(&format!("{base}/console/sign-in/"))
        .call()
        .expect("sign-in page");
    let pre = page
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("cookie")
        .to_owned();
    let body = page.into_string().expect("body");
    let marker = r#"name="csrf" value=""#;
    let at = body.find(marker).expect("csrf") + marker.len();
    let csrf = body[at..].split('"').next().expect("csrf").to_owned();
    let signed = agent
        .post(&format!("{base}/console/sign-in/"))
        .set("Cookie", &pre)
        .send_form(&[("csrf", &csrf), ("client_id", ""), ("secret", token)])
        .expect("sign in");
    assert_eq!(signed.status(), 303);
    signed
        .all("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("kyoyu_session="))
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_owned()
}

/// Writes `total` object versions with SQL, in transactions of 100,000.
fn fill(url: &str, total: i64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut connection = url
            .parse::<sqlx::sqlite::SqliteConnectOptions>()
            .expect("url")
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .connect()
            .await
            .expect("connect");
        sqlx::query(
            "CREATE TEMP TABLE producers AS SELECT ROW_NUMBER() OVER (ORDER BY g.pk) - 1 AS k, \
             g.pk AS producer_pk, c.pk AS collection_pk FROM organizations g \
             JOIN collections c ON c.sector_slug = g.sector_slug WHERE g.role = 'member'",
        )
        .execute(&mut connection)
        .await
        .expect("producers");
        let base: i64 = 1_767_225_600_000_000; // 2026-01-01
        let chunk = 100_000;
        let mut start = 1;
        while start <= total {
            let end = (start + chunk - 1).min(total);
            let mut tx = connection.begin().await.expect("begin");
            sqlx::query(
                "WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2), \
                 rows AS (SELECT i, CASE WHEN i % 97 = 0 THEN 'malware' WHEN i % 10 = 0 THEN 'sighting' \
                   ELSE 'indicator' END AS t, \
                   CASE i % 20 WHEN 0 THEN 'red' WHEN 1 THEN 'clear' WHEN 2 THEN 'amber-strict' \
                   WHEN 3 THEN 'amber' WHEN 4 THEN 'amber' ELSE 'green' END AS tlp FROM n) \
                 INSERT INTO objects (collection_pk, stix_id, stix_type, spec_version, version, \
                   version_key, date_added, is_latest, producer_pk, tlp, body) \
                 SELECT p.collection_pk, r.t || '--' || printf('%08d-0000-4000-8000-000000000000', r.i), \
                   r.t, '2.1', '2026-01-01T00:00:00.000Z', '20260101000000000000', ?3 + r.i * 1000, 1, \
                   p.producer_pk, r.tlp, json_object('type', r.t, 'spec_version', '2.1', \
                   'id', r.t || '--' || printf('%08d-0000-4000-8000-000000000000', r.i), \
                   'created', '2026-01-01T00:00:00.000Z', 'modified', '2026-01-01T00:00:00.000Z', \
                   'name', 'bench object ' || r.i, 'pattern', '[ipv4-addr:value = ''10.0.0.1'']', \
                   'pattern_type', 'stix', 'valid_from', '2026-01-01T00:00:00Z') \
                 FROM rows r JOIN producers p ON p.k = r.i % 15",
            )
            .bind(start)
            .bind(end)
            .bind(base)
            .execute(&mut *tx)
            .await
            .expect("insert objects");
            sqlx::query(
                "INSERT INTO console_triage_state (stix_id, state, updated_at) \
                 SELECT stix_id, 'confirmed', date_added FROM objects \
                 WHERE seq BETWEEN ?1 AND ?2 AND seq % 100 = 7",
            )
            .bind(start)
            .bind(end)
            .execute(&mut *tx)
            .await
            .expect("triage state");
            tx.commit().await.expect("commit");
            start = end + 1;
        }
        connection.close().await.expect("close");
    });
}
