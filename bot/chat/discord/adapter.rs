//! The Discord adapter as `serve` runs it: the REST client, the sender the outbox worker posts
//! through, the registration of the application commands, and the ways in: the Gateway, the
//! interactions endpoint (with a public key), or both.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use secrecy::ExposeSecret;
use tokio::sync::watch;

use super::application_commands::application_commands;
use super::gateway::Gateway;
use super::http::{routes, DiscordHttp};
use super::rest::{DiscordRest, SetupError};
use super::sender::{DiscordSender, SenderOptions};
use super::settings::DiscordSettings;
use super::signature::ReplayGuard;
use crate::chat::adapter::Adapter;
use crate::chat::readiness::{Connection, Readiness, Served};
use crate::clock::Clock;
use crate::engine::Engine;
use crate::platform::Platform;

/// The longest wait between two attempts to register the commands.
const MAX_REGISTER_BACKOFF: Duration = Duration::from_secs(300);

/// The sender; the command registration and the Gateway (unless off), started; with a public
/// key, the interactions route, which refuses what `replays` has seen. The Gateway takes each
/// interaction once through `replays` too (its ledger shared by replicas). Everything stops with
/// `stopped`.
pub async fn start(
    settings: &DiscordSettings,
    engine: Arc<Engine>,
    clock: Arc<dyn Clock>,
    replays: ReplayGuard,
    stopped: watch::Receiver<bool>,
) -> Result<Adapter<DiscordSender>, SetupError> {
    let rest = DiscordRest::new(&settings.api_url, settings.bot_token.expose_secret())?;
    let sender = DiscordSender::new(
        rest.clone(),
        SenderOptions {
            updates_in_channel: settings.updates_in_channel,
        },
    );
    let mut tasks = vec![tokio::spawn(register_commands(
        rest.clone(),
        settings.clone(),
        stopped.clone(),
    ))];
    let routes = match &settings.public_key {
        Some(public_key) => routes(Arc::new(DiscordHttp {
            engine: engine.clone(),
            clock: clock.clone(),
            public_key: public_key.clone(),
            replays: replays.clone(),
        })),
        None => Router::new(),
    };
    // With an interactions endpoint, Discord sends interactions there and not over the
    // Gateway: the endpoint's readiness is the adapter's.
    let served: Arc<dyn Readiness> = Arc::new(Served(Platform::Discord));
    let health = if settings.gateway {
        let status = Arc::new(Connection::new(Platform::Discord, "the Gateway"));
        let gateway = Gateway {
            settings: settings.clone(),
            engine,
            rest,
            status: status.clone(),
            replays,
            clock,
        };
        tasks.push(tokio::spawn(gateway.run(stopped)));
        match settings.public_key {
            Some(_) => served,
            None => status,
        }
    } else {
        served
    };
    Ok(Adapter {
        routes,
        tasks,
        health,
        sender,
    })
}

/// Registers `/incident` and `/postmortem` (in the guild when one is set: they show at once;
/// else globally), trying again with backoff until Discord takes them or the bot stops.
async fn register_commands(
    rest: DiscordRest,
    settings: DiscordSettings,
    mut stopped: watch::Receiver<bool>,
) {
    let commands = application_commands();
    let guild = settings.guild_id.as_deref();
    let mut backoff = Duration::from_secs(1);
    loop {
        match rest
            .bulk_overwrite_commands(&settings.application_id, guild, &commands)
            .await
        {
            Ok(()) => {
                match guild {
                    Some(guild) => tracing::info!(guild, "registered /incident and /postmortem"),
                    None => tracing::info!(
                        "registered /incident and /postmortem globally (set DISCORD_GUILD_ID \
                         for changes to show at once)"
                    ),
                }
                return;
            }
            Err(error) => tracing::warn!(
                %error,
                "could not register the Discord commands; trying again in {backoff:?}"
            ),
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        backoff = (backoff * 2).min(MAX_REGISTER_BACKOFF);
    }
}
