//! `/healthz`: the process answers. `/readyz`: the store answers and every adapter is ready
//! (its [`Readiness`]: Socket Mode or the Gateway up, for instance); 503 with the reason
//! otherwise, so a load balancer or orchestrator sends no traffic to a bot that cannot take it.
//! A ready answer also counts the outbox's dead letters (posts given up): something for a person
//! to look at, but no reason to take the bot out of service.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use crate::chat::readiness::Readiness;
use crate::engine::Engine;

struct Health {
    engine: Arc<Engine>,
    adapters: Vec<Arc<dyn Readiness>>,
}

pub fn routes(engine: Arc<Engine>, adapters: Vec<Arc<dyn Readiness>>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .with_state(Arc::new(Health { engine, adapters }))
}

async fn ready(State(health): State<Arc<Health>>) -> (StatusCode, String) {
    if let Err(error) = health.engine.store().ping().await {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("store: {}\n", crate::error_text::with_causes(&error)),
        );
    }
    for adapter in &health.adapters {
        if let Err(reason) = adapter.ready() {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("{}: {reason}\n", adapter.platform().as_str()),
            );
        }
    }
    (
        StatusCode::OK,
        format!("ready\n{}\n", dead_letters(&health).await),
    )
}

/// The dead-letter line of a ready answer.
async fn dead_letters(health: &Health) -> String {
    match health.engine.store().dead_letter_count().await {
        Ok(0) => "outbox dead letters: 0".to_string(),
        Ok(count) => format!(
            "outbox dead letters: {count} (posts given up; `incident-bot outbox` lists them)"
        ),
        Err(error) => format!(
            "outbox dead letters: unknown ({})",
            crate::error_text::with_causes(&error)
        ),
    }
}
