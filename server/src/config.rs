//! `Settings`: defaults in code <- `--config kyoyu.toml` <- `KYOYU_*` environment <- flags.
//! Nested keys use `__` in the environment: `KYOYU_TAXII__MAX_PAGE_SIZE=5000`.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address the HTTP(S) listener binds; port 0 picks a free port.
    pub listen: SocketAddr,
    /// `sqlite://PATH` (created on first start) or, later, `postgres://...`.
    pub database_url: String,
    /// RabbitMQ for fan-out; unset means the outbox waits.
    pub amqp_url: Option<String>,
    /// Base URL clients use to reach the hub (e.g. behind a proxy); discovery links are
    /// built from the request's Host header when unset.
    pub public_url: Option<String>,
    pub tls: TlsSettings,
    pub taxii: TaxiiSettings,
    pub auth: AuthSettings,
    pub database: DatabaseSettings,
    pub fanout: FanoutSettings,
    pub scoring: ScoringSettings,
    pub log: LogSettings,
    pub console: ConsoleSettings,
}

/// The coordination center's web console (docs/console.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleSettings {
    /// A session ends this many hours after sign-in, whatever the activity.
    pub session_hours: u32,
    /// A session ends after this many minutes without a request.
    pub idle_minutes: u32,
    /// Rows per queue page.
    pub page_size: u32,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        ConsoleSettings {
            session_hours: 8,
            idle_minutes: 30,
            page_size: 50,
        }
    }
}

/// The contribution ledger (docs/scoring.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringSettings {
    /// Score the ledger in the background while serving; off, the ledger catches up
    /// when a score is read.
    pub enabled: bool,
    /// Points lose half their weight every this many days.
    pub half_life_days: f64,
    /// Facts applied per transaction.
    pub batch_size: u32,
    /// The background scorer waits until ingest has been quiet this long...
    pub idle_ms: u64,
    /// ...unless the ledger is this far behind.
    pub max_lag_seconds: u64,
    /// A score read first brings the ledger up to date, for at most this long.
    pub read_catch_up_ms: u64,
}

impl Default for ScoringSettings {
    fn default() -> Self {
        ScoringSettings {
            enabled: true,
            half_life_days: 90.0,
            batch_size: 2000,
            idle_ms: 250,
            max_lag_seconds: 60,
            read_catch_up_ms: 2000,
        }
    }
}

/// The outbox relay (active when `amqp_url` is set).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FanoutSettings {
    /// Duties claimed and published per round.
    pub batch_size: u32,
    /// How long a claimed duty is reserved for one dispatcher before another may take it.
    pub lease_seconds: u64,
    /// How often an idle relay looks at the outbox (commits wake it sooner).
    pub poll_interval_ms: u64,
}

impl Default for FanoutSettings {
    fn default() -> Self {
        FanoutSettings {
            batch_size: 500,
            lease_seconds: 30,
            poll_interval_ms: 1000,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsSettings {
    /// PEM certificate chain; with `key`, the hub serves HTTPS (TLS 1.2 and 1.3 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert: Option<PathBuf>,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<PathBuf>,
    /// PEM bundle of the CAs that sign members' client certificates. Set: clients may
    /// authenticate with a certificate registered by `kyoyu cert add` (mutual TLS);
    /// clients without one still use tokens or API keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ca: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaxiiSettings {
    /// Name of the one API root: served at `/taxii2/<api_root>/`.
    pub api_root: String,
    pub title: String,
    pub description: String,
    pub contact: String,
    /// Objects per page when the client sends no `limit`.
    pub default_page_size: u32,
    /// Largest `limit` honoured; larger requests are served this many.
    pub max_page_size: u32,
    /// Largest request body accepted, in bytes (the API root's `max_content_length`).
    pub max_content_length: usize,
    /// Refuse custom content (object types, properties and extensions STIX does not
    /// define, unless an extension definition declares them). Off: accepted, with a
    /// warning where the spec asks for the `x-`/`x_` prefix.
    pub reject_custom_content: bool,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// `iss` of tokens the hub issues and accepts.
    pub issuer: String,
    /// `aud` of tokens the hub issues and accepts.
    pub audience: String,
    /// HS256 signing secret. Unset: a random secret generated on first start and kept in
    /// the database, so every CLI command and hub instance sharing it agree.
    pub jwt_secret: Option<String>,
    /// An external identity provider whose RS256/ES256/EdDSA tokens are accepted.
    pub external: Option<ExternalIdp>,
}

/// An external identity provider. Its tokens carry the organisation's slug in `sub`
/// (and optionally a `role`), and a `kid` naming one of the keys below.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalIdp {
    /// Required `iss` of its tokens.
    pub issuer: String,
    /// Required `aud` of its tokens.
    pub audience: String,
    /// A JWKS document (RFC 7517) with its public keys; every key needs a `kid`.
    #[serde(default)]
    pub jwks_file: Option<PathBuf>,
    /// Public keys as PEM files.
    #[serde(default)]
    pub public_keys: Vec<PublicKeyFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyFile {
    pub kid: String,
    /// `RS256`, `ES256` or `EdDSA`.
    pub algorithm: String,
    pub pem_file: PathBuf,
}

impl fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSettings")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field(
                "jwt_secret",
                &self.jwt_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    pub max_connections: u32,
    /// SQLite page cache per connection, in MiB. Memory stays bounded by
    /// `max_connections` times this, whatever the size of the database; a larger cache
    /// keeps ingest fast as the indexes grow.
    pub sqlite_cache_mib: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `text` (human-readable) or `json`.
    pub format: LogFormat,
    /// A `tracing` filter, e.g. `info` or `kyoyu=debug,info`; `RUST_LOG` wins when set.
    pub filter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/kyoyu.db".into(),
            amqp_url: None,
            public_url: None,
            tls: TlsSettings::default(),
            taxii: TaxiiSettings::default(),
            auth: AuthSettings::default(),
            database: DatabaseSettings::default(),
            fanout: FanoutSettings::default(),
            scoring: ScoringSettings::default(),
            log: LogSettings::default(),
            console: ConsoleSettings::default(),
        }
    }
}

impl Default for TaxiiSettings {
    fn default() -> Self {
        TaxiiSettings {
            api_root: "hub".into(),
            title: "Kyoyu".into(),
            description: "Threat-information sharing hub for critical-infrastructure sectors"
                .into(),
            contact: String::new(),
            default_page_size: 1000,
            max_page_size: 10_000,
            max_content_length: 10 * 1024 * 1024,
            reject_custom_content: false,
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            issuer: "kyoyu".into(),
            audience: "kyoyu".into(),
            jwt_secret: None,
            external: None,
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        DatabaseSettings {
            max_connections: 8,
            sqlite_cache_mib: 16,
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            format: LogFormat::Text,
            filter: "info".into(),
        }
    }
}

/// Values given as flags; `None` leaves the lower layers' value.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amqp_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsSettings>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    #[error("invalid configuration: {0}")]
    Invalid(#[from] Box<figment::Error>),
    #[error("invalid configuration: {0}")]
    Inconsistent(&'static str),
}

impl Settings {
    /// Loads the layers in order; a bad value fails naming its key.
    pub fn load(file: Option<&Path>, overrides: Overrides) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError::MissingFile(file.to_owned()));
            }
            figment = figment.merge(Toml::file(file));
        }
        let env = Env::prefixed("KYOYU_")
            .split("__")
            .filter(|key| KNOWN_TOP_LEVEL.contains(&key.as_str().split('.').next().unwrap_or("")));
        let settings: Settings = figment
            .merge(env)
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(Box::new)?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.tls.cert.is_some() != self.tls.key.is_some() {
            return Err(ConfigError::Inconsistent(
                "tls.cert and tls.key go together",
            ));
        }
        if self.taxii.default_page_size == 0 || self.taxii.max_page_size == 0 {
            return Err(ConfigError::Inconsistent(
                "taxii page sizes must be at least 1",
            ));
        }
        if self.taxii.default_page_size > self.taxii.max_page_size {
            return Err(ConfigError::Inconsistent(
                "taxii.default_page_size exceeds taxii.max_page_size",
            ));
        }
        let root = &self.taxii.api_root;
        if root.is_empty()
            || !root
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ConfigError::Inconsistent(
                "taxii.api_root must be a non-empty name of a-z, 0-9, '-' or '_'",
            ));
        }
        Ok(())
    }
}

/// Environment variables outside these keys (`KYOYU_BIN`, ...) are not settings.
const KNOWN_TOP_LEVEL: &[&str] = &[
    "listen",
    "database_url",
    "amqp_url",
    "public_url",
    "tls",
    "taxii",
    "auth",
    "database",
    "fanout",
    "log",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let settings = Settings::default();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.database_url, "sqlite://data/kyoyu.db");
        assert_eq!(settings.taxii.api_root, "hub");
    }

    #[test]
    fn the_example_file_parses_and_flags_win() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kyoyu.example.toml");
        let overrides = Overrides {
            database_url: Some("sqlite://elsewhere.db".into()),
            ..Overrides::default()
        };
        let settings = Settings::load(Some(&example), overrides).expect("example parses");
        assert_eq!(settings.database_url, "sqlite://elsewhere.db");
    }
}
