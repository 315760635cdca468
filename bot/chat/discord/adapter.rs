//! The Discord adapter as `serve` runs it: the REST client, the outbox worker that posts through
//! it, the registration of the application commands, and the ways in: the Gateway, the
//! interactions endpoint (with a public key), or both.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::commands::application_commands;
use super::gateway::{Gateway, GatewayStatus};
use super::http::{routes, DiscordHttp};
use super::rest::{DiscordRest, SetupError};
use super::sender::{DiscordSender, SenderOptions};
use super::signature::ReplayGuard;
use crate::clock::Clock;
use crate::engine::Engine;
use crate::outbox::{DeliveryPolicy, OutboxWorker};
use crate::serve::health::Readiness;
use crate::serve::DiscordSettings;

/// The longest wait between two attempts to register the commands.
const MAX_REGISTER_BACKOFF: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum AdapterError {
    #[error(transparent)]
    Client(#[from] SetupError),
}

/// What the adapter adds to the server.
pub struct Adapter {
    /// `/discord/interactions` with a public key; none otherwise.
    pub routes: Router,
    pub tasks: Vec<JoinHandle<()>>,
    pub health: Arc<dyn Readiness>,
    /// Ring it when posts were queued, so the outbox sends them at once.
    pub waker: Arc<Notify>,
}

/// Without the Gateway, the adapter is ready once its route is served.
struct EndpointReady;

impl Readiness for EndpointReady {
    fn name(&self) -> &str {
        "discord"
    }

    fn ready(&self) -> Result<(), String> {
        Ok(())
    }
}

/// Starts the outbox worker, the command registration, the Gateway (unless off) and, with a
/// public key, the interactions route. Everything stops with `stopped`.
pub async fn start(
    settings: &DiscordSettings,
    policy: DeliveryPolicy,
    engine: Arc<Engine>,
    clock: Arc<dyn Clock>,
    stopped: watch::Receiver<bool>,
) -> Result<Adapter, AdapterError> {
    let rest = DiscordRest::new(&settings.api_url, &settings.bot_token)?;
    let sender = DiscordSender::new(
        rest.clone(),
        engine.store().clone(),
        SenderOptions {
            updates_in_channel: settings.updates_in_channel,
        },
    );
    let worker = OutboxWorker::new(
        engine.store().clone(),
        clock.clone(),
        Arc::new(sender),
        policy,
    );
    let waker = worker.waker();
    let mut stop = stopped.clone();
    let mut tasks = vec![
        tokio::spawn(worker.run(async move {
            let _ = stop.wait_for(|stop| *stop).await;
        })),
        tokio::spawn(register_commands(
            rest.clone(),
            settings.clone(),
            stopped.clone(),
        )),
    ];
    let routes = match &settings.public_key {
        Some(public_key) => routes(Arc::new(DiscordHttp {
            engine: engine.clone(),
            clock,
            public_key: public_key.clone(),
            replays: ReplayGuard::default(),
            posted: waker.clone(),
        })),
        None => Router::new(),
    };
    let health: Arc<dyn Readiness> = if settings.gateway {
        let status = Arc::new(GatewayStatus::default());
        let gateway = Gateway {
            settings: settings.clone(),
            engine,
            rest,
            posted: waker.clone(),
            status: status.clone(),
        };
        tasks.push(tokio::spawn(gateway.run(stopped)));
        status
    } else {
        Arc::new(EndpointReady)
    };
    Ok(Adapter {
        routes,
        tasks,
        health,
        waker,
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
