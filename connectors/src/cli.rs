//! `kyoyu-connect` arguments: every flag also reads `KYOYU_CONNECT_<FLAG>`. Turns them into
//! consumer settings and sinks; runs nothing.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::consumer::ConsumerSettings;
use crate::feeds::misp::Container;
use crate::feeds::stix::Tlp;
use crate::sinks::Sink;
use crate::sinks::elasticsearch::{Elasticsearch, EsAuth};
use crate::sinks::hec::Hec;
use crate::sinks::jsonl::JsonLines;
use crate::sinks::syslog::{Syslog, Transport};

/// Kyoyu connectors: feed a SIEM from the hub's fan-out, or import MISP and CSV IOCs.
#[derive(Debug, Parser)]
#[command(name = "kyoyu-connect", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Consume an organisation's fan-out queue and deliver each message to a sink.
    Consume(ConsumeArgs),
    /// Convert a MISP event, REST response or feed to STIX 2.1 and post it over TAXII.
    ImportMisp(ImportMispArgs),
    /// Convert a CSV IOC list to STIX 2.1 indicators and post them over TAXII.
    ImportCsv(ImportCsvArgs),
}

/// Where consumed messages go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SinkKind {
    /// One JSON record per line in a file (`--output`).
    Jsonl,
    /// RFC 5424 syslog with CEF over UDP or TCP (`--syslog-addr`).
    Syslog,
    /// Splunk HTTP Event Collector (`--hec-url`, `--hec-token`).
    SplunkHec,
    /// Elasticsearch or OpenSearch `_bulk` with ECS documents (`--es-url`).
    Elasticsearch,
}

#[derive(Debug, Args)]
pub struct ConsumeArgs {
    /// AMQP URL with the organisation's credentials and vhost (`amqp://user:pass@host:5672/vhost`).
    #[arg(long, env = "KYOYU_CONNECT_AMQP_URL", hide_env_values = true)]
    pub amqp_url: String,
    /// The organisation's queue, `kyoyu.org.<slug>`.
    #[arg(long, env = "KYOYU_CONNECT_QUEUE")]
    pub queue: String,
    /// Where messages go.
    #[arg(long, env = "KYOYU_CONNECT_SINK", value_enum)]
    pub sink: SinkKind,
    /// Unacknowledged messages the broker may send ahead (basic.qos prefetch count).
    #[arg(long, env = "KYOYU_CONNECT_PREFETCH", default_value_t = 100)]
    pub prefetch: u16,
    /// Most messages handed to the sink at once (one HEC request, one `_bulk`).
    #[arg(long, env = "KYOYU_CONNECT_BATCH_SIZE", default_value_t = 50,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub batch_size: u16,
    /// How long to wait for more messages to fill a batch, in milliseconds.
    #[arg(long, env = "KYOYU_CONNECT_BATCH_WAIT_MS", default_value_t = 200)]
    pub batch_wait_ms: u64,
    /// Message ids remembered to drop redeliveries of messages the sink already accepted.
    #[arg(long, env = "KYOYU_CONNECT_DEDUP_WINDOW", default_value_t = 100_000)]
    pub dedup_window: usize,
    /// Longest pause between reconnection attempts and after sink failures, in seconds.
    #[arg(long, env = "KYOYU_CONNECT_MAX_BACKOFF_SECS", default_value_t = 60)]
    pub max_backoff_secs: u64,
    #[command(flatten)]
    pub sink_options: SinkOptions,
}

/// Options of the sinks; each applies to the sink its name starts with.
#[derive(Debug, Args)]
pub struct SinkOptions {
    /// jsonl: the file to append to (`-` for stdout).
    #[arg(long, env = "KYOYU_CONNECT_OUTPUT", required_if_eq("sink", "jsonl"))]
    pub output: Option<PathBuf>,
    /// syslog: the receiver, `host:port`.
    #[arg(
        long,
        env = "KYOYU_CONNECT_SYSLOG_ADDR",
        required_if_eq("sink", "syslog")
    )]
    pub syslog_addr: Option<String>,
    /// syslog: `udp` (a datagram per message) or `tcp` (octet-counting framing).
    #[arg(
        long,
        env = "KYOYU_CONNECT_SYSLOG_TRANSPORT",
        value_enum,
        default_value = "udp"
    )]
    pub syslog_transport: Transport,
    /// syslog: the facility number, 0-23 (16 is local0).
    #[arg(long, env = "KYOYU_CONNECT_SYSLOG_FACILITY", default_value_t = 16,
          value_parser = clap::value_parser!(u8).range(0..=23))]
    pub syslog_facility: u8,
    /// syslog: HOSTNAME to send (default: this machine's).
    #[arg(long, env = "KYOYU_CONNECT_SYSLOG_HOSTNAME")]
    pub syslog_hostname: Option<String>,
    /// splunk-hec: the event endpoint, e.g. `https://splunk:8088/services/collector/event`.
    #[arg(
        long,
        env = "KYOYU_CONNECT_HEC_URL",
        required_if_eq("sink", "splunk-hec")
    )]
    pub hec_url: Option<String>,
    /// splunk-hec: the HEC token.
    #[arg(
        long,
        env = "KYOYU_CONNECT_HEC_TOKEN",
        hide_env_values = true,
        required_if_eq("sink", "splunk-hec")
    )]
    pub hec_token: Option<String>,
    /// splunk-hec: the index (default: the token's).
    #[arg(long, env = "KYOYU_CONNECT_HEC_INDEX")]
    pub hec_index: Option<String>,
    /// splunk-hec: the sourcetype.
    #[arg(long, env = "KYOYU_CONNECT_HEC_SOURCETYPE", default_value = "stix:2.1")]
    pub hec_sourcetype: String,
    /// elasticsearch: the cluster URL, e.g. `http://localhost:9200`.
    #[arg(
        long,
        env = "KYOYU_CONNECT_ES_URL",
        required_if_eq("sink", "elasticsearch")
    )]
    pub es_url: Option<String>,
    /// elasticsearch: the index (or alias, or data stream) to write to.
    #[arg(long, env = "KYOYU_CONNECT_ES_INDEX", default_value = "kyoyu-threat")]
    pub es_index: String,
    /// elasticsearch: an API key (the base64 `id:key`), sent as `Authorization: ApiKey`.
    #[arg(
        long,
        env = "KYOYU_CONNECT_ES_API_KEY",
        hide_env_values = true,
        conflicts_with = "es_username"
    )]
    pub es_api_key: Option<String>,
    /// elasticsearch: user for HTTP Basic.
    #[arg(long, env = "KYOYU_CONNECT_ES_USERNAME", requires = "es_password")]
    pub es_username: Option<String>,
    /// elasticsearch: password for HTTP Basic.
    #[arg(long, env = "KYOYU_CONNECT_ES_PASSWORD", hide_env_values = true)]
    pub es_password: Option<String>,
    /// HTTP sinks and TCP syslog: timeout of one request or connection, in seconds.
    #[arg(long, env = "KYOYU_CONNECT_SINK_TIMEOUT_SECS", default_value_t = 30)]
    pub sink_timeout_secs: u64,
}

impl ConsumeArgs {
    /// The consumer's settings.
    pub fn settings(&self) -> ConsumerSettings {
        ConsumerSettings {
            amqp_url: self.amqp_url.clone(),
            queue: self.queue.clone(),
            prefetch: self.prefetch,
            batch_size: usize::from(self.batch_size),
            batch_wait: Duration::from_millis(self.batch_wait_ms),
            dedup_window: self.dedup_window,
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(self.max_backoff_secs.max(1)),
        }
    }

    /// The sink `--sink` names, from its options.
    pub fn sink(&self) -> anyhow::Result<Box<dyn Sink>> {
        let o = &self.sink_options;
        let timeout = Duration::from_secs(o.sink_timeout_secs.max(1));
        Ok(match self.sink {
            SinkKind::Jsonl => {
                let output = o
                    .output
                    .clone()
                    .context("--output is required for --sink jsonl")?;
                Box::new(JsonLines::new(output))
            }
            SinkKind::Syslog => {
                let addr = o
                    .syslog_addr
                    .clone()
                    .context("--syslog-addr is required for --sink syslog")?;
                Box::new(Syslog::new(
                    addr,
                    o.syslog_transport,
                    o.syslog_facility,
                    o.syslog_hostname.clone(),
                    timeout,
                ))
            }
            SinkKind::SplunkHec => {
                let url = o
                    .hec_url
                    .clone()
                    .context("--hec-url is required for --sink splunk-hec")?;
                let token = o
                    .hec_token
                    .as_deref()
                    .context("--hec-token is required for --sink splunk-hec")?;
                Box::new(Hec::new(
                    url,
                    token,
                    o.hec_sourcetype.clone(),
                    o.hec_index.clone(),
                    timeout,
                ))
            }
            SinkKind::Elasticsearch => {
                let url = o
                    .es_url
                    .as_deref()
                    .context("--es-url is required for --sink elasticsearch")?;
                let auth = match (&o.es_api_key, &o.es_username, &o.es_password) {
                    (Some(key), _, _) => Some(EsAuth::ApiKey(key.clone())),
                    (None, Some(username), Some(password)) => Some(EsAuth::Basic {
                        username: username.clone(),
                        password: password.clone(),
                    }),
                    _ => None,
                };
                Box::new(Elasticsearch::new(url, o.es_index.clone(), auth, timeout))
            }
        })
    }
}

/// The hub the importers post to.
#[derive(Debug, Args)]
pub struct HubArgs {
    /// The TAXII API root URL, e.g. `https://hub.example/taxii2/api1/`.
    #[arg(
        long,
        env = "KYOYU_CONNECT_TAXII_URL",
        required_unless_present = "dry_run"
    )]
    pub taxii_url: Option<String>,
    /// The collection's id or alias.
    #[arg(
        long,
        env = "KYOYU_CONNECT_COLLECTION",
        required_unless_present = "dry_run"
    )]
    pub collection: Option<String>,
    /// A bearer token (JWT) issued by the hub or its identity provider.
    #[arg(
        long,
        env = "KYOYU_CONNECT_TOKEN",
        hide_env_values = true,
        conflicts_with = "basic"
    )]
    pub token: Option<String>,
    /// An API key for HTTP Basic, `CLIENT_ID:SECRET`.
    #[arg(long, env = "KYOYU_CONNECT_BASIC", hide_env_values = true)]
    pub basic: Option<String>,
    /// Objects per envelope (at most 500).
    #[arg(long, env = "KYOYU_CONNECT_ENVELOPE_SIZE", default_value_t = 500,
          value_parser = clap::value_parser!(u16).range(1..=500))]
    pub envelope_size: u16,
    /// Print the STIX bundle to stdout instead of posting it (no hub needed).
    #[arg(long, env = "KYOYU_CONNECT_DRY_RUN")]
    pub dry_run: bool,
    /// Timeout of one HTTP request to the hub, in seconds.
    #[arg(long, env = "KYOYU_CONNECT_HTTP_TIMEOUT_SECS", default_value_t = 60)]
    pub http_timeout_secs: u64,
}

#[derive(Debug, Args)]
pub struct ImportMispArgs {
    /// A MISP event file, a REST search response, a feed's manifest.json, or a feed directory.
    pub file: PathBuf,
    /// What each event becomes: auto (report if published, else grouping), report, grouping.
    #[arg(
        long,
        env = "KYOYU_CONNECT_EVENT_AS",
        value_enum,
        default_value = "auto"
    )]
    pub event_as: Container,
    #[command(flatten)]
    pub hub: HubArgs,
}

#[derive(Debug, Args)]
pub struct ImportCsvArgs {
    /// The CSV file: a header row, then one IOC per row.
    pub file: PathBuf,
    /// Column with the IOC type (ip, ipv6, domain, url, email, md5, sha1, sha256, ...);
    /// when the file has no such column, the type is guessed from the value.
    #[arg(long, env = "KYOYU_CONNECT_TYPE_COLUMN", default_value = "type")]
    pub type_column: String,
    /// Column with the IOC value.
    #[arg(long, env = "KYOYU_CONNECT_VALUE_COLUMN", default_value = "value")]
    pub value_column: String,
    /// Column with a description.
    #[arg(
        long,
        env = "KYOYU_CONNECT_DESCRIPTION_COLUMN",
        default_value = "description"
    )]
    pub description_column: String,
    /// Column with the first-seen time (RFC 3339, YYYY-MM-DD, or epoch seconds).
    #[arg(
        long,
        env = "KYOYU_CONNECT_FIRST_SEEN_COLUMN",
        default_value = "first_seen"
    )]
    pub first_seen_column: String,
    /// Column with the TLP (clear, white, green, amber, amber+strict, red).
    #[arg(long, env = "KYOYU_CONNECT_TLP_COLUMN", default_value = "tlp")]
    pub tlp_column: String,
    /// Column with the confidence (0-100, or low/medium/high).
    #[arg(
        long,
        env = "KYOYU_CONNECT_CONFIDENCE_COLUMN",
        default_value = "confidence"
    )]
    pub confidence_column: String,
    /// TLP for rows without one (default: none, so the collection's default applies).
    #[arg(long, env = "KYOYU_CONNECT_DEFAULT_TLP", value_parser = parse_tlp)]
    pub default_tlp: Option<Tlp>,
    /// Names the list in the derived ids (default: the file name).
    #[arg(long, env = "KYOYU_CONNECT_SOURCE")]
    pub source: Option<String>,
    /// Field delimiter.
    #[arg(long, env = "KYOYU_CONNECT_DELIMITER", default_value_t = ',')]
    pub delimiter: char,
    #[command(flatten)]
    pub hub: HubArgs,
}

fn parse_tlp(text: &str) -> Result<Tlp, String> {
    Tlp::parse(text).ok_or_else(|| {
        format!("'{text}' is not a TLP level (clear, white, green, amber, amber+strict, red)")
    })
}
