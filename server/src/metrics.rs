//! Prometheus metrics at `/metrics`, for the people who run lapor and only for them (the
//! addresses in `--metrics-from`; everyone else gets 403): requests by route and status and
//! their latency, the live streams open, the database pool, and the outbox by state.
//!
//! Kept with the `metrics` facade and `metrics-exporter-prometheus`: counters and histograms
//! are recorded where things happen, the exporter renders them in Prometheus' text format.
//! A route is labelled by its pattern (`/laporan/{id}`), never by the path, so that no
//! tracking ID or access code ends up in a label and the number of series stays bounded.

use crate::limits::Limiters;
use app::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

const REQUESTS: &str = "lapor_http_requests_total";
const LATENCY: &str = "lapor_http_request_duration_seconds";
const STREAMS: &str = "lapor_live_streams_open";

/// Latency buckets, in seconds: from a cached page to a slow export.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder (installed on first use: a process has one).
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(LATENCY.to_owned()), &BUCKETS)
            .and_then(|b| b.install_recorder())
            .unwrap_or_else(|e| panic!("the metrics recorder: {e}"))
    })
}

/// Counts and times every request by method, route pattern and status.
pub async fn track(req: Request, next: Next) -> Response {
    handle();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "other".to_owned());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!(REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(LATENCY, "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

/// Refuses `/metrics` (403) to every client not in `--metrics-from`.
pub async fn guard(State(limiters): State<Arc<Limiters>>, req: Request, next: Next) -> Response {
    if req.uri().path() == "/metrics" && !limiters.may_read_metrics(&req) {
        return (StatusCode::FORBIDDEN, "forbidden").into_response();
    }
    next.run(req).await
}

/// `GET /metrics`: what was recorded, and the gauges read now (pool, outbox).
pub async fn scrape(State(state): State<AppState>) -> Response {
    let pool = &state.db.pool;
    metrics::gauge!("lapor_db_pool_connections").set(f64::from(pool.size()));
    metrics::gauge!("lapor_db_pool_idle").set(pool.num_idle() as f64);
    match app::notify::queue_counts(&state.db).await {
        Ok(counts) => {
            for (delivery, n) in counts {
                metrics::gauge!("lapor_outbox", "state" => delivery.code()).set(n as f64);
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the outbox could not be counted"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle().render(),
    )
        .into_response()
}

/// One open live stream, counted while it lives.
#[derive(Debug)]
pub struct OpenStream(());

impl OpenStream {
    pub fn new() -> OpenStream {
        handle();
        metrics::gauge!(STREAMS).increment(1.0);
        OpenStream(())
    }
}

impl Default for OpenStream {
    fn default() -> Self {
        OpenStream::new()
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        metrics::gauge!(STREAMS).decrement(1.0);
    }
}
