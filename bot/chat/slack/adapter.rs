//! The Slack adapter as `serve` runs it: the Web API client, the sender the outbox worker posts
//! through, and either the HTTP routes or a Socket Mode connection for what Slack sends.

use std::sync::Arc;

use axum::Router;
use secrecy::ExposeSecret;
use tokio::sync::watch;

use super::follow_ups::WebFollowUps;
use super::groups::SlackGroups;
use super::http::{routes, SlackHttp};
use super::sender::{SenderOptions, SlackSender};
use super::settings::{SlackIngress, SlackSettings};
use super::signature::ReplayGuard;
use super::socket_mode::SocketMode;
use super::web::SlackWeb;
use crate::chat::adapter::Adapter;
use crate::chat::readiness::{Connection, Readiness, Served};
use crate::clock::Clock;
use crate::engine::Engine;
use crate::platform::Platform;

#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    #[error("cannot set up HTTPS for Slack's Web API (no root certificates on this system?)")]
    Tls(#[source] std::io::Error),
}

/// The sender and, with an app token, the Socket Mode connection (started; no routes, ready once
/// connected); otherwise the HTTP routes (ready at once), which refuse what `replays` has seen.
/// Everything stops with `stopped`.
pub async fn start(
    settings: &SlackSettings,
    engine: Arc<Engine>,
    clock: Arc<dyn Clock>,
    replays: ReplayGuard,
    stopped: watch::Receiver<bool>,
) -> Result<Adapter<SlackSender>, AdapterError> {
    // One client (root certificates read once), shared by the sender, follow-ups and Socket Mode.
    let web = SlackWeb::new(
        &settings.api_url,
        settings.bot_token.expose_secret().to_owned(),
    )
    .map_err(AdapterError::Tls)?;
    let sender = SlackSender::new(
        web.clone(),
        SenderOptions {
            updates_in_channel: settings.updates_in_channel,
        },
    );
    // The members of the user groups `RESPONDERS` names, for the engine's check of who acts.
    engine
        .group_members()
        .serve(Arc::new(SlackGroups::new(web.clone())));
    let mut tasks = Vec::new();
    let follow_ups = Arc::new(WebFollowUps::new(web.clone()));
    let (routes, health): (Router, Arc<dyn Readiness>) = match &settings.ingress {
        SlackIngress::SocketMode { app_token } => {
            let status = Arc::new(Connection::new(Platform::Slack, "Socket Mode"));
            let socket = SocketMode {
                engine,
                web,
                app_token: app_token.clone(),
                follow_ups,
                status: status.clone(),
            };
            tasks.push(tokio::spawn(socket.run(stopped)));
            (Router::new(), status)
        }
        SlackIngress::Http { signing_secret } => {
            let state = Arc::new(SlackHttp {
                engine,
                clock,
                secret: signing_secret.clone(),
                replays,
                follow_ups,
            });
            (routes(state), Arc::new(Served(Platform::Slack)))
        }
    };
    Ok(Adapter {
        routes,
        tasks,
        health,
        sender,
    })
}
