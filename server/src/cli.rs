//! The `kyoyu` command line: `serve`, `migrate`, `org add`, `token issue`.
//! Every flag also reads an environment variable (`KYOYU_LISTEN`, ...).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::auth::jwt::parse_ttl;
use crate::config::{Overrides, Settings, TlsSettings};
use crate::sharing::{OrgRole, Role};
use crate::startup::{Hub, jwt_keys, open_store};
use crate::storage::organizations::NewOrganization;
use crate::{demo, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "kyoyu",
    version,
    about = "Threat-information sharing hub (TAXII 2.1, STIX 2.1)"
)]
pub struct Cli {
    /// Configuration file (TOML); see kyoyu.example.toml.
    #[arg(long, global = true, env = "KYOYU_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL [default: sqlite://data/kyoyu.db].
    #[arg(long, global = true, env = "KYOYU_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the TAXII 2.1 API.
    Serve(ServeArgs),
    /// Create the database if needed, apply migrations and load the seed registry.
    Migrate,
    /// Manage organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Issue and revoke bearer tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// RabbitMQ: queues and bindings from the sharing policy.
    Amqp {
        #[command(subcommand)]
        command: AmqpCommand,
    },
    /// Run only the fan-out relay (outbox to RabbitMQ), e.g. beside hubs that do not.
    Dispatch {
        /// RabbitMQ URL, e.g. amqp://kyoyu:secret@127.0.0.1:5672/%2f
        #[arg(long, env = "KYOYU_AMQP_URL", value_name = "URL")]
        amqp_url: Option<String>,
    },
    /// Register and revoke client certificates (mutual TLS) of organisations.
    Cert {
        #[command(subcommand)]
        command: CertCommand,
    },
    /// Create and revoke API keys for HTTP Basic (SIEM connectors).
    Apikey {
        #[command(subcommand)]
        command: ApikeyCommand,
    },
    /// Contribution scores and the ledger (docs/scoring.md).
    Score {
        #[command(subcommand)]
        command: ScoreCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ScoreCommand {
    /// Print an organisation's score as JSON: total, components, ledger size.
    Show {
        #[arg(long, value_name = "SLUG")]
        org: String,
        /// Also print this many of its latest ledger rows.
        #[arg(long, default_value_t = 0, value_name = "N")]
        ledger: i64,
    },
    /// Rebuild the ledger from the stored objects and events, and report whether it
    /// equals the incremental one (progress on stderr, summary as JSON on stdout).
    Recompute,
}

#[derive(Debug, Subcommand)]
enum AmqpCommand {
    /// Declare the exchange and one quorum queue per organisation, and converge their
    /// bindings to the sharing policy (run again after organisations or policy change).
    Provision {
        #[arg(long, env = "KYOYU_AMQP_URL", value_name = "URL")]
        amqp_url: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum CertCommand {
    /// Map a client certificate (PEM) to an organisation; prints its fingerprint.
    Add {
        #[arg(long, value_name = "SLUG")]
        org: String,
        #[arg(long, value_name = "PEM")]
        cert: PathBuf,
        #[arg(long, default_value = "member", value_parser = ["member", "siem"])]
        role: String,
    },
    /// Stop accepting a client certificate, by its SHA-256 fingerprint.
    Revoke {
        #[arg(long)]
        fingerprint: String,
    },
}

#[derive(Debug, Subcommand)]
enum ApikeyCommand {
    /// Print a new CLIENT_ID:SECRET for an organisation (the secret is shown only once).
    Create {
        #[arg(long, value_name = "SLUG")]
        org: String,
        /// `siem` is a read-only machine client.
        #[arg(long, default_value = "siem", value_parser = ["siem", "member"])]
        role: String,
    },
    /// Revoke an API key at once.
    Revoke {
        #[arg(long, value_name = "CLIENT_ID")]
        client_id: String,
    },
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KYOYU_LISTEN", value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// RabbitMQ URL for fan-out.
    #[arg(long, env = "KYOYU_AMQP_URL", value_name = "URL")]
    amqp_url: Option<String>,
    /// PEM certificate chain: serve HTTPS (needs --tls-key).
    #[arg(long, env = "KYOYU_TLS_CERT", value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "KYOYU_TLS_KEY", value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Create one demo member per sector and an analyst, load sample objects, and
    /// print their tokens.
    #[arg(long, env = "KYOYU_DEMO")]
    demo: bool,
}

#[derive(Debug, Subcommand)]
enum OrgCommand {
    /// Register an organisation.
    Add {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// Sector slug (e.g. electricity) or CEPTOAR slug (e.g. finance-banking).
        #[arg(long, value_name = "SECTOR_SLUG")]
        sector: String,
        #[arg(long, default_value = "member", value_parser = ["member", "analyst", "admin"])]
        role: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Print a bearer token (JWT) for an organisation.
    Issue {
        #[arg(long, value_name = "SLUG")]
        org: String,
        /// Defaults to the organisation's own role; `siem` is a read-only machine client.
        #[arg(long, value_parser = ["member", "siem", "analyst", "admin"])]
        role: Option<String>,
        /// Lifetime, e.g. 90s, 15m, 12h, 30d.
        #[arg(long, default_value = "30d")]
        ttl: String,
    },
    /// Revoke a token at once, by the token itself or its `jti`.
    Revoke {
        #[arg(long, required_unless_present = "jti", conflicts_with = "jti")]
        token: Option<String>,
        #[arg(long)]
        jti: Option<String>,
    },
}

fn role_of(text: &str) -> Role {
    match text {
        "siem" => Role::Siem,
        "analyst" => Role::Analyst,
        "admin" => Role::Admin,
        _ => Role::Member,
    }
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let mut overrides = Overrides {
            database_url: self.database_url.clone(),
            ..Overrides::default()
        };
        if let Command::Serve(args) = &self.command {
            overrides.listen = args.listen;
            overrides.amqp_url = args.amqp_url.clone();
            if args.tls_cert.is_some() {
                overrides.tls = Some(TlsSettings {
                    cert: args.tls_cert.clone(),
                    key: args.tls_key.clone(),
                    client_ca: None,
                });
            }
        }
        if let Command::Amqp {
            command: AmqpCommand::Provision { amqp_url },
        }
        | Command::Dispatch { amqp_url } = &self.command
        {
            overrides.amqp_url = amqp_url.clone();
        }
        let mut settings = Settings::load(self.config.as_deref(), overrides)?;
        if !matches!(self.command, Command::Serve(_)) && std::env::var_os("RUST_LOG").is_none() {
            // One-shot commands print their result; only problems go to the log.
            settings.log.filter = "warn".into();
        }
        telemetry::init(&settings.log);

        match self.command {
            Command::Serve(args) => serve(settings, args.demo).await,
            Command::Score { command } => score(settings, command).await,
            Command::Migrate => {
                open_store(&settings).await?.close().await;
                println!("database {} is migrated and seeded", settings.database_url);
                Ok(())
            }
            Command::Org {
                command:
                    OrgCommand::Add {
                        slug,
                        name,
                        sector,
                        role,
                    },
            } => {
                let store = open_store(&settings).await?;
                let role = OrgRole::parse(&role).context("role")?;
                let organization = store
                    .add_organization(&NewOrganization {
                        slug,
                        name,
                        sector,
                        role,
                    })
                    .await
                    .context("adding the organisation")?;
                store.close().await;
                println!(
                    "{}",
                    serde_json::json!({
                        "slug": organization.slug,
                        "name": organization.name,
                        "sector": organization.sector_slug,
                        "ceptoar": organization.ceptoar_slug,
                        "role": organization.role,
                    })
                );
                Ok(())
            }
            Command::Token {
                command: TokenCommand::Revoke { token, jti },
            } => {
                let store = open_store(&settings).await?;
                let jti = match (jti, token) {
                    (Some(jti), _) => jti,
                    (None, Some(token)) => {
                        let (keys, _) = jwt_keys(&settings, &store).await?;
                        keys.verify(&token)
                            .context(
                                "the token does not verify (an expired token needs no revoking)",
                            )?
                            .jti
                            .context(
                                "the token has no jti; revoke its organisation's access instead",
                            )?
                    }
                    (None, None) => anyhow::bail!("give --token or --jti"),
                };
                store.revoke_token(&jti).await?;
                store.close().await;
                println!("revoked token {jti}");
                Ok(())
            }
            Command::Apikey {
                command: ApikeyCommand::Create { org, role },
            } => {
                let store = open_store(&settings).await?;
                let organization = organization_for(&store, &org, role_of(&role)).await?;
                let key = crate::auth::api_key::generate(&organization.slug);
                store
                    .add_api_key(&key.client_id, organization.pk, &role, &key.secret_sha256)
                    .await?;
                store.close().await;
                println!("{}:{}", key.client_id, key.secret);
                Ok(())
            }
            Command::Amqp {
                command: AmqpCommand::Provision { .. },
            } => {
                let url = settings
                    .amqp_url
                    .clone()
                    .context("give --amqp-url (or KYOYU_AMQP_URL)")?;
                let store = open_store(&settings).await?;
                let report = crate::fanout::provision::provision(&store, &url).await?;
                store.close().await;
                println!(
                    "provisioned {} queues: {} bindings added, {} removed",
                    report.queues, report.bound, report.unbound
                );
                Ok(())
            }
            Command::Dispatch { .. } => {
                let url = settings
                    .amqp_url
                    .clone()
                    .context("give --amqp-url (or KYOYU_AMQP_URL)")?;
                let store = open_store(&settings).await?;
                let metrics = std::sync::Arc::new(crate::metrics::Metrics::default());
                let relay = crate::fanout::relay::Relay::new(
                    store.clone(),
                    url,
                    settings.fanout.clone(),
                    metrics,
                );
                let (stop, stopped) = tokio::sync::watch::channel(false);
                let task = tokio::spawn(relay.run(stopped));
                crate::startup::shutdown_signal().await;
                let _ = stop.send(true);
                task.await.context("the relay failed")?;
                store.close().await;
                Ok(())
            }
            Command::Cert {
                command: CertCommand::Add { org, cert, role },
            } => {
                let (fingerprint, subject) =
                    crate::auth::client_cert::read_pem(&cert).map_err(anyhow::Error::msg)?;
                let store = open_store(&settings).await?;
                let organization = organization_for(&store, &org, role_of(&role)).await?;
                let added = store
                    .add_certificate(&fingerprint, organization.pk, &role, &subject)
                    .await?;
                store.close().await;
                anyhow::ensure!(added, "certificate {fingerprint} is registered already");
                println!("{fingerprint}");
                Ok(())
            }
            Command::Cert {
                command: CertCommand::Revoke { fingerprint },
            } => {
                let store = open_store(&settings).await?;
                let revoked = store
                    .revoke_certificate(&fingerprint.to_ascii_lowercase())
                    .await?;
                store.close().await;
                anyhow::ensure!(revoked, "no active certificate {fingerprint}");
                println!("revoked certificate {fingerprint}");
                Ok(())
            }
            Command::Apikey {
                command: ApikeyCommand::Revoke { client_id },
            } => {
                let store = open_store(&settings).await?;
                let revoked = store.revoke_api_key(&client_id).await?;
                store.close().await;
                anyhow::ensure!(revoked, "no active API key '{client_id}'");
                println!("revoked API key {client_id}");
                Ok(())
            }
            Command::Token {
                command: TokenCommand::Issue { org, role, ttl },
            } => {
                let ttl = parse_ttl(&ttl)
                    .map_err(anyhow::Error::msg)
                    .context("--ttl")?;
                let store = open_store(&settings).await?;
                let organization = store.organization(&org).await?.with_context(|| {
                    format!("no organisation '{org}' (add it with `kyoyu org add`)")
                })?;
                let role = role
                    .as_deref()
                    .map_or(organization.role.default_credential(), role_of);
                anyhow::ensure!(
                    organization.role.may_issue(role),
                    "organisation '{org}' is a {}; it cannot hold a token with role '{}'",
                    organization.role.as_str(),
                    role.as_str()
                );
                let (keys, _) = jwt_keys(&settings, &store).await?;
                store.close().await;
                println!("{}", keys.issue(&organization.slug, role, ttl)?);
                Ok(())
            }
        }
    }
}

/// The organisation `slug`, which must be allowed credentials of `role`.
async fn organization_for(
    store: &crate::storage::Store,
    slug: &str,
    role: Role,
) -> anyhow::Result<crate::storage::organizations::Organization> {
    let organization = store
        .organization(slug)
        .await?
        .with_context(|| format!("no organisation '{slug}' (add it with `kyoyu org add`)"))?;
    anyhow::ensure!(
        organization.role.may_issue(role),
        "organisation '{slug}' is a {}; it cannot hold a credential with role '{}'",
        organization.role.as_str(),
        role.as_str()
    );
    Ok(organization)
}

async fn serve(settings: Settings, with_demo: bool) -> anyhow::Result<()> {
    let listen = settings.listen;
    let root = settings.taxii.api_root.clone();
    let demo_settings = settings.clone();
    let hub = Hub::build(settings).await?;
    let url = format!("{}://{}:{}", hub.scheme(), listen.ip(), hub.port());
    if with_demo {
        demo::create(hub.store(), &demo_settings, &url)
            .await
            .context("creating demo data")?;
    }
    tracing::info!(%url, "serving TAXII 2.1 at {url}/taxii2/");
    // One plain line on stdout, for people and for scripts that started us on port 0.
    println!("kyoyu listening on {url}/taxii2/{root}/");
    hub.run_until_stopped().await
}

async fn score(settings: Settings, command: ScoreCommand) -> anyhow::Result<()> {
    let store = open_store(&settings).await?;
    let scoring = crate::scoring::Scoring::new(store.clone(), settings.scoring.clone());
    match command {
        ScoreCommand::Show { org, ledger } => {
            let organization = store
                .organization(&org)
                .await?
                .with_context(|| format!("no organisation '{org}'"))?;
            // The command waits for the whole ledger, however far behind it is.
            scoring
                .catch_up()
                .await
                .context("bringing the ledger up to date")?;
            let score = scoring
                .score_with(&organization, ledger, None, true)
                .await
                .context("reading the score")?;
            let mut json = serde_json::to_value(&score)?;
            if ledger == 0
                && let Some(map) = json.as_object_mut()
            {
                map.remove("ledger");
            }
            println!("{json}");
        }
        ScoreCommand::Recompute => {
            let started = std::time::Instant::now();
            let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
            let mut shown = std::time::Instant::now();
            let summary = scoring
                .recompute(|facts| {
                    // At most once a second: a rewritten line on a terminal, lines in logs.
                    if shown.elapsed() >= std::time::Duration::from_secs(1) {
                        shown = std::time::Instant::now();
                        let end = if terminal { "\r" } else { "\n" };
                        eprint!("recomputing the ledger: {facts} facts applied{end}");
                    }
                })
                .await
                .context("recomputing the ledger")?;
            eprintln!(
                "recomputed the ledger: {} facts, {} rows in {:.1} s{}",
                summary.facts,
                summary.ledger_rows,
                started.elapsed().as_secs_f64(),
                if summary.identical {
                    "; identical to the incremental ledger"
                } else {
                    "; it DIFFERS from the incremental ledger (now replaced)"
                }
            );
            println!("{}", serde_json::to_string(&summary)?);
        }
    }
    store.close().await;
    Ok(())
}
