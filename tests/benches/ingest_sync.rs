//! Load harness: bulk ingest and full sync through the real hub, against SQLite alone.
//!
//! ```text
//! cargo build --release -p kyoyu
//! KYOYU_BIN=target/release/kyoyu cargo bench -p e2e --bench ingest_sync
//! ```
//!
//! 1. Starts `$KYOYU_BIN` on a fresh SQLite database, pinned with `taskset -c 0` when
//!    `taskset` exists (`KYOYU_BENCH_PIN=<cpu list>` picks other CPUs, `off` disables;
//!    the client then runs on the other CPUs).
//! 2. POSTs `BENCH_OBJECTS` (default 100,000) indicators of ~600 bytes each in envelopes
//!    of 1,000, one request at a time, and checks every status accepted all 1,000.
//! 3. Pages everything back with `limit=1000` following `next`, and checks every id comes
//!    back once with the exact text that was sent.
//! 4. Reads the hub's VmRSS and VmHWM at start, 10 % and 100 % of ingest and after sync.
//! 5. Baselines on the same core: SQLite alone (sqlx, same schema, WAL, synchronous=NORMAL)
//!    inserting the same rows 1,000 per transaction, and a keyset scan of them.
//!
//! Any correctness failure exits non-zero. `KYOYU_BENCH_KEEP=1` keeps the hub's database
//! for inspection (its path is printed); `BENCH_SQLITE_PLACEHOLDERS=numbered` makes the
//! SQLite baseline bind `$1, $2, ...` like the hub instead of `?`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::process::{Command, ExitCode};
use std::str::FromStr;
use std::time::{Duration, Instant};

use e2e::{Hub, Scratch, envelope};
use serde_json::value::RawValue;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, Row};
use time::macros::format_description;

const ENVELOPE_SIZE: usize = 1_000;
const PAGE_SIZE: usize = 1_000;
/// Rows per multi-row INSERT, as the hub does.
const ROWS_PER_INSERT: usize = 100;
const COLLECTION: &str = "collections/cross-sector/objects/";
const MIGRATION: &str = include_str!("../../migrations/sqlite/0001_hub.sql");

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\ningest_sync FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

/// One generated indicator, with the columns the hub would store for it.
struct Generated {
    id: String,
    modified: String,
    version_key: String,
    json: String,
}

/// Memory of the hub at one moment, in KiB.
#[derive(Clone, Copy)]
struct Memory {
    rss: u64,
    hwm: u64,
}

struct Measured {
    seconds: f64,
    rows: usize,
}

impl Measured {
    fn rate(&self) -> f64 {
        self.rows as f64 / self.seconds
    }
}

/// What the hub runs did, beyond throughput.
struct HubRun {
    ingest: Measured,
    /// After ingest: how long the contribution ledger took to catch up (scoring on).
    ledger_catch_up: Option<f64>,
    ingest_http: f64,
    ingest_cpu: f64,
    /// Objects in the first tenth of the envelopes.
    tenth_rows: usize,
    first_tenth_rate: f64,
    last_tenth_rate: f64,
    post_latency: Latencies,
    sync: Measured,
    sync_http: f64,
    sync_cpu: f64,
    get_latency: Latencies,
    sync_bytes: usize,
    pages: usize,
    at_start: Memory,
    at_tenth: Memory,
    at_full: Memory,
    after_sync: Memory,
    /// Open database connections at the same four moments.
    connections: [usize; 4],
}

struct Latencies {
    p50: Duration,
    p99: Duration,
    max: Duration,
}

impl Latencies {
    fn of(mut samples: Vec<Duration>) -> Latencies {
        samples.sort();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        Latencies {
            p50: at(0.5),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

fn run() -> Result<()> {
    let count: usize = match std::env::var("BENCH_OBJECTS") {
        Ok(text) => text
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|e| format!("BENCH_OBJECTS={text:?}: {e}"))?,
        Err(_) => 100_000,
    };
    if count == 0 {
        return Err("BENCH_OBJECTS must be at least 1".into());
    }
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let pin = hub_pin(cpus);
    // Cargo runs benches in the package directory; a relative KYOYU_BIN, as documented,
    // is relative to the workspace root.
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if !e2e::kyoyu_bin().exists() && workspace.join(e2e::kyoyu_bin()).exists() {
        std::env::set_current_dir(&workspace)
            .map_err(|e| format!("cd {}: {e}", workspace.display()))?;
    }
    let bin = e2e::kyoyu_bin();
    if !bin.exists() {
        return Err(format!(
            "no hub binary at {} (cargo build --release -p kyoyu, then set KYOYU_BIN=target/release/kyoyu)",
            bin.display()
        ));
    }

    eprintln!("generating {count} indicators ...");
    let objects = generate(count)?;
    let envelopes: Vec<String> = objects
        .chunks(ENVELOPE_SIZE)
        .map(|chunk| {
            let texts: Vec<String> = chunk.iter().map(|o| o.json.clone()).collect();
            envelope(&texts)
        })
        .collect();
    let json_bytes: usize = objects.iter().map(|o| o.json.len()).sum();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();

    // Scoring yields to ingest; the same ingest with scoring off shows what it costs.
    // Runs alternate off, on, on, off (BENCH_SCORING_ROUNDS pairs, default 2) so drift
    // in the machine's load falls on both sides; the details below are the first run
    // with scoring on.
    let rounds: usize = std::env::var("BENCH_SCORING_ROUNDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(2)
        .max(1);
    let mut runs: Vec<(bool, HubRun)> = Vec::new();
    for round in 0..rounds {
        for scoring in if round % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        } {
            eprintln!(
                "round {}/{rounds}: hub with scoring {} ...",
                round + 1,
                if scoring { "on" } else { "off" }
            );
            runs.push((
                scoring,
                run_hub(&objects, &envelopes, pin.as_ref(), scoring)?,
            ));
        }
    }
    let ingest_of = |wanted: bool| Measured {
        seconds: runs
            .iter()
            .filter(|(scoring, _)| *scoring == wanted)
            .map(|(_, run)| run.ingest.seconds)
            .sum(),
        rows: runs
            .iter()
            .filter(|(scoring, _)| *scoring == wanted)
            .map(|(_, run)| run.ingest.rows)
            .sum(),
    };
    let (ingest_off, ingest_on) = (ingest_of(false), ingest_of(true));
    let hub_run = runs
        .iter()
        .position(|(scoring, _)| *scoring)
        .map(|i| runs.swap_remove(i).1)
        .ok_or("no run with scoring on")?;

    // Baselines on the hub's CPUs, now idle, so the ratios compare like with like.
    if let Some((hub_cpus, _)) = &pin {
        pin_self(hub_cpus);
    }
    eprintln!("baseline: SQLite alone ...");
    let (insert, scan) = sqlite_baseline(&objects)?;

    let mut out = String::new();
    let _ = writeln!(out);
    let _ = writeln!(out, "== kyoyu ingest / full-sync benchmark ==");
    let _ = writeln!(
        out,
        "objects        {count} indicators, {:.0} B JSON each on average, {} envelopes of <= {ENVELOPE_SIZE}, page limit {PAGE_SIZE}",
        json_bytes as f64 / count as f64,
        envelopes.len(),
    );
    let _ = writeln!(out, "hub            {}", bin.display());
    let _ = writeln!(
        out,
        "cpus           {cpus}; {}; loadavg at start {}",
        match &pin {
            Some((hub_cpus, client)) => format!(
                "hub pinned to CPU {hub_cpus} (taskset), client on {}, baselines on CPU {hub_cpus}",
                client.as_deref().unwrap_or("any CPU")
            ),
            None => "not pinned".to_owned(),
        },
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<44} {:>9} {:>9} {:>12} {:>10}",
        "throughput", "rows", "seconds", "rows/s", "hub/SQLite"
    );
    let line = |out: &mut String, name: &str, m: &Measured, ratio: Option<f64>| {
        let _ = writeln!(
            out,
            "{name:<44} {:>9} {:>9.3} {:>12} {:>10}",
            m.rows,
            m.seconds,
            thousands(m.rate()),
            ratio.map_or_else(String::new, |r| format!("{:.1} %", r * 100.0)),
        );
    };
    let h = &hub_run;
    line(
        &mut out,
        "hub ingest (POST, 1 client, sequential)",
        &h.ingest,
        Some(h.ingest.rate() / insert.rate()),
    );
    let off = &ingest_off;
    line(
        &mut out,
        &format!("hub ingest, {rounds} runs with scoring off"),
        off,
        Some(off.rate() / insert.rate()),
    );
    line(
        &mut out,
        &format!("hub ingest, {rounds} runs with scoring on"),
        &ingest_on,
        Some(ingest_on.rate() / insert.rate()),
    );
    line(
        &mut out,
        "SQLite insert (1,000 rows/tx, 100/INSERT)",
        &insert,
        None,
    );
    line(
        &mut out,
        "hub full sync (GET limit=1000 + next)",
        &h.sync,
        Some(h.sync.rate() / scan.rate()),
    );
    line(&mut out, "SQLite keyset scan (LIMIT 1000)", &scan, None);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "scoring        ingest with scoring on / off: {:.1} % ({rounds} runs each); the background scorer finished {:.3} s after the last POST",
        ingest_on.rate() / off.rate() * 100.0,
        h.ledger_catch_up.unwrap_or_default(),
    );
    let _ = writeln!(
        out,
        "ingest detail  first 10 %: {} obj/s, last 10 %: {} obj/s; POST p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        thousands(h.first_tenth_rate),
        thousands(h.last_tenth_rate),
        ms(h.post_latency.p50),
        ms(h.post_latency.p99),
        ms(h.post_latency.max),
    );
    let _ = writeln!(
        out,
        "               in HTTP round trips {:.3} s of {:.3} s; hub CPU {:.3} s ({:.0} % of wall)",
        h.ingest_http,
        h.ingest.seconds,
        h.ingest_cpu,
        100.0 * h.ingest_cpu / h.ingest.seconds,
    );
    let _ = writeln!(
        out,
        "sync detail    {} pages, {:.1} MB of envelopes; GET p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        h.pages,
        h.sync_bytes as f64 / 1e6,
        ms(h.get_latency.p50),
        ms(h.get_latency.p99),
        ms(h.get_latency.max),
    );
    let _ = writeln!(
        out,
        "               in HTTP round trips {:.3} s of {:.3} s; hub CPU {:.3} s ({:.0} % of wall)",
        h.sync_http,
        h.sync.seconds,
        h.sync_cpu,
        100.0 * h.sync_cpu / h.sync.seconds,
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<44} {:>12} {:>14} {:>14}",
        "hub memory", "VmRSS MiB", "VmHWM MiB", "DB connections"
    );
    let moments = [
        ("after start (0 objects)".to_owned(), h.at_start),
        (
            format!("after 10 % of ingest ({} objects)", h.tenth_rows),
            h.at_tenth,
        ),
        (
            format!("after 100 % of ingest ({count} objects)"),
            h.at_full,
        ),
        ("after full sync".to_owned(), h.after_sync),
    ];
    for ((name, memory), connections) in moments.iter().zip(h.connections) {
        let _ = writeln!(
            out,
            "{name:<44} {:>12.1} {:>14.1} {connections:>14}",
            mib(memory.rss),
            mib(memory.hwm)
        );
    }
    let _ = writeln!(
        out,
        "RSS growth from 10 % to 100 % of ingest: {:+.1} MiB for {} more objects",
        mib(h.at_full.rss) - mib(h.at_tenth.rss),
        count - h.tenth_rows,
    );
    println!("{out}");
    println!("ingest_sync: all correctness checks passed");
    Ok(())
}

/// CPUs for the hub and the client, from `KYOYU_BENCH_PIN` or `0` when `taskset` exists.
fn hub_pin(cpus: usize) -> Option<(String, Option<String>)> {
    let hub = match std::env::var("KYOYU_BENCH_PIN") {
        Ok(value) if matches!(value.trim(), "" | "off" | "none") => return None,
        Ok(value) => value.trim().to_owned(),
        Err(_) => "0".to_owned(),
    };
    let has_taskset = Command::new("taskset")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_taskset {
        eprintln!("taskset not found: the hub runs unpinned");
        return None;
    }
    // The client gets the other CPUs when the hub holds exactly one.
    let client = match hub.parse::<usize>() {
        Ok(cpu) if cpus > 1 && cpu < cpus => {
            let others: Vec<String> = (0..cpus)
                .filter(|c| *c != cpu)
                .map(|c| c.to_string())
                .collect();
            Some(others.join(","))
        }
        _ => None,
    };
    Some((hub, client))
}

/// Pins every thread of this process to `cpus`.
fn pin_self(cpus: &str) {
    let pid = std::process::id().to_string();
    let ok = Command::new("taskset")
        .args(["-a", "-p", "-c", cpus, &pid])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("could not pin the benchmark process to CPU {cpus}");
    }
}

fn generate(count: usize) -> Result<Vec<Generated>> {
    let base = time::macros::datetime!(2024-05-01 08:00:00 UTC);
    let stamp =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    let producer = "identity--7b0a0a1e-3b7c-4d35-9a4e-0c2f1f2b9d11";
    let tlp_green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
    let first_ip = u32::from(Ipv4Addr::new(45, 0, 0, 0));
    let mut objects = Vec::with_capacity(count);
    for i in 0..count {
        let index = u32::try_from(i).map_err(|_| "too many objects".to_owned())?;
        let ip = Ipv4Addr::from(
            first_ip
                .checked_add(index)
                .ok_or("too many objects for unique IPs")?,
        );
        let id = format!("indicator--{}", uuid::Uuid::new_v4());
        let at = base + time::Duration::milliseconds(i64::from(index));
        let modified = at.format(&stamp).map_err(|e| e.to_string())?;
        // The hub's sortable version key (see the server's `Instant::version_key`).
        let version_key = format!(
            "{:012}.{:09}",
            at.unix_timestamp() + 100_000_000_000,
            at.nanosecond()
        );
        let json = format!(
            concat!(
                r#"{{"type":"indicator","spec_version":"2.1","id":"{id}","created_by_ref":"{producer}","#,
                r#""created":"2024-05-01T08:00:00.000Z","modified":"{modified}","name":"C2 server {ip}","#,
                r#""indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '{ip}']","#,
                r#""pattern_type":"stix","valid_from":"2024-05-01T08:00:00Z","#,
                r#""kill_chain_phases":[{{"kill_chain_name":"mitre-attack","phase_name":"command-and-control"}}],"#,
                r#""confidence":80,"object_marking_refs":["{tlp}"]}}"#
            ),
            id = id,
            producer = producer,
            modified = modified,
            ip = ip,
            tlp = tlp_green,
        );
        objects.push(Generated {
            id,
            modified,
            version_key,
            json,
        });
    }
    Ok(objects)
}

/// VmRSS and VmHWM of `pid`, from /proc/<pid>/status.
fn memory(pid: u32) -> Result<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("read /proc/{pid}/status: {e}"))?;
    let field = |name: &str| -> Result<u64> {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok(Memory {
        rss: field("VmRSS:")?,
        hwm: field("VmHWM:")?,
    })
}

/// How many database connections the hub holds: its open descriptors of the main
/// database file (one per pooled SQLite connection).
fn connections(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| {
            entries
                .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
                .filter(|target| target.extension().is_some_and(|e| e == "db"))
                .count()
        })
        .unwrap_or(0)
}

/// User + system CPU seconds the process has used.
fn cpu_seconds(pid: u32) -> Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("read /proc/{pid}/stat: {e}"))?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("malformed /proc/<pid>/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64> {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or_else(|| "malformed /proc/<pid>/stat".to_owned())
    };
    Ok((ticks(11)? + ticks(12)?) / clock_ticks())
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100.0)
}

fn run_hub(
    objects: &[Generated],
    envelopes: &[String],
    pin: Option<&(String, Option<String>)>,
    scoring: bool,
) -> Result<HubRun> {
    let scratch = Scratch::new();
    let scoring_env = format!("KYOYU_SCORING__ENABLED={scoring}");
    let hub = match pin {
        Some((cpus, _)) => {
            Hub::start_prefixed(&scratch, &["env", &scoring_env, "taskset", "-c", cpus], &[])
        }
        None => Hub::start_prefixed(&scratch, &["env", &scoring_env], &[]),
    };
    if let Some((_, Some(client))) = pin {
        pin_self(client);
    }
    let pid = hub.pid();
    let token = hub.member("bench-power", "electricity", "member");
    let at_start = memory(pid)?;
    let at_start_connections = connections(pid);

    // Ingest.
    eprintln!(
        "ingest: {} objects in {} envelopes ...",
        objects.len(),
        envelopes.len()
    );
    let tenth = envelopes.len().div_ceil(10);
    let mut at_tenth = None;
    let mut at_tenth_connections = 0;
    let mut latencies = Vec::with_capacity(envelopes.len());
    let mut tenth_times = (Duration::ZERO, Duration::ZERO);
    let cpu_before = cpu_seconds(pid)?;
    let started = Instant::now();
    for (index, (body, chunk)) in envelopes
        .iter()
        .zip(objects.chunks(ENVELOPE_SIZE))
        .enumerate()
    {
        let sent = Instant::now();
        let reply = hub.post(COLLECTION, &token, body);
        let took = sent.elapsed();
        latencies.push(took);
        if reply.status != 202 {
            return Err(format!(
                "envelope {index}: POST answered {} (wanted 202): {}",
                reply.status,
                truncate(&reply.body)
            ));
        }
        let status: BTreeMap<String, &RawValue> = serde_json::from_str(&reply.body)
            .map_err(|e| format!("envelope {index}: status is not JSON: {e}"))?;
        let number = |name: &str| status.get(name).map(|v| v.get().to_owned());
        let want = chunk.len().to_string();
        if number("success_count").as_deref() != Some(&want)
            || number("failure_count").as_deref() != Some("0")
        {
            return Err(format!(
                "envelope {index}: success_count {:?} and failure_count {:?}, wanted {want} and 0: {}",
                number("success_count"),
                number("failure_count"),
                truncate(&reply.body)
            ));
        }
        if index < tenth {
            tenth_times.0 += took;
        }
        if index >= envelopes.len() - tenth {
            tenth_times.1 += took;
        }
        if index + 1 == tenth {
            at_tenth = Some(memory(pid)?);
            at_tenth_connections = connections(pid);
        }
    }
    let ingest_seconds = started.elapsed().as_secs_f64();
    let ingest_cpu = cpu_seconds(pid)? - cpu_before;
    let at_full = memory(pid)?;
    let at_full_connections = connections(pid);
    // The background scorer catches up once ingest is quiet; wait for it (it would
    // otherwise share the hub's CPU with the sync below) and time it.
    let ledger_catch_up = if scoring {
        let started = Instant::now();
        loop {
            let metrics = hub.get(&format!("{}/metrics/", hub.base), "").body;
            if metrics
                .lines()
                .any(|l| l == "kyoyu_ledger_waiting_versions 0")
            {
                break;
            }
            if started.elapsed() > Duration::from_secs(600) {
                return Err("the ledger did not catch up within 10 minutes".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(started.elapsed().as_secs_f64())
    } else {
        None
    };
    let at_tenth = at_tenth.unwrap_or(at_full);
    let tenth_rows = |envelopes: &mut dyn Iterator<Item = &[Generated]>| -> usize {
        envelopes.take(tenth).map(<[Generated]>::len).sum()
    };
    let first_rows = tenth_rows(&mut objects.chunks(ENVELOPE_SIZE));
    let last_rows = tenth_rows(&mut objects.chunks(ENVELOPE_SIZE).rev());
    let ingest_http = latencies.iter().sum::<Duration>().as_secs_f64();
    let post_latency = Latencies::of(latencies);

    // Full sync.
    eprintln!("sync: paging everything back ...");
    let expected: HashMap<&str, &str> = objects
        .iter()
        .map(|o| (o.id.as_str(), o.json.as_str()))
        .collect();
    let mut bodies: Vec<String> = Vec::new();
    let mut latencies = Vec::new();
    let mut next: Option<String> = None;
    let cpu_before = cpu_seconds(pid)?;
    let started = Instant::now();
    // Timed: the requests and reading `more`/`next`, as any client must; the objects are
    // checked after the clock stops.
    loop {
        let url = match &next {
            Some(cursor) => format!("{COLLECTION}?limit={PAGE_SIZE}&next={cursor}"),
            None => format!("{COLLECTION}?limit={PAGE_SIZE}"),
        };
        let sent = Instant::now();
        let reply = hub.get(&url, &token);
        latencies.push(sent.elapsed());
        let page = latencies.len();
        if reply.status != 200 {
            return Err(format!(
                "page {page}: GET answered {}: {}",
                reply.status,
                truncate(&reply.body)
            ));
        }
        let envelope: BTreeMap<String, &RawValue> =
            serde_json::from_str(&reply.body).map_err(|e| format!("page {page}: not JSON: {e}"))?;
        let more = envelope.get("more").map(|v| v.get()) == Some("true");
        next = if more {
            let cursor: String = envelope
                .get("next")
                .and_then(|v| serde_json::from_str(v.get()).ok())
                .ok_or_else(|| format!("page {page}: more is true but there is no next"))?;
            Some(cursor)
        } else {
            None
        };
        drop(envelope);
        bodies.push(reply.body);
        if next.is_none() {
            break;
        }
        if page > objects.len() / PAGE_SIZE + 10 {
            return Err(format!("paging did not end after {page} pages"));
        }
    }
    let sync_seconds = started.elapsed().as_secs_f64();
    let sync_cpu = cpu_seconds(pid)? - cpu_before;
    let after_sync = memory(pid)?;
    let after_sync_connections = connections(pid);

    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(objects.len());
    for (index, body) in bodies.iter().enumerate() {
        let page = index + 1;
        let envelope: BTreeMap<String, &RawValue> =
            serde_json::from_str(body).map_err(|e| format!("page {page}: not JSON: {e}"))?;
        let listed: Vec<&RawValue> = match envelope.get("objects") {
            Some(raw) => serde_json::from_str(raw.get())
                .map_err(|e| format!("page {page}: 'objects' is not a list: {e}"))?,
            None => Vec::new(),
        };
        if listed.len() > PAGE_SIZE {
            return Err(format!(
                "page {page}: {} objects for limit={PAGE_SIZE}",
                listed.len()
            ));
        }
        for raw in listed {
            let text = raw.get();
            let id = text
                .split_once(r#""id":""#)
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(id, _)| id)
                .ok_or_else(|| {
                    format!("page {page}: an object without an id: {}", truncate(text))
                })?;
            let Some((&id, &sent)) = expected.get_key_value(id) else {
                return Err(format!("page {page}: unexpected object {id}"));
            };
            if text != sent {
                return Err(format!(
                    "page {page}: {id} came back altered:\n sent {sent}\n got  {text}"
                ));
            }
            *seen.entry(id).or_default() += 1;
        }
    }
    let bytes: usize = bodies.iter().map(String::len).sum();
    let returned: usize = seen.values().sum();
    let repeated = seen.values().filter(|n| **n > 1).count();
    if returned != objects.len() || seen.len() != objects.len() || repeated > 0 {
        return Err(format!(
            "full sync returned {returned} objects, {} distinct ids ({repeated} repeated); wanted {} once each",
            seen.len(),
            objects.len()
        ));
    }
    let pages = latencies.len();
    let sync_http = latencies.iter().sum::<Duration>().as_secs_f64();
    let get_latency = Latencies::of(latencies);

    let status = hub.stop();
    if !status.success() {
        return Err(format!("the hub exited with {status} on SIGTERM"));
    }
    if std::env::var_os("KYOYU_BENCH_KEEP").is_some() {
        eprintln!("keeping the hub's database: {}", scratch.database_url());
        std::mem::forget(scratch);
    }
    Ok(HubRun {
        ingest: Measured {
            seconds: ingest_seconds,
            rows: objects.len(),
        },
        ledger_catch_up,
        ingest_http,
        ingest_cpu,
        tenth_rows: first_rows,
        first_tenth_rate: first_rows as f64 / tenth_times.0.as_secs_f64(),
        last_tenth_rate: last_rows as f64 / tenth_times.1.as_secs_f64(),
        post_latency,
        sync: Measured {
            seconds: sync_seconds,
            rows: returned,
        },
        sync_http,
        sync_cpu,
        get_latency,
        sync_bytes: bytes,
        pages,
        at_start,
        at_tenth,
        at_full,
        after_sync,
        connections: [
            at_start_connections,
            at_tenth_connections,
            at_full_connections,
            after_sync_connections,
        ],
    })
}

/// SQLite alone, same schema and settings as the hub: insert the same rows 1,000 per
/// transaction (100 per INSERT), then keyset-scan them back 1,000 at a time.
fn sqlite_baseline(objects: &[Generated]) -> Result<(Measured, Measured)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let scratch = Scratch::new();
        let path = scratch.0.join("baseline.db");
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| e.to_string())?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "MEMORY");
        let mut db = options.connect().await.map_err(|e| e.to_string())?;
        let sql_error = |e: sqlx::Error| format!("SQLite baseline: {e}");
        sqlx::raw_sql(MIGRATION)
            .execute(&mut db)
            .await
            .map_err(sql_error)?;
        sqlx::raw_sql(
            "INSERT INTO sectors VALUES ('electricity', 'Electricity', '電力', '2005-12-13', 'utilities');
             INSERT INTO organizations (slug, name, sector_slug, role, created_at)
                 VALUES ('bench-power', 'bench-power', 'electricity', 'member', 0);
             INSERT INTO collections (id, alias, title, description, kind, default_tlp, created_at)
                 VALUES ('5f0c4d3e-8a4b-4c9e-9f4e-2b1d6c7a8e90', 'cross-sector', 'Cross-sector', '', 'cross-sector', 'green', 0);",
        )
        .execute(&mut db)
        .await
        .map_err(sql_error)?;
        let (producer_pk,): (i64,) = sqlx::query_as("SELECT pk FROM organizations")
            .fetch_one(&mut db)
            .await
            .map_err(sql_error)?;
        let (collection_pk,): (i64,) = sqlx::query_as("SELECT pk FROM collections")
            .fetch_one(&mut db)
            .await
            .map_err(sql_error)?;

        // The columns to fill, read from the schema so the baseline follows it.
        let columns = insert_columns(&mut db).await?;
        // `?` placeholders, as SQLite is normally driven; BENCH_SQLITE_PLACEHOLDERS=numbered
        // writes `$1, $2, ...` as the hub's statements do, to measure what that costs.
        let numbered = std::env::var("BENCH_SQLITE_PLACEHOLDERS").is_ok_and(|v| v == "numbered");
        let insert_sql = |rows: usize| {
            let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
            let mut sql = format!("INSERT INTO objects ({}) VALUES ", names.join(", "));
            for row in 0..rows {
                sql.push_str(if row == 0 { "(" } else { ", (" });
                for column in 0..names.len() {
                    if column > 0 {
                        sql.push_str(", ");
                    }
                    if numbered {
                        let _ = write!(sql, "${}", row * names.len() + column + 1);
                    } else {
                        sql.push('?');
                    }
                }
                sql.push(')');
            }
            sql
        };
        let full_insert = insert_sql(ROWS_PER_INSERT);
        let mut last_date_added = 0i64;
        let started = Instant::now();
        for batch in objects.chunks(ENVELOPE_SIZE) {
            // One date_added per batch, always increasing, as the hub hands out.
            let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000;
            let date_added = i64::try_from(now)
                .map_err(|e| e.to_string())?
                .max(last_date_added + 1);
            last_date_added = date_added;
            let mut tx = db.begin().await.map_err(sql_error)?;
            for rows in batch.chunks(ROWS_PER_INSERT) {
                let short;
                let sql = if rows.len() == ROWS_PER_INSERT {
                    &full_insert
                } else {
                    short = insert_sql(rows.len());
                    &short
                };
                let mut query = sqlx::query(sql);
                for row in rows {
                    for (_, column) in &columns {
                        query = match column {
                            Column::CollectionPk => query.bind(collection_pk),
                            Column::StixId => query.bind(row.id.as_str()),
                            Column::Text(value) => query.bind(*value),
                            Column::Version => query.bind(row.modified.as_str()),
                            Column::VersionKey => query.bind(row.version_key.as_str()),
                            Column::DateAdded => query.bind(date_added),
                            Column::Int(value) => query.bind(*value),
                            Column::ProducerPk => query.bind(producer_pk),
                            Column::Body => query.bind(row.json.as_str()),
                        };
                    }
                }
                query.execute(&mut *tx).await.map_err(sql_error)?;
            }
            tx.commit().await.map_err(sql_error)?;
        }
        let insert = Measured {
            seconds: started.elapsed().as_secs_f64(),
            rows: objects.len(),
        };

        let started = Instant::now();
        let mut after = (i64::MIN, i64::MIN);
        let mut rows_read = 0;
        let mut bytes = 0;
        loop {
            let rows = sqlx::query(
                "SELECT body, date_added, seq FROM objects WHERE collection_pk = ? \
                 AND (date_added, seq) > (?, ?) ORDER BY date_added, seq LIMIT 1000",
            )
            .bind(collection_pk)
            .bind(after.0)
            .bind(after.1)
            .fetch_all(&mut db)
            .await
            .map_err(sql_error)?;
            let Some(last) = rows.last() else { break };
            after = (
                last.try_get(1).map_err(sql_error)?,
                last.try_get(2).map_err(sql_error)?,
            );
            for row in &rows {
                let body: String = row.try_get(0).map_err(sql_error)?;
                bytes += body.len();
            }
            rows_read += rows.len();
        }
        let scan = Measured {
            seconds: started.elapsed().as_secs_f64(),
            rows: rows_read,
        };
        let expected_bytes: usize = objects.iter().map(|o| o.json.len()).sum();
        if rows_read != objects.len() || bytes != expected_bytes {
            return Err(format!(
                "SQLite baseline scanned {rows_read} rows ({bytes} B), wanted {} ({expected_bytes} B)",
                objects.len()
            ));
        }
        db.close().await.map_err(sql_error)?;
        Ok((insert, scan))
    })
}

/// What the baseline writes in one column of `objects`.
enum Column {
    CollectionPk,
    StixId,
    Text(&'static str),
    Version,
    VersionKey,
    DateAdded,
    Int(i64),
    ProducerPk,
    Body,
}

/// The columns of `objects` the hub fills, as the migration defines them; fails on a
/// required column this baseline does not know, rather than measuring something else.
async fn insert_columns(db: &mut sqlx::SqliteConnection) -> Result<Vec<(String, Column)>> {
    let table = sqlx::query("PRAGMA table_info(objects)")
        .fetch_all(&mut *db)
        .await
        .map_err(|e| format!("SQLite baseline: {e}"))?;
    let mut columns = Vec::new();
    for row in table {
        let name: String = row.try_get("name").map_err(|e| e.to_string())?;
        let not_null: i64 = row.try_get("notnull").map_err(|e| e.to_string())?;
        let primary: i64 = row.try_get("pk").map_err(|e| e.to_string())?;
        let default: Option<String> = row.try_get("dflt_value").map_err(|e| e.to_string())?;
        let has_default = default.is_some();
        let column = match name.as_str() {
            "seq" => continue,
            "collection_pk" => Column::CollectionPk,
            "stix_id" => Column::StixId,
            "stix_type" => Column::Text("indicator"),
            "spec_version" => Column::Text("2.1"),
            "version" => Column::Version,
            "version_key" => Column::VersionKey,
            "date_added" => Column::DateAdded,
            "is_latest" => Column::Int(1),
            "producer_pk" => Column::ProducerPk,
            "tlp" => Column::Text("green"),
            "body" => Column::Body,
            _ if not_null == 0 || primary != 0 || has_default => continue,
            other => {
                return Err(format!(
                    "objects.{other} is NOT NULL and unknown to the SQLite baseline: teach insert_columns about it"
                ));
            }
        };
        columns.push((name, column));
    }
    Ok(columns)
}

fn truncate(text: &str) -> &str {
    match text.char_indices().nth(600) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
