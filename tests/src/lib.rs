//! Harness for end-to-end tests: starts the real `kyoyu` binary on a free port with a
//! fresh SQLite database and talks to it over HTTP.
//!
//! The binary is `$KYOYU_BIN`, else `target/debug/kyoyu` of this workspace (build it
//! first: `cargo build -p kyoyu`).

pub mod browser;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const TAXII: &str = "application/taxii+json;version=2.1";

/// Path of the hub binary under test.
pub fn kyoyu_bin() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match std::env::var_os("KYOYU_BIN").map(PathBuf::from) {
        // Relative paths are the workspace's (benches run from tests/).
        Some(path) if path.is_relative() => workspace.join(path),
        Some(path) => path,
        None => workspace.join("target/debug/kyoyu"),
    }
}

/// A scratch directory removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!("kyoyu-e2e-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    pub fn database_url(&self) -> String {
        format!("sqlite://{}/kyoyu.db", self.0.display())
    }
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running hub.
pub struct Hub {
    child: Child,
    /// e.g. `http://127.0.0.1:41234`
    pub base: String,
    /// The API root URL, ending in `/`.
    pub root: String,
    pub database_url: String,
    pub stdout: Vec<String>,
    agent: ureq::Agent,
}

/// An HTTP answer, whatever its status.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// Runs a one-shot `kyoyu` command against `database_url`; panics unless it succeeds.
pub fn kyoyu(database_url: &str, args: &[&str]) -> String {
    let output = Command::new(kyoyu_bin())
        .args(args)
        .arg("--database-url")
        .arg(database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run kyoyu");
    assert!(
        output.status.success(),
        "kyoyu {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

impl Hub {
    /// Starts a hub on a fresh database in `scratch`.
    pub fn start(scratch: &Scratch) -> Hub {
        Hub::start_with(scratch, &[])
    }

    /// Starts a hub with extra `serve` arguments; waits until it listens.
    pub fn start_with(scratch: &Scratch, extra: &[&str]) -> Hub {
        Hub::start_prefixed(scratch, &[], extra)
    }

    /// Starts `prefix... kyoyu serve ... extra...` (e.g. `taskset -c 0`), waits until it
    /// listens, and reads the URL it prints.
    pub fn start_prefixed(scratch: &Scratch, prefix: &[&str], extra: &[&str]) -> Hub {
        let database_url = scratch.database_url();
        let log = std::fs::File::create(scratch.0.join("hub.log")).expect("log file");
        let mut command = match prefix.split_first() {
            Some((program, prefix_args)) => {
                let mut command = Command::new(program);
                command.args(prefix_args).arg(kyoyu_bin());
                command
            }
            None => Command::new(kyoyu_bin()),
        };
        let mut child = command
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &database_url,
            ])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {prefix:?} {}: {e}", kyoyu_bin().display()));
        let stdout = child.stdout.take().expect("stdout");
        let (lines_tx, lines_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut lines = Vec::new();
        let url = loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match lines_rx.recv_timeout(remaining) {
                Ok(line) => {
                    if let Some(url) = line.strip_prefix("kyoyu listening on ") {
                        break url.to_owned();
                    }
                    lines.push(line);
                }
                Err(_) => {
                    let log =
                        std::fs::read_to_string(scratch.0.join("hub.log")).unwrap_or_default();
                    let _ = child.kill();
                    panic!("the hub did not start within 30 s; its log:\n{log}");
                }
            }
        };
        // Keep draining stdout so the hub never blocks on a full pipe.
        std::thread::spawn(move || while lines_rx.recv().is_ok() {});
        let root = url.clone();
        let base = url.split("/taxii2/").next().expect("url").to_owned();
        let agent = ureq::AgentBuilder::new()
            .timeout(Duration::from_secs(60))
            .build();
        Hub {
            child,
            base,
            root,
            database_url,
            stdout: lines,
            agent,
        }
    }

    /// Registers an organisation and returns a token for it.
    pub fn member(&self, slug: &str, sector: &str, role: &str) -> String {
        kyoyu(
            &self.database_url,
            &[
                "org", "add", "--slug", slug, "--name", slug, "--sector", sector, "--role", role,
            ],
        );
        self.token(slug, None)
    }

    pub fn token(&self, org: &str, role: Option<&str>) -> String {
        let mut args = vec!["token", "issue", "--org", org];
        if let Some(role) = role {
            args.extend(["--role", role]);
        }
        kyoyu(&self.database_url, &args)
    }

    /// Sends a request; `url` is absolute or relative to the API root.
    pub fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let url = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.root)
        };
        let mut request = self.agent.request(method, &url);
        for (name, value) in headers {
            request = request.set(name, value);
        }
        let result = match body {
            Some(body) => request.send_string(body),
            None => request.call(),
        };
        let response = match result {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(error) => panic!("{method} {url}: {error}"),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .filter_map(|name| {
                response
                    .header(&name)
                    .map(|value| (name.to_ascii_lowercase(), value.to_owned()))
            })
            .collect();
        let body = response.into_string().expect("body");
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, url: &str, token: &str) -> Reply {
        self.send(
            "GET",
            url,
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Accept", TAXII),
            ],
            None,
        )
    }

    pub fn post(&self, url: &str, token: &str, body: &str) -> Reply {
        self.send(
            "POST",
            url,
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Accept", TAXII),
                ("Content-Type", TAXII),
            ],
            Some(body),
        )
    }

    pub fn delete(&self, url: &str, token: &str) -> Reply {
        self.send(
            "DELETE",
            url,
            &[
                ("Authorization", &format!("Bearer {token}")),
                ("Accept", TAXII),
            ],
            None,
        )
    }

    /// The id of the collection with `alias`, as listed to `token`.
    pub fn collection_id(&self, token: &str, alias: &str) -> String {
        let collections = self.get("collections/", token).json();
        collections["collections"]
            .as_array()
            .and_then(|all| all.iter().find(|c| c["alias"] == alias))
            .and_then(|c| c["id"].as_str())
            .unwrap_or_else(|| panic!("no collection {alias}"))
            .to_owned()
    }

    /// Stops the hub with SIGTERM and returns its exit status (within 10 s).
    pub fn stop(mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the hub did not stop within 10 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A random RFC 4122 version 4 identifier of `type_name`.
pub fn stix_id(type_name: &str) -> String {
    format!("{type_name}--{}", uuid::Uuid::new_v4())
}

/// A valid STIX 2.1 indicator as JSON text.
pub fn indicator(id: &str, modified: &str, ip: &str) -> String {
    format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"{id}","created":"2024-01-01T00:00:00.000Z","modified":"{modified}","name":"C2 {ip}","indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '{ip}']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}}"#
    )
}

/// An envelope of the given object texts.
pub fn envelope(objects: &[String]) -> String {
    format!(r#"{{"objects":[{}]}}"#, objects.join(","))
}

/// Python with the test oracles installed (`$KYOYU_PYTHON`), or `None` to skip locally.
/// Under `CI=true` a missing interpreter is a failure, never a skip.
pub fn python() -> Option<PathBuf> {
    match std::env::var_os("KYOYU_PYTHON") {
        Some(path) => Some(PathBuf::from(path)),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("KYOYU_PYTHON is not set; the test command installs the Python oracles")
        }
        None => {
            eprintln!("skipping: KYOYU_PYTHON is not set (run ./scripts/test.sh)");
            None
        }
    }
}

/// A RabbitMQ virtual host of its own for one test, on the broker at `$TEST_AMQP_URL`
/// (e.g. `amqp://guest:guest@127.0.0.1:5672`), removed when dropped. `None` skips the
/// test locally when no broker is configured; under `CI=true` that is a failure.
pub struct Broker {
    pub vhost: String,
    base: String,
}

impl Broker {
    pub fn new() -> Option<Broker> {
        let Ok(base) = std::env::var("TEST_AMQP_URL") else {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "TEST_AMQP_URL is not set; the test command starts RabbitMQ"
            );
            eprintln!("skipping: TEST_AMQP_URL is not set (run ./scripts/test.sh)");
            return None;
        };
        let vhost = format!("kyoyu-test-{}", uuid::Uuid::new_v4());
        rabbitmqctl(&["add_vhost", &vhost]);
        rabbitmqctl(&["set_permissions", "-p", &vhost, "guest", ".*", ".*", ".*"]);
        Some(Broker {
            vhost,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// The AMQP URL of this virtual host for `user:password` (the base URL's when `None`).
    pub fn url(&self) -> String {
        format!("{}/{}", self.base, self.vhost)
    }

    pub fn url_as(&self, user: &str, password: &str) -> String {
        let host = self
            .base
            .rsplit('@')
            .next()
            .unwrap_or(&self.base)
            .trim_start_matches("amqp://");
        format!("amqp://{user}:{password}@{host}/{}", self.vhost)
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl")
            .args(["delete_vhost", &self.vhost])
            .output();
    }
}

/// Runs `rabbitmqctl`; panics unless it succeeds.
pub fn rabbitmqctl(args: &[&str]) -> String {
    let output = Command::new("rabbitmqctl")
        .args(args)
        .output()
        .expect("run rabbitmqctl");
    assert!(
        output.status.success(),
        "rabbitmqctl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
