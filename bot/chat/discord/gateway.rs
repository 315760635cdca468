//! Discord's Gateway through serenity: no public URL needed. serenity keeps the WebSocket
//! (identify, heartbeats, resume and reconnect when Discord asks or the connection drops); the
//! bot listens for `INTERACTION_CREATE` only (no intents at all, no cache) and answers each
//! interaction with a callback through [`DiscordRest`], after the engine committed it.
//!
//! Every replica connected with the bot's token receives every interaction. Before running one,
//! a replica records its id through the replay guard's ledger (`discord-interaction:{id}`, the
//! store that replicas share): the replica that recorded it answers, the others drop it. A ledger
//! that cannot be asked leaves the interaction unanswered (Discord tells the person "The
//! application did not respond"): another replica may have taken it, and answering too could run
//! the command twice.
//!
//! The bot asks `DISCORD_API_URL` for the WebSocket URL (`GET /gateway/bot`) and gives it to
//! serenity, whose own REST calls go through that URL's origin when it is not Discord's (its
//! proxy setting, which needs its own rate limiter off; the bot's REST calls keep their own).
//! If the URL cannot be had or the client stops with an error, it starts again after 1 s, 2 s,
//! 4 s… at most 5 minutes, while everything else keeps serving. Its [`Connection`] is `/readyz`'s
//! view.

use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use serenity::all::{
    ApplicationId, ClientBuilder, ConnectionStage, Context, EventHandler, GatewayIntents,
    HttpBuilder, Interaction, Ready, ResumedEvent, ShardStageUpdateEvent,
};
use tokio::sync::watch;

use super::ingress;
use super::rest::DiscordRest;
use super::settings::DiscordSettings;
use super::signature::{Refused, ReplayGuard};
use crate::chat::readiness::Connection;
use crate::clock::Clock;
use crate::engine::Engine;

/// The longest wait before starting the client again.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// A client that ran this long had a working session: the next restart waits the least again.
const STABLE_SESSION: Duration = Duration::from_secs(60);

/// serenity's event handler: interactions to the engine, connection changes to the status.
struct Handler {
    engine: Arc<Engine>,
    rest: DiscordRest,
    status: Arc<Connection>,
    replays: ReplayGuard,
    clock: Arc<dyn Clock>,
}

impl Handler {
    /// Whether this replica answers interaction `id`: the one that records it first does.
    async fn takes(&self, id: &str) -> bool {
        let key = format!("discord-interaction:{id}");
        match self
            .replays
            .take_once(&key, self.clock.now().timestamp())
            .await
        {
            Ok(()) => true,
            Err(Refused::Replayed) => {
                tracing::debug!(
                    interaction = id,
                    "another replica answers this Discord interaction"
                );
                false
            }
            Err(refused) => {
                tracing::error!(
                    interaction = id,
                    %refused,
                    "left a Discord interaction unanswered rather than risk running it twice \
                     (the person sees \"The application did not respond\")"
                );
                false
            }
        }
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        let id = interaction.id().to_string();
        if !self.takes(&id).await {
            return;
        }
        let answer = match ingress::answer(&self.engine, &interaction).await {
            Ok(answer) => answer,
            Err(error) => ingress::internal_error(&error),
        };
        if let Err(error) = self
            .rest
            .interaction_callback(&id, interaction.token(), &answer.to_json())
            .await
        {
            tracing::warn!(
                %error,
                "could not answer a Discord interaction (what it asked for is recorded; the \
                 person sees \"The application did not respond\")"
            );
        }
    }

    async fn ready(&self, _ctx: Context, ready: Ready) {
        self.status.connected();
        tracing::info!(bot = %ready.user.name, "connected to Discord's Gateway");
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        self.status.connected();
        tracing::info!("resumed the Discord Gateway session");
    }

    async fn shard_stage_update(&self, _ctx: Context, event: ShardStageUpdateEvent) {
        if event.new == ConnectionStage::Connected {
            self.status.connected();
        } else {
            self.status.disconnected(event.new.to_string());
        }
    }
}

/// The Gateway connection: runs until `stopped`.
pub struct Gateway {
    pub settings: DiscordSettings,
    pub engine: Arc<Engine>,
    pub rest: DiscordRest,
    pub status: Arc<Connection>,
    /// Shared with the signed routes: its ledger is what tells replicas apart.
    pub replays: ReplayGuard,
    pub clock: Arc<dyn Clock>,
}

impl Gateway {
    pub async fn run(self, mut stopped: watch::Receiver<bool>) {
        let handler = Arc::new(Handler {
            engine: self.engine.clone(),
            rest: self.rest.clone(),
            status: self.status.clone(),
            replays: self.replays.clone(),
            clock: self.clock.clone(),
        });
        let first_backoff = Duration::from_secs(1);
        let mut backoff = first_backoff;
        loop {
            let started = tokio::time::Instant::now();
            let client = match self.rest.gateway_url().await {
                Ok(url) => Ok(self.client(handler.clone(), url).await),
                Err(error) => Err(format!(
                    "cannot ask Discord for the Gateway's address: {error}"
                )),
            };
            let why = match client {
                Ok(Ok(mut client)) => {
                    let shards = client.shard_manager.clone();
                    let ended = tokio::select! {
                        result = client.start() => Some(match result {
                            Ok(()) => "the Gateway client stopped".to_string(),
                            Err(error) => format!("the Gateway client stopped: {error}"),
                        }),
                        _ = stopped.wait_for(|stop| *stop) => None,
                    };
                    match ended {
                        Some(why) => why,
                        None => {
                            shards.shutdown_all().await;
                            return;
                        }
                    }
                }
                Ok(Err(error)) => format!("cannot set up the Gateway client: {error}"),
                Err(why) => why,
            };
            if started.elapsed() >= STABLE_SESSION {
                backoff = first_backoff;
            }
            tracing::warn!("{why}; connecting again in {backoff:?}");
            self.status.disconnected(why);
            tokio::select! {
                _ = tokio::time::sleep(backoff) => {}
                _ = stopped.wait_for(|stop| *stop) => return,
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// serenity's client for the Gateway at `url`. serenity asks for the URL itself too, and
    /// would fall back to Discord's own if that failed: the URL the bot asked for replaces it,
    /// so a bot pointed at a stand-in or a proxy never connects anywhere else.
    async fn client(
        &self,
        handler: Arc<Handler>,
        url: String,
    ) -> Result<serenity::Client, serenity::Error> {
        let client = ClientBuilder::new_with_http(self.http(), GatewayIntents::empty())
            .event_handler_arc(handler)
            .await?;
        *client.ws_url.lock().await = url;
        Ok(client)
    }

    /// serenity's REST client, which only asks for the Gateway's URL: through the configured
    /// API origin, with serenity's limiter off when that is not Discord (its proxy needs it).
    fn http(&self) -> serenity::http::Http {
        let mut http = HttpBuilder::new(self.settings.bot_token.expose_secret());
        if let Ok(id) = self.settings.application_id.parse::<u64>() {
            http = http.application_id(ApplicationId::new(id));
        }
        let origin = self.settings.api_origin();
        if origin != "https://discord.com" {
            http = http.proxy(origin).ratelimiter_disabled(true);
        }
        http.build()
    }
}
