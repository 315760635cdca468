//! Discord's interactions endpoint: `POST /discord/interactions`. Each request is checked before
//! anything else happens: JSON content only, a bounded body, a valid Ed25519 signature from the
//! last five minutes, and not seen before. A refused request changes nothing and gets a status
//! with a line saying why (400 malformed, 401 unsigned, stale or replayed, 413 too large, 415 not
//! JSON); an accepted one is answered within Discord's 3 seconds, after the engine committed it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serenity::all::Interaction;
use tokio::sync::Notify;

use super::ingress;
use super::signature::{self, PublicKey, ReplayGuard};
use crate::clock::Clock;
use crate::engine::Engine;

/// Largest interaction body accepted (a command's resolved users and a clicked message with
/// its embeds stay well under it).
const MAX_INTERACTION_BYTES: usize = 1024 * 1024;

/// What the route needs.
pub struct DiscordHttp {
    pub engine: Arc<Engine>,
    pub clock: Arc<dyn Clock>,
    pub public_key: PublicKey,
    pub replays: ReplayGuard,
    /// Rung after every interaction, so the outbox sends its posts at once.
    pub posted: Arc<Notify>,
}

pub fn routes(state: Arc<DiscordHttp>) -> Router {
    Router::new()
        .route(
            "/discord/interactions",
            post(interaction).layer(DefaultBodyLimit::max(MAX_INTERACTION_BYTES)),
        )
        .with_state(state)
}

/// A request refused before it reached the engine: the status, and a line saying why.
type Refusal = (StatusCode, String);

fn refuse(status: StatusCode, why: impl std::fmt::Display) -> Refusal {
    (status, format!("{why}\n"))
}

impl DiscordHttp {
    /// The checks every request passes first.
    fn admit(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Refusal> {
        let is_json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "expected application/json",
            ));
        }
        let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
        let (timestamp, sig) = (
            text(signature::TIMESTAMP_HEADER),
            text(signature::SIGNATURE_HEADER),
        );
        let now = self.clock.now().timestamp();
        let checked =
            signature::verify(&self.public_key, timestamp, sig, body, now).and_then(|()| {
                let sent_at = timestamp.and_then(|ts| ts.parse().ok()).unwrap_or(now);
                self.replays
                    .first_time(sig.unwrap_or_default(), sent_at, now)
            });
        checked.map_err(|refused| {
            tracing::warn!(%refused, "refused a request claiming to come from Discord");
            refuse(refused.status(), refused)
        })
    }
}

async fn interaction(
    State(discord): State<Arc<DiscordHttp>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = discord.admit(&headers, &body) {
        return refusal.into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(interaction) => interaction,
        Err(error) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                format_args!("not an interaction Discord would send: {error}"),
            )
            .into_response()
        }
    };
    let answer = match ingress::answer(&discord.engine, &interaction).await {
        Ok(answer) => answer,
        Err(error) => ingress::could_not_save(&error),
    };
    discord.posted.notify_one();
    Json(answer.to_json()).into_response()
}
