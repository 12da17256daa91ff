//! Local receivers the sink tests talk to (HTTP recorder, UDP and TCP syslog listeners), a
//! fake hub, fan-out events, the RabbitMQ vhost per test, and the OASIS validator.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kyoyu_connectors::message::Event;
use serde_json::Value;

/// One HTTP request as the recorder received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Names lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == &name.to_ascii_lowercase())
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }
}

/// What the recorder answers.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            content_type: "application/json",
            body: body.to_string(),
        }
    }

    pub fn taxii(status: u16, body: &Value) -> Self {
        Self {
            status,
            content_type: "application/taxii+json;version=2.1",
            body: body.to_string(),
        }
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A tiny HTTP/1.1 server on 127.0.0.1 (a random port) that records every request and
/// answers with `handler`; one request per connection (`Connection: close`).
pub struct HttpRecorder {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl HttpRecorder {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                let recorded = Arc::clone(&recorded);
                std::thread::spawn(move || serve(stream, &*handler, &recorded));
            }
        });
        Self { addr, requests }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, recorded: &Mutex<Vec<Request>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    let request = Request {
        method,
        path,
        headers,
        body,
    };
    let reply = handler(&request);
    recorded.lock().expect("lock").push(request);
    let mut stream = stream;
    let response = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        reply.status,
        reply.content_type,
        reply.body.len(),
        reply.body
    );
    // The client may have given up; nothing to do about it here.
    let _ = stream.write_all(response.as_bytes());
}

/// A UDP syslog receiver on 127.0.0.1.
pub struct UdpReceiver {
    socket: UdpSocket,
}

impl UdpReceiver {
    pub fn start() -> Self {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        Self { socket }
    }

    pub fn addr(&self) -> String {
        self.socket.local_addr().expect("address").to_string()
    }

    /// The next `n` datagrams, as text.
    pub fn receive(&self, n: usize) -> Vec<String> {
        let mut buffer = vec![0; 70_000];
        (0..n)
            .map(|_| {
                let (len, _) = self.socket.recv_from(&mut buffer).expect("a datagram");
                String::from_utf8(buffer[..len].to_vec()).expect("utf-8")
            })
            .collect()
    }
}

/// A TCP syslog receiver on 127.0.0.1 that collects the raw bytes of one connection.
pub struct TcpReceiver {
    pub addr: SocketAddr,
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl TcpReceiver {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("address");
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&bytes);
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut chunk = [0; 4096];
                while let Ok(n) = stream.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    sink.lock().expect("lock").extend_from_slice(&chunk[..n]);
                }
            }
        });
        Self { addr, bytes }
    }

    /// The bytes received once at least `len` arrived (or after 5 s).
    pub fn received(&self, len: usize) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let bytes = self.bytes.lock().expect("lock").clone();
            if bytes.len() >= len || Instant::now() > deadline {
                return bytes;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

pub const INDICATOR_ID: &str = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
pub const VERSION: &str = "2024-05-01T10:00:00.000Z";
pub const DATE_ADDED: &str = "2024-05-01T10:00:01.123456Z";

/// The headers the hub puts on a fan-out message.
pub fn fanout_headers(
    event: &str,
    stix_id: &str,
    version: &str,
    tlp: &str,
) -> BTreeMap<String, String> {
    [
        ("kyoyu-event", event),
        ("kyoyu-collection", "energy-iocs"),
        (
            "kyoyu-collection-id",
            "0b6a1c1e-7f47-4a2e-8a43-4f3b1f0e9d11",
        ),
        ("kyoyu-stix-id", stix_id),
        ("kyoyu-version", version),
        ("kyoyu-date-added", DATE_ADDED),
        ("kyoyu-tlp", tlp),
        ("kyoyu-producer-sector", "energy"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// An `added` event for `object` (its `id` and `modified` make the message id).
pub fn added(object: &Value, tlp: &str) -> Event {
    let id = object["id"].as_str().expect("id");
    let version = object["modified"].as_str().unwrap_or(VERSION);
    Event::parse(
        Some(&format!("{id}/{version}")),
        Some("stix-object"),
        &fanout_headers("added", id, version, tlp),
        object.to_string().as_bytes(),
    )
    .expect("a valid added event")
}

/// A `deleted` event (tombstone) for `id`.
pub fn deleted(id: &str, tlp: &str) -> Event {
    Event::parse(
        Some(&format!("{id}/{VERSION}")),
        Some("stix-deleted"),
        &fanout_headers("deleted", id, VERSION, tlp),
        b"",
    )
    .expect("a valid tombstone")
}

/// A fresh scratch directory under the system temp dir.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kyoyu-connect-{name}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Prints why a test is skipped, or fails it under CI=true.
pub fn skip(reason: &str) {
    assert!(!ci(), "CI=true but {reason}");
    eprintln!("SKIPPED: {reason}");
}

/// Validates STIX objects with the OASIS stix2-validator run by `$KYOYU_PYTHON`; `None` when
/// the variable is unset (skipped), else the invalid objects with their messages.
pub fn oasis_invalid(objects: &[Value]) -> Option<Vec<String>> {
    let Ok(python) = std::env::var("KYOYU_PYTHON") else {
        skip("KYOYU_PYTHON is not set, so the OASIS validator does not run");
        return None;
    };
    let dir = scratch_dir("oasis");
    let file = dir.join("objects.json");
    std::fs::write(&file, serde_json::to_vec(objects).expect("json")).expect("write");
    let script = r#"
import json, sys
from stix2validator import ValidationOptions, validate_parsed_json
objects = json.load(open(sys.argv[1]))
options = ValidationOptions(strict=False)
bad = []
for o in objects:
    result = validate_parsed_json(o, options)
    if not result.is_valid:
        bad.append("%s: %s" % (o.get("id"), "; ".join(str(e) for e in result.errors)))
    for w in result.warnings:
        print("warning: %s: %s" % (o.get("id"), w), file=sys.stderr)
print(json.dumps(bad))
"#;
    let output = Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .expect("run the validator");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the validator failed to run");
    let _ = std::fs::remove_dir_all(&dir);
    Some(serde_json::from_slice(&output.stdout).expect("the validator's verdict"))
}
