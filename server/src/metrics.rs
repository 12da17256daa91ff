//! Prometheus metrics: requests and latencies by route, objects accepted and refused by
//! reason, database pool use. Served at `/metrics` in the OpenMetrics text format.

use std::future::Future;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{HttpResponse, web};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::storage::Store;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    accepted: Counter,
    refused: Family<ReasonLabels, Counter>,
    pool: Family<PoolLabels, Gauge>,
    published: Counter,
    failed_confirms: Counter,
    outbox_waiting: Gauge,
    outbox_oldest_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
    ledger_waiting: Gauge,
    ledger_oldest_seconds: Gauge<f64, std::sync::atomic::AtomicU64>,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 8 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("kyoyu");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let accepted = Counter::default();
        let refused = Family::<ReasonLabels, Counter>::default();
        let pool = Family::<PoolLabels, Gauge>::default();
        let published = Counter::default();
        let failed_confirms = Counter::default();
        let outbox_waiting = Gauge::default();
        let outbox_oldest_seconds = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        let ledger_waiting = Gauge::default();
        let ledger_oldest_seconds = Gauge::<f64, std::sync::atomic::AtomicU64>::default();
        registry.register(
            "http_requests",
            "HTTP requests served, by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to serve a request, by route",
            latency.clone(),
        );
        registry.register(
            "objects_accepted",
            "STIX objects accepted into a collection",
            accepted.clone(),
        );
        registry.register(
            "objects_refused",
            "STIX objects refused, by reason",
            refused.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database pool connections, by state",
            pool.clone(),
        );
        registry.register(
            "fanout_published",
            "Messages the broker confirmed",
            published.clone(),
        );
        registry.register(
            "fanout_failed_confirms",
            "Messages the broker refused (nack); retried",
            failed_confirms.clone(),
        );
        registry.register(
            "outbox_waiting",
            "Fan-out duties not yet confirmed by the broker",
            outbox_waiting.clone(),
        );
        registry.register(
            "outbox_oldest_age_seconds",
            "Age of the oldest fan-out duty waiting (0 when none)",
            outbox_oldest_seconds.clone(),
        );
        registry.register(
            "ledger_waiting_versions",
            "Stored object versions the contribution ledger has not scored yet",
            ledger_waiting.clone(),
        );
        registry.register(
            "ledger_oldest_age_seconds",
            "Age of the oldest version waiting to be scored (0 when none)",
            ledger_oldest_seconds.clone(),
        );
        Metrics {
            ledger_waiting,
            ledger_oldest_seconds,
            published,
            failed_confirms,
            outbox_waiting,
            outbox_oldest_seconds,
            registry,
            requests,
            latency,
            accepted,
            refused,
            pool,
        }
    }
}

impl Metrics {
    /// Counts one "Add Objects" request's outcome: `invalid` failed validation,
    /// `conflicting` clashed with a stored version.
    pub fn record_ingest(&self, accepted: u64, invalid: u64, conflicting: u64) {
        self.accepted.inc_by(accepted);
        self.refused
            .get_or_create(&ReasonLabels { reason: "invalid" })
            .inc_by(invalid);
        self.refused
            .get_or_create(&ReasonLabels {
                reason: "version-conflict",
            })
            .inc_by(conflicting);
    }

    pub fn record_published(&self, messages: u64) {
        self.published.inc_by(messages);
    }

    pub fn record_failed_confirm(&self) {
        self.failed_confirms.inc();
    }

    fn observe(&self, method: String, route: String, status: u16, seconds: f64) {
        self.latency
            .get_or_create(&RouteLabels {
                method: method.clone(),
                route: route.clone(),
            })
            .observe(seconds);
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
    }
}

/// Middleware body: times the request under its route pattern (never its raw path, so
/// ids do not explode the label set).
pub fn record_request<S, B>(
    request: ServiceRequest,
    service: &S,
) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
where
    S: actix_web::dev::Service<
            ServiceRequest,
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: MessageBody,
{
    let started = Instant::now();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().to_string();
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let response = service.call(request);
    async move {
        let response = response.await?;
        if let Some(metrics) = metrics {
            metrics.observe(
                method,
                route,
                response.status().as_u16(),
                started.elapsed().as_secs_f64(),
            );
        }
        Ok(response)
    }
}

/// `GET /metrics`.
pub async fn get_metrics(metrics: web::Data<Metrics>, store: web::Data<Store>) -> HttpResponse {
    let pool = store.pool();
    let idle = i64::try_from(pool.num_idle()).unwrap_or(i64::MAX);
    let size = i64::from(pool.size());
    metrics
        .pool
        .get_or_create(&PoolLabels { state: "idle" })
        .set(idle);
    metrics
        .pool
        .get_or_create(&PoolLabels { state: "in_use" })
        .set(size - idle);
    match store.outbox_lag().await {
        Ok((waiting, oldest)) => {
            metrics.outbox_waiting.set(waiting);
            let age = oldest.map_or(0.0, |enqueued| {
                (crate::stix::timestamp::Instant::now_micros() - enqueued).max(0) as f64 / 1e6
            });
            metrics.outbox_oldest_seconds.set(age);
        }
        Err(error) => tracing::warn!(%error, "outbox lag unavailable"),
    }
    match store.ledger_lag().await {
        Ok((waiting, oldest)) => {
            metrics.ledger_waiting.set(waiting);
            let age = oldest.map_or(0.0, |added| {
                (crate::stix::timestamp::Instant::now_micros() - added).max(0) as f64 / 1e6
            });
            metrics.ledger_oldest_seconds.set(age);
        }
        Err(error) => tracing::warn!(%error, "ledger lag unavailable"),
    }
    let mut text = String::new();
    if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &metrics.registry) {
        tracing::error!(%error, "metrics could not be encoded");
        return HttpResponse::InternalServerError().finish();
    }
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(text)
}
