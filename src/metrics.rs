//! Prometheus metrics (`/metrics`) and the health check (`/healthz`).
//!
//! Counters live in this process; queue gauges (pending deliveries and the age of the oldest,
//! per receiving server) are read from the database at each scrape, so every node reports the
//! shared queue and a stalled queue shows as a growing age, not as silence.

use crate::state::AppState;
use activitypub_federation::config::Data;
use axum::{
    extract::{MatchedPath, Request},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use prometheus_client::{
    encoding::text::encode,
    metrics::{counter::Counter, family::Family, gauge::Gauge},
    registry::Registry,
};
use std::sync::{Arc, atomic::AtomicU64};

type Labels = Vec<(String, String)>;

/// The process's counters.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    http_requests: Family<Labels, Counter>,
    inbox: Family<Labels, Counter>,
    deliveries_sent: Family<Labels, Counter>,
    deliveries_failed: Family<Labels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("passerelle");
        let http_requests = Family::<Labels, Counter>::default();
        let inbox = Family::<Labels, Counter>::default();
        let deliveries_sent = Family::<Labels, Counter>::default();
        let deliveries_failed = Family::<Labels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests served, by method, route and status",
            http_requests.clone(),
        );
        registry.register(
            "inbox_activities",
            "Activities POSTed to our inboxes, by result (accepted, duplicate, refused) and refusal reason",
            inbox.clone(),
        );
        registry.register(
            "deliveries_sent",
            "Activities delivered, by receiving server",
            deliveries_sent.clone(),
        );
        registry.register(
            "deliveries_failed",
            "Failed delivery attempts, by receiving server and kind (retry: will be retried; refused: dropped)",
            deliveries_failed.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            http_requests,
            inbox,
            deliveries_sent,
            deliveries_failed,
        }
    }
}

impl Metrics {
    pub fn inbox(&self, result: &str, reason: &str) {
        self.inbox
            .get_or_create(&vec![
                ("result".into(), result.into()),
                ("reason".into(), reason.into()),
            ])
            .inc();
    }

    pub fn delivery_sent(&self, host: &str) {
        self.deliveries_sent
            .get_or_create(&vec![("instance".into(), host.into())])
            .inc();
    }

    pub fn delivery_failed(&self, host: &str, kind: &str) {
        self.deliveries_failed
            .get_or_create(&vec![
                ("instance".into(), host.into()),
                ("kind".into(), kind.into()),
            ])
            .inc();
    }
}

/// Counts every HTTP request by route template (not raw path, to keep label sets bounded).
pub async fn count_requests(data: Data<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    data.metrics
        .http_requests
        .get_or_create(&vec![
            ("method".into(), method),
            ("route".into(), route),
            ("status".into(), response.status().as_u16().to_string()),
        ])
        .inc();
    response
}

/// `GET /metrics`
pub async fn metrics(data: Data<AppState>) -> Response {
    let mut out = String::new();
    if encode(&mut out, &data.metrics.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let queues = data.db.read(crate::federation::delivery::queue_state).await;
    if let Ok(queues) = queues {
        let mut registry = Registry::with_prefix("passerelle");
        let pending = Family::<Labels, Gauge>::default();
        let oldest = Family::<Labels, Gauge<f64, AtomicU64>>::default();
        let unreachable = Family::<Labels, Gauge>::default();
        registry.register(
            "deliveries_pending",
            "Deliveries waiting, by receiving server",
            pending.clone(),
        );
        registry.register(
            "deliveries_oldest_pending_seconds",
            "Age of the oldest waiting delivery, by receiving server",
            oldest.clone(),
        );
        registry.register(
            "instance_unreachable",
            "1 when a receiving server has been failing longer than federation.unreachable_after",
            unreachable.clone(),
        );
        let now = crate::db::now();
        for q in queues {
            let labels = vec![("instance".to_string(), q.host.clone())];
            pending.get_or_create(&labels).set(q.pending);
            unreachable.get_or_create(&labels).set(q.unreachable as i64);
            let age = q
                .oldest_pending
                .map(|o| (now - o).num_milliseconds() as f64 / 1000.0)
                .unwrap_or(0.0);
            oldest.get_or_create(&labels).set(age);
        }
        let mut extra = String::new();
        if encode(&mut extra, &registry).is_ok() {
            // both encodings end with "# EOF"; keep a single one at the very end
            out = out.trim_end().trim_end_matches("# EOF").to_string();
            out.push_str(&extra);
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub async fn healthz(data: Data<AppState>) -> Response {
    if data.db.ping().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
    }
}
