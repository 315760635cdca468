//! The alert routes: `POST /alerts/alertmanager` and `/alerts/grafana` (bearer `ALERTS_TOKEN`)
//! and `POST /alerts/pagerduty` (PagerDuty's v3 signature under `PAGERDUTY_WEBHOOK_SECRET`),
//! each served only when its secret is set. A request is checked before anything else happens:
//! its token or signature (401, nothing stored), a bounded body (413), a body that decodes (400
//! with the reason). Each alert of an accepted body is taken through the engine and committed
//! before the answer, so a sender that sees 200 will not need to send it again, and one that
//! retries changes nothing twice; a failure is 500, and the sender retries.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use crate::alerts::settings::{AlertsSettings, BearerToken};
use crate::alerts::{alertmanager, pagerduty, Alert, AlertSource};
use crate::chat::signed::refusal;
use crate::engine::{AlertRoute, AlertTaken, Engine};

/// Largest Alertmanager or Grafana body taken (a group of alerts; the server reads 2 MiB at most).
const MAX_GROUP_BYTES: usize = 1024 * 1024;
/// Largest PagerDuty body taken (one event).
const MAX_EVENT_BYTES: usize = 256 * 1024;

struct AlertsHttp {
    engine: Arc<Engine>,
    route: AlertRoute,
    token: Option<BearerToken>,
    pagerduty: Option<pagerduty::WebhookSecret>,
}

/// The routes whose secret is set.
pub fn routes(engine: Arc<Engine>, settings: &AlertsSettings) -> Router {
    let state = Arc::new(AlertsHttp {
        engine,
        route: AlertRoute {
            channel: settings.channel.clone(),
            auto_open: settings.auto_open,
        },
        token: settings.token.clone(),
        pagerduty: settings.pagerduty.clone(),
    });
    let mut router = Router::new();
    if state.token.is_some() {
        router = router
            .route(
                "/alerts/alertmanager",
                post(alertmanager).layer(DefaultBodyLimit::max(MAX_GROUP_BYTES)),
            )
            .route(
                "/alerts/grafana",
                post(grafana).layer(DefaultBodyLimit::max(MAX_GROUP_BYTES)),
            );
    }
    if state.pagerduty.is_some() {
        router = router.route(
            "/alerts/pagerduty",
            post(pagerduty_event).layer(DefaultBodyLimit::max(MAX_EVENT_BYTES)),
        );
    }
    router.with_state(state)
}

async fn alertmanager(
    State(alerts): State<Arc<AlertsHttp>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    alerts
        .group(AlertSource::Alertmanager, &headers, &body)
        .await
}

async fn grafana(
    State(alerts): State<Arc<AlertsHttp>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    alerts.group(AlertSource::Grafana, &headers, &body).await
}

async fn pagerduty_event(
    State(alerts): State<Arc<AlertsHttp>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(secret) = &alerts.pagerduty else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let signature = headers
        .get(pagerduty::SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    if let Err(why) = pagerduty::verify(secret, signature, &body) {
        tracing::warn!(route = "/alerts/pagerduty", %why, "refused an alert request");
        return refusal(StatusCode::UNAUTHORIZED, why).into_response();
    }
    match pagerduty::decode(&body) {
        Ok(alert) => alerts.take(alert.as_slice()).await,
        Err(why) => refusal(StatusCode::BAD_REQUEST, why).into_response(),
    }
}

impl AlertsHttp {
    /// An Alertmanager or Grafana group: its token checked, then its alerts taken.
    async fn group(&self, source: AlertSource, headers: &HeaderMap, body: &[u8]) -> Response {
        let authorization = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        if !self
            .token
            .as_ref()
            .is_some_and(|token| token.admits(authorization))
        {
            tracing::warn!(
                source = source.as_str(),
                "refused an alert request: bad token"
            );
            return refusal(
                StatusCode::UNAUTHORIZED,
                "missing or wrong bearer token: send Authorization: Bearer <ALERTS_TOKEN>",
            )
            .into_response();
        }
        match alertmanager::decode(source, body) {
            Ok(alerts) => self.take(&alerts).await,
            Err(why) => refusal(StatusCode::BAD_REQUEST, why).into_response(),
        }
    }

    /// Takes each alert through the engine, committed before the answer.
    async fn take(&self, alerts: &[Alert]) -> Response {
        let mut answer = Taken::default();
        for alert in alerts {
            match self.engine.take_alert(alert, &self.route).await {
                Ok(taken) => answer.count(taken),
                Err(error) => {
                    tracing::error!(
                        source = alert.source.as_str(),
                        fingerprint = %alert.fingerprint,
                        error = %crate::error_text::with_causes(&error),
                        "an alert could not be taken; the sender will retry"
                    );
                    return refusal(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal error: the alert was not taken; send it again",
                    )
                    .into_response();
                }
            }
        }
        Json(answer).into_response()
    }
}

/// The answer to a sender: how many alerts did what.
#[derive(Debug, Default, serde::Serialize)]
struct Taken {
    told: usize,
    opened: usize,
    offered: usize,
    recorded: usize,
    repeats: usize,
}

impl Taken {
    fn count(&mut self, taken: AlertTaken) {
        match taken {
            AlertTaken::Told(_) => self.told += 1,
            AlertTaken::Opened(_) => self.opened += 1,
            AlertTaken::Offered => self.offered += 1,
            AlertTaken::Recorded => self.recorded += 1,
            AlertTaken::Repeat => self.repeats += 1,
        }
    }
}
