//! `Hub`: builds the application (store, keys, routes, listener) and runs it until
//! SIGINT or SIGTERM, then stops gracefully.

use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{NormalizePath, TrailingSlash};
use actix_web::{App, HttpResponse, HttpServer, web};
use anyhow::Context;

use crate::audit::{AuditSink, AuditWriter};
use crate::auth::JwtKeys;
use crate::config::Settings;
use crate::error::{ApiError, ErrorCode, error_body};
use crate::fanout::relay::Relay;
use crate::metrics::{self, Metrics};
use crate::scoring::{self, Scoring};
use crate::sharing::registry::Seeds;
use crate::storage::Store;
use crate::taxii::cursor::CursorKey;
use crate::taxii::media_type::TAXII_JSON;
use crate::taxii::{collections, discovery, objects, status};
use crate::{health, telemetry};

pub struct Hub {
    port: u16,
    scheme: &'static str,
    server: Server,
    store: Store,
    audit: AuditWriter,
    /// The fan-out relay, when a broker is configured.
    relay: Option<tokio::task::JoinHandle<()>>,
    stop_relay: tokio::sync::watch::Sender<bool>,
    /// The background scorer, unless `scoring.enabled` is off.
    scorer: Option<tokio::task::JoinHandle<()>>,
}

/// Opens the database, applies migrations and loads the seed registry.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::open(&settings.database_url, &settings.database)
        .await
        .with_context(|| format!("opening the database at {}", settings.database_url))?;
    let seeds = Seeds::embedded().context("parsing the embedded seed registry")?;
    store
        .load_seeds(&seeds)
        .await
        .context("loading the seed registry")?;
    Ok(store)
}

/// The token keys: the configured secret, else the one kept in the database.
pub async fn jwt_keys(settings: &Settings, store: &Store) -> anyhow::Result<(JwtKeys, Vec<u8>)> {
    let secret = match &settings.auth.jwt_secret {
        Some(secret) if secret.len() >= 32 => secret.as_bytes().to_vec(),
        Some(_) => anyhow::bail!("auth.jwt_secret must be at least 32 bytes"),
        None => store
            .jwt_secret()
            .await
            .context("reading the hub's signing secret")?,
    };
    let mut keys = JwtKeys::hs256(&secret, &settings.auth.issuer, &settings.auth.audience);
    if let Some(idp) = &settings.auth.external {
        keys = keys
            .with_external(idp)
            .context("loading the external identity provider's keys (auth.external)")?;
    }
    Ok((keys, secret))
}

impl Hub {
    /// Connects, migrates, binds and prepares the server; `run_until_stopped` serves.
    pub async fn build(settings: Settings) -> anyhow::Result<Hub> {
        let store = open_store(&settings).await?;
        let (keys, secret) = jwt_keys(&settings, &store).await?;
        let cursor_key = CursorKey::derive(&secret);
        let listener = TcpListener::bind(settings.listen)
            .with_context(|| format!("binding {}", settings.listen))?;
        let port = listener.local_addr()?.port();
        let tls = tls_config(&settings)?;
        let scheme = if tls.is_some() { "https" } else { "http" };

        let api_root = settings.taxii.api_root.clone();
        let (audit_sink, audit) = AuditSink::spawn(store.clone());
        let audit_data = web::Data::new(audit_sink);
        let store_data = web::Data::new(store.clone());
        let settings_data = web::Data::new(settings);
        let keys_data = web::Data::new(keys);
        let cursor_data = web::Data::new(cursor_key);
        let metrics_data = web::Data::new(Metrics::default());
        let (stop_relay, relay_stopped) = tokio::sync::watch::channel(false);
        let relay = settings_data.amqp_url.clone().map(|url| {
            let relay = Relay::new(
                store.clone(),
                url,
                settings_data.fanout.clone(),
                metrics_data.clone().into_inner(),
            );
            tokio::spawn(relay.run(relay_stopped))
        });
        if relay.is_none() {
            tracing::info!("no amqp_url: fan-out duties wait in the outbox");
        }
        let scoring = Scoring::new(store.clone(), settings_data.scoring.clone());
        let scorer = settings_data
            .scoring
            .enabled
            .then(|| scoring.clone().spawn());
        let scoring_data = web::Data::new(scoring);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(store_data.clone())
                .app_data(settings_data.clone())
                .app_data(keys_data.clone())
                .app_data(cursor_data.clone())
                .app_data(metrics_data.clone())
                .app_data(audit_data.clone())
                .app_data(scoring_data.clone())
                .configure(|config| routes(config, &api_root))
                .configure(crate::console::routes)
                .default_service(web::to(not_found))
                .wrap_fn(taxii_errors)
                .wrap_fn(metrics::record_request)
                .wrap(NormalizePath::new(TrailingSlash::Always))
                .wrap_fn(telemetry::with_request_span)
        })
        .on_connect(crate::auth::client_cert::on_connect)
        .disable_signals()
        .shutdown_timeout(10);
        let server = match tls {
            Some(config) => server.listen_rustls_0_23(listener, config)?,
            None => server.listen(listener)?,
        }
        .run();
        Ok(Hub {
            audit,
            relay,
            scorer,
            stop_relay,
            port,
            scheme,
            server,
            store,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until SIGINT or SIGTERM, then finishes in-flight requests (10 s at most)
    /// and closes the database.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let handle = self.server.handle();
        let server = tokio::spawn(self.server);
        shutdown_signal().await;
        tracing::info!("shutting down");
        handle.stop(true).await;
        server
            .await
            .context("joining the HTTP server")?
            .context("serving HTTP")?;
        let _ = self.stop_relay.send(true);
        if let Some(relay) = self.relay
            && let Err(error) = relay.await
        {
            tracing::error!(%error, "the fan-out relay failed");
        }
        if let Some(scorer) = self.scorer {
            // A batch cut short rolls back; the next start resumes from the last commit.
            scorer.abort();
        }
        self.audit.stop().await;
        self.store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}

fn tls_config(settings: &Settings) -> anyhow::Result<Option<rustls::ServerConfig>> {
    let (Some(cert), Some(key)) = (&settings.tls.cert, &settings.tls.key) else {
        return Ok(None);
    };
    let mut cert_reader = std::io::BufReader::new(
        std::fs::File::open(cert)
            .with_context(|| format!("opening tls.cert {}", cert.display()))?,
    );
    let chain = rustls_pemfile::certs(&mut cert_reader)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("reading certificates from {}", cert.display()))?;
    anyhow::ensure!(
        !chain.is_empty(),
        "tls.cert {} holds no certificate",
        cert.display()
    );
    let mut key_reader = std::io::BufReader::new(
        std::fs::File::open(key).with_context(|| format!("opening tls.key {}", key.display()))?,
    );
    let private_key = rustls_pemfile::private_key(&mut key_reader)
        .with_context(|| format!("reading the private key from {}", key.display()))?
        .with_context(|| format!("tls.key {} holds no private key", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    // TLS 1.2 and 1.3 only, as TAXII 2.1 requires.
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .context("configuring TLS versions")?;
    let builder = match &settings.tls.client_ca {
        None => builder.with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            let mut reader = std::io::BufReader::new(
                std::fs::File::open(path)
                    .with_context(|| format!("opening tls.client_ca {}", path.display()))?,
            );
            for certificate in rustls_pemfile::certs(&mut reader) {
                let certificate =
                    certificate.with_context(|| format!("reading {}", path.display()))?;
                roots
                    .add(certificate)
                    .with_context(|| format!("a CA in {} is not usable", path.display()))?;
            }
            anyhow::ensure!(
                !roots.is_empty(),
                "tls.client_ca {} holds no certificate",
                path.display()
            );
            // Optional: members without a certificate still use tokens or API keys.
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .allow_unauthenticated()
            .build()
            .context("configuring client certificate verification")?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let config = builder
        .with_single_cert(chain, private_key)
        .context("the TLS certificate and key do not form a usable pair")?;
    Ok(Some(config))
}

/// A resource whose unknown methods answer 405 as a TAXII error.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

/// Every route of the hub. TAXII paths end in `/`; `NormalizePath` adds a missing one.
pub fn routes(config: &mut web::ServiceConfig, api_root: &str) {
    config
        .service(resource("/healthz/").route(web::get().to(health::healthz)))
        .service(resource("/readyz/").route(web::get().to(health::readyz)))
        .service(resource("/metrics/").route(web::get().to(metrics::get_metrics)))
        .service(resource("/taxii2/").route(web::get().to(discovery::get_discovery)))
        .service(resource("/admin/audit/").route(web::get().to(crate::admin::get_audit_log)))
        .service(resource("/scores/me/").route(web::get().to(scoring::http::get_own_score)))
        .service(
            resource("/scores/organizations/{slug}/")
                .route(web::get().to(scoring::http::get_organization_score)),
        )
        .service(
            resource("/scores/leaderboard/").route(web::get().to(scoring::http::get_leaderboard)),
        )
        .service(resource("/sightings/").route(web::get().to(scoring::http::get_sightings)))
        .service(
            resource("/triage/decisions/").route(web::post().to(crate::decisions::add_decision)),
        )
        .service(
            resource("/correlations/").route(web::get().to(crate::correlation::get_correlations)),
        )
        .service(
            web::scope(&format!("/taxii2/{api_root}"))
                .service(resource("/").route(web::get().to(discovery::get_api_root)))
                .service(resource("/status/{status}/").route(web::get().to(status::get_status)))
                .service(
                    resource("/collections/").route(web::get().to(collections::get_collections)),
                )
                .service(
                    resource("/collections/{collection}/")
                        .route(web::get().to(collections::get_collection)),
                )
                .service(
                    resource("/collections/{collection}/objects/")
                        .route(web::get().to(objects::get_objects))
                        .route(web::post().to(objects::add_objects)),
                )
                .service(
                    resource("/collections/{collection}/objects/{object}/")
                        .route(web::get().to(objects::get_object))
                        .route(web::delete().to(objects::delete_object)),
                )
                .service(
                    resource("/collections/{collection}/objects/{object}/versions/")
                        .route(web::get().to(objects::get_object_versions)),
                )
                .service(
                    resource("/collections/{collection}/manifest/")
                        .route(web::get().to(objects::get_manifest)),
                )
                .default_service(web::to(not_found)),
        );
}

async fn not_found(request: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::NotFound,
        format!("there is no resource at {}", request.path()),
    ))
}

async fn method_not_allowed(request: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!(
            "{} is not supported on {}",
            request.method(),
            request.path()
        ),
    ))
}

/// Middleware body: any error the framework answers on its own (bad request line,
/// payload errors, ...) is turned into a TAXII error message too.
fn taxii_errors<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>> + use<S, B>
where
    S: actix_web::dev::Service<
            ServiceRequest,
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: MessageBody,
{
    // The console answers its own errors as HTML pages.
    let exempt = request.path().starts_with("/readyz") || request.path().starts_with("/console");
    let response = service.call(request);
    async move {
        let response = response.await?;
        let status = response.status();
        let already_taxii = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == TAXII_JSON.as_bytes());
        if exempt || !(status.is_client_error() || status.is_server_error()) || already_taxii {
            return Ok(response.map_into_left_body());
        }
        let code = ErrorCode::for_status(status);
        let detail = status
            .canonical_reason()
            .unwrap_or("the request could not be served");
        let (request, _) = response.into_parts();
        let replacement = HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(TAXII_JSON)))
            .body(error_body(code, detail));
        Ok(ServiceResponse::new(request, replacement).map_into_right_body())
    }
}
