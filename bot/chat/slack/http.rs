//! Slack's HTTP routes: `POST /slack/commands` and `POST /slack/interactions`. Each request is
//! checked before anything else happens: form content type only, a bounded body, a valid
//! signature from the last five minutes, and not seen before. A refused request changes nothing
//! and gets a status with a line saying why (400 malformed, 401 unsigned or replayed, 413 too
//! large, 415 not a form); an accepted one is answered within Slack's 3 seconds, after the
//! engine committed it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

pub use super::follow_ups::FollowUps;
use super::ingress::{self, Handled, SlashCommand};
use super::signature::{self, ReplayGuard, SigningSecret};
use crate::chat::signed::{self, refusal, Refusal, SignedRequests};
use crate::clock::Clock;
use crate::engine::Engine;

/// Largest slash-command body accepted (Slack's are a few hundred bytes).
const MAX_COMMAND_BYTES: usize = 64 * 1024;
/// Largest interaction body accepted (a payload carries the clicked message's blocks).
const MAX_INTERACTION_BYTES: usize = 1024 * 1024;

/// What the routes need.
pub struct SlackHttp {
    pub engine: Arc<Engine>,
    pub clock: Arc<dyn Clock>,
    pub secret: SigningSecret,
    pub replays: ReplayGuard,
    pub follow_ups: Arc<dyn FollowUps>,
}

pub fn routes(state: Arc<SlackHttp>) -> Router {
    Router::new()
        .route(
            "/slack/commands",
            post(command).layer(DefaultBodyLimit::max(MAX_COMMAND_BYTES)),
        )
        .route(
            "/slack/interactions",
            post(interaction).layer(DefaultBodyLimit::max(MAX_INTERACTION_BYTES)),
        )
        .with_state(state)
}

/// How Slack signs its requests to the routes.
const SLACK_REQUESTS: SignedRequests = SignedRequests {
    platform: "Slack",
    content_type: "application/x-www-form-urlencoded",
    timestamp_header: signature::TIMESTAMP_HEADER,
    signature_header: signature::SIGNATURE_HEADER,
};

impl SlackHttp {
    /// The checks every request passes first.
    async fn admit(&self, route: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), Refusal> {
        let now = self.clock.now().timestamp();
        signed::admit(
            &SLACK_REQUESTS,
            route,
            headers,
            body,
            now,
            &self.replays,
            |timestamp, sig, body, now| signature::verify(&self.secret, timestamp, sig, body, now),
        )
        .await
    }

    /// The answer to an accepted request, and its follow-up started.
    fn respond(&self, handled: Handled) -> Response {
        match super::follow_ups::answered(handled, self.follow_ups.as_ref()) {
            Some(body) => Json(body).into_response(),
            None => StatusCode::OK.into_response(),
        }
    }
}

fn malformed(what: impl std::fmt::Display) -> Response {
    refusal(StatusCode::BAD_REQUEST, what).into_response()
}

fn internal_error(error: &(dyn std::error::Error + 'static)) -> Response {
    Json(ingress::internal_error(error)).into_response()
}

async fn command(State(slack): State<Arc<SlackHttp>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(refusal) = slack.admit("/slack/commands", &headers, &body).await {
        return refusal.into_response();
    }
    let form: SlashCommand = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(error) => return malformed(format_args!("not a slash command form: {error}")),
    };
    match ingress::slash_command(&slack.engine, &form).await {
        Ok(handled) => slack.respond(handled),
        Err(error) => internal_error(&error),
    }
}

#[derive(Deserialize)]
struct InteractionForm {
    payload: String,
}

async fn interaction(
    State(slack): State<Arc<SlackHttp>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = slack.admit("/slack/interactions", &headers, &body).await {
        return refusal.into_response();
    }
    let form: InteractionForm = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(error) => return malformed(format_args!("not an interaction form: {error}")),
    };
    match ingress::interaction(&slack.engine, &form.payload).await {
        Ok(handled) => slack.respond(handled),
        Err(ingress::InteractionError::Malformed(error)) => malformed(error),
        Err(ingress::InteractionError::Engine(error)) => internal_error(&error),
    }
}
