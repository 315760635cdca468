//! Discord's interactions endpoint: `POST /discord/interactions`. Each request is checked before
//! anything else happens: JSON content only, a bounded body, a valid Ed25519 signature from the
//! last five minutes, and not seen before. A refused request changes nothing and gets a status
//! with a line saying why (400 malformed, 401 unsigned, stale or replayed, 413 too large, 415 not
//! JSON); an accepted one is answered within Discord's 3 seconds, after the engine committed it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serenity::all::Interaction;

use super::ingress;
use super::signature::{self, PublicKey, ReplayGuard};
use crate::chat::signed::{self, refusal, Refusal, SignedRequests};
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
}

pub fn routes(state: Arc<DiscordHttp>) -> Router {
    Router::new()
        .route(
            "/discord/interactions",
            post(interaction).layer(DefaultBodyLimit::max(MAX_INTERACTION_BYTES)),
        )
        .with_state(state)
}

/// How Discord signs its requests to the endpoint.
const DISCORD_REQUESTS: SignedRequests = SignedRequests {
    platform: "Discord",
    content_type: "application/json",
    timestamp_header: signature::TIMESTAMP_HEADER,
    signature_header: signature::SIGNATURE_HEADER,
};

impl DiscordHttp {
    /// The checks every request passes first.
    async fn admit(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Refusal> {
        let now = self.clock.now().timestamp();
        signed::admit(
            &DISCORD_REQUESTS,
            "/discord/interactions",
            headers,
            body,
            now,
            &self.replays,
            |timestamp, sig, body, now| {
                signature::verify(&self.public_key, timestamp, sig, body, now)
            },
        )
        .await
    }
}

async fn interaction(
    State(discord): State<Arc<DiscordHttp>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refusal) = discord.admit(&headers, &body).await {
        return refusal.into_response();
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(interaction) => interaction,
        Err(error) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                format_args!("not an interaction Discord would send: {error}"),
            )
            .into_response()
        }
    };
    let answer = match ingress::answer(&discord.engine, &interaction).await {
        Ok(answer) => answer,
        Err(error) => ingress::internal_error(&error),
    };
    Json(answer.to_json()).into_response()
}
