//! Syslog (RFC 5424) over UDP (one datagram per event, RFC 5426) or TCP (octet-counting
//! framing, RFC 6587 section 3.4.1) with an ArcSight CEF message: indicator observables go to
//! the CEF keys SIEMs index (`dst`, `c6a3`, `dhost`, `request`, `fileHash`, `fname`).

use std::io::Write as _;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs as _, UdpSocket};
use std::time::Duration;

use time::OffsetDateTime;

use super::{Sink, SinkError, severity};
use crate::feeds::stix::timestamp;
use crate::message::{Event, EventKind};
use crate::pattern::{Observable, observables_of};

/// The structured-data id of Kyoyu's parameters (32473 is the documentation PEN, RFC 5612).
pub const SD_ID: &str = "kyoyu@32473";
/// RFC 5424 APP-NAME.
pub const APP_NAME: &str = "kyoyu-connect";
/// Longest description or pattern carried, in characters.
const MAX_TEXT: usize = 1023;
/// Largest UDP payload sent; longer messages are truncated (RFC 5426 section 3.2).
const MAX_DATAGRAM: usize = 65_000;

/// UDP or TCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    Udp,
    Tcp,
}

/// Sends each event as one syslog message.
pub struct Syslog {
    addr: String,
    transport: Transport,
    facility: u8,
    hostname: String,
    procid: String,
    timeout: Duration,
    udp: Option<UdpSocket>,
    tcp: Option<TcpStream>,
}

impl Syslog {
    /// `addr` is `host:port`; `facility` 0-23 (16 is local0); `hostname` defaults to the
    /// machine's.
    pub fn new(
        addr: String,
        transport: Transport,
        facility: u8,
        hostname: Option<String>,
        timeout: Duration,
    ) -> Self {
        let hostname = hostname.unwrap_or_else(local_hostname);
        Self {
            addr,
            transport,
            facility: facility.min(23),
            hostname: header_field(&hostname, 255),
            procid: std::process::id().to_string(),
            timeout,
            udp: None,
            tcp: None,
        }
    }

    fn resolve(&self) -> Result<SocketAddr, SinkError> {
        self.addr
            .to_socket_addrs()
            .map_err(|e| SinkError::io(format!("resolving {}", self.addr), e))?
            .next()
            .ok_or_else(|| {
                SinkError::io(
                    format!("resolving {}", self.addr),
                    std::io::Error::new(std::io::ErrorKind::NotFound, "no address"),
                )
            })
    }

    fn send_udp(&mut self, message: &str) -> Result<(), SinkError> {
        if self.udp.is_none() {
            let target = self.resolve()?;
            let local: SocketAddr = if target.is_ipv4() {
                ([0, 0, 0, 0], 0).into()
            } else {
                ([0u16; 8], 0).into()
            };
            let socket = UdpSocket::bind(local)
                .and_then(|s| s.connect(target).map(|()| s))
                .map_err(|e| SinkError::io(format!("opening a UDP socket to {target}"), e))?;
            self.udp = Some(socket);
        }
        let bytes = truncate_bytes(message, MAX_DATAGRAM);
        let result = match &self.udp {
            Some(socket) => socket.send(bytes).map(|_| ()),
            None => Ok(()),
        };
        result.map_err(|e| {
            self.udp = None;
            SinkError::io(format!("sending to {}", self.addr), e)
        })
    }

    fn send_tcp(&mut self, message: &str) -> Result<(), SinkError> {
        let frame = format!("{} {message}", message.len());
        // A kept-alive connection may have been closed by the receiver: retry once afresh.
        for attempt in 0..2 {
            if self.tcp.is_none() {
                let target = self.resolve()?;
                let stream = TcpStream::connect_timeout(&target, self.timeout)
                    .and_then(|s| s.set_write_timeout(Some(self.timeout)).map(|()| s))
                    .map_err(|e| SinkError::io(format!("connecting to {target}"), e))?;
                self.tcp = Some(stream);
            }
            let written = match &mut self.tcp {
                Some(stream) => stream
                    .write_all(frame.as_bytes())
                    .and_then(|()| stream.flush()),
                None => Ok(()),
            };
            match written {
                Ok(()) => return Ok(()),
                Err(error) => {
                    self.tcp = None;
                    if attempt == 1 {
                        return Err(SinkError::io(format!("sending to {}", self.addr), error));
                    }
                }
            }
        }
        Ok(())
    }
}

impl Sink for Syslog {
    fn deliver(&mut self, events: &[Event]) -> Result<(), SinkError> {
        for event in events {
            let message = rfc5424(
                event,
                self.facility,
                &self.hostname,
                &self.procid,
                OffsetDateTime::now_utc(),
            );
            match self.transport {
                Transport::Udp => self.send_udp(&message)?,
                Transport::Tcp => self.send_tcp(&message)?,
            }
        }
        Ok(())
    }
}

/// The RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] CEF...`.
/// Syslog severity: 6 (informational) for a deletion, 4 (warning) for CEF severity 7 and up,
/// else 5 (notice). MSGID is the event (`added` or `deleted`).
pub fn rfc5424(
    event: &Event,
    facility: u8,
    hostname: &str,
    procid: &str,
    now: OffsetDateTime,
) -> String {
    let cef_severity = severity(event);
    let syslog_severity = match event.kind {
        EventKind::Deleted => 6,
        EventKind::Added if cef_severity >= 7 => 4,
        EventKind::Added => 5,
    };
    let pri = u16::from(facility) * 8 + syslog_severity;
    let hostname = if hostname.is_empty() { "-" } else { hostname };
    let procid = if procid.is_empty() { "-" } else { procid };
    format!(
        "<{pri}>1 {} {hostname} {APP_NAME} {procid} {} [{SD_ID} messageId=\"{}\" collection=\"{}\" tlp=\"{}\"] {}",
        timestamp(now),
        event.kind.as_str(),
        sd_value(&event.message_id),
        sd_value(&event.collection),
        sd_value(&event.tlp),
        cef(event),
    )
}

/// `CEF:0|Kyoyu|kyoyu-hub|1.0|<stix type>|<name or id>|<severity>|<extension>`.
pub fn cef(event: &Event) -> String {
    let name = event.property("name").unwrap_or(&event.stix_id);
    let mut extension: Vec<(&str, String)> = Vec::new();
    if let Some(millis) = event.date_added_millis() {
        extension.push(("rt", millis.to_string()));
    }
    extension.push(("act", event.kind.as_str().to_owned()));
    extension.push(("externalId", event.stix_id.clone()));
    extension.push(("cs1Label", "collection".to_owned()));
    extension.push(("cs1", event.collection.clone()));
    extension.push(("cs2Label", "tlp".to_owned()));
    extension.push(("cs2", event.tlp.clone()));
    extension.push(("cs3Label", "messageId".to_owned()));
    extension.push(("cs3", event.message_id.clone()));
    if let Some(pattern) = event.property("pattern") {
        extension.push(("cs4Label", "pattern".to_owned()));
        extension.push(("cs4", truncate_chars(pattern, MAX_TEXT)));
    }
    if let Some(confidence) = event.confidence() {
        extension.push(("cn1Label", "confidence".to_owned()));
        extension.push(("cn1", confidence.to_string()));
    }
    let observables = observables_of(&event.object);
    let put = |key: &'static str, value: &str, extension: &mut Vec<(&str, String)>| {
        if !extension.iter().any(|(k, _)| *k == key) {
            extension.push((key, value.to_owned()));
        }
    };
    for observable in &observables {
        match observable {
            Observable::Ipv4(ip) => put("dst", ip, &mut extension),
            Observable::Ipv6(ip) => {
                put("c6a3Label", "ipv6", &mut extension);
                put("c6a3", ip, &mut extension);
            }
            Observable::Domain(domain) => put("dhost", domain, &mut extension),
            Observable::Url(url) => put("request", url, &mut extension),
            Observable::FileHash { value, .. } => put("fileHash", value, &mut extension),
            Observable::FileName(name) => put("fname", name, &mut extension),
            Observable::Email(email) => {
                put("cs5Label", "email", &mut extension);
                put("cs5", email, &mut extension);
            }
        }
    }
    if let Some(description) = event.property("description") {
        extension.push(("msg", truncate_chars(description, MAX_TEXT)));
    }
    let extension: Vec<String> = extension
        .iter()
        .map(|(key, value)| format!("{key}={}", cef_extension_value(value)))
        .collect();
    format!(
        "CEF:0|Kyoyu|kyoyu-hub|1.0|{}|{}|{}|{}",
        cef_header(event.stix_type()),
        cef_header(name),
        severity(event),
        extension.join(" ")
    )
}

/// A CEF header field: `\` and `|` escaped with a backslash; line breaks, which headers may
/// not hold, become spaces.
pub fn cef_header(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A CEF extension value: `\` and `=` escaped with a backslash, line breaks as `\n` / `\r`.
pub fn cef_extension_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '=' => out.push_str("\\="),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
    out
}

/// An RFC 5424 PARAM-VALUE: `"`, `\` and `]` escaped with a backslash.
fn sd_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A header field of printable US-ASCII only, at most `max` characters.
fn header_field(value: &str, max: usize) -> String {
    value
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(max)
        .collect()
}

fn local_hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| {
            std::fs::read_to_string(path)
                .ok()
                .map(|h| h.trim().to_owned())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "-".to_owned())
}

fn truncate_chars(value: &str, max: usize) -> String {
    match value.char_indices().nth(max) {
        Some((at, _)) => value[..at].to_owned(),
        None => value.to_owned(),
    }
}

fn truncate_bytes(value: &str, max: usize) -> &[u8] {
    if value.len() <= max {
        return value.as_bytes();
    }
    let mut end = max;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    &value.as_bytes()[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_extension_escaping_follow_the_cef_rules() {
        assert_eq!(cef_header(r"a|b\c=d"), r"a\|b\\c=d");
        assert_eq!(cef_header("two\r\nlines"), "two  lines");
        assert_eq!(cef_extension_value(r"a|b\c=d"), r"a|b\\c\=d");
        assert_eq!(cef_extension_value("two\r\nlines"), r"two\r\nlines");
        assert_eq!(sd_value(r#"a"b\c]d"#), r#"a\"b\\c\]d"#);
    }

    #[test]
    fn truncation_keeps_characters_whole() {
        assert_eq!(truncate_bytes("aé", 2), b"a");
        assert_eq!(truncate_chars("éé", 1), "é");
    }
}
