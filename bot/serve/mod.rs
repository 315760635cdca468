//! `incident-bot serve`: the bot for real. One process runs the HTTP server (health checks and
//! the chat platforms' routes), the scheduler that fires due timers, and one outbox worker per
//! configured platform, all on the same engine and store. SIGTERM or Ctrl-C stops it gracefully:
//! no new requests, in-flight ones finish, deliveries in flight are recorded, and whatever is
//! still queued stays in the outbox for the next start.

pub mod health;
mod settings;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

pub use settings::{
    DiscordSettings, ServeSettings, SettingsError, SlackIngress, SlackSettings, DEFAULT_ADDR,
};

use crate::chat::{discord, slack};
use crate::clock::Clock;
use crate::engine::Engine;
use crate::startup::{self, StartupError};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("cannot listen on {addr}: {source} (is another process using the port? set INCIDENT_BOT_ADDR)")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Slack(#[from] slack::adapter::AdapterError),
    #[error(transparent)]
    Discord(#[from] discord::rest::SetupError),
}

/// A running bot: its address, and the way to stop it.
pub struct Running {
    pub addr: SocketAddr,
    pub engine: Arc<Engine>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts everything `settings` configures, with time from `clock`.
pub async fn start(settings: &ServeSettings, clock: Arc<dyn Clock>) -> Result<Running, ServeError> {
    let engine = Arc::new(startup::engine(&settings.startup, clock.clone()).await?);
    let (stop, stopped) = watch::channel(false);
    let mut adapters = Vec::new();
    if let Some(slack_settings) = &settings.slack {
        adapters.push(
            slack::adapter::start(
                slack_settings,
                settings.outbox,
                engine.clone(),
                clock.clone(),
                stopped.clone(),
            )
            .await?,
        );
    }
    if let Some(discord_settings) = &settings.discord {
        adapters.push(
            discord::adapter::start(
                discord_settings,
                settings.outbox,
                engine.clone(),
                clock.clone(),
                stopped.clone(),
            )
            .await?,
        );
    }
    let mut router = Router::new();
    let mut tasks = Vec::new();
    let mut readiness = Vec::new();
    let mut wakers = Vec::new();
    for adapter in adapters {
        router = router.merge(adapter.routes);
        tasks.extend(adapter.tasks);
        readiness.push(adapter.health);
        wakers.push(adapter.waker);
    }
    router = router.merge(health::routes(engine.clone(), readiness));
    tasks.push(tokio::spawn(scheduler(
        engine.clone(),
        settings.tick,
        wakers,
        stopped.clone(),
    )));
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|source| ServeError::Listen {
            addr: settings.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: settings.addr,
        source,
    })?;
    let mut shutdown = stopped;
    tasks.push(tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = shutdown.wait_for(|stop| *stop).await;
            })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the HTTP server stopped");
        }
    }));
    tracing::info!(%addr, "incident-bot is serving");
    Ok(Running {
        addr,
        engine,
        stop,
        tasks,
    })
}

impl Running {
    /// Stops taking requests, lets in-flight work finish, and returns when everything stopped.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
        self.engine.store().close().await;
    }

    /// Runs until `signal` completes, then stops.
    pub async fn until(self, signal: impl Future<Output = ()>) {
        signal.await;
        tracing::info!("stopping: finishing requests and deliveries in flight");
        self.stop().await;
    }
}

/// Fires due timers every `tick`, and wakes the outbox workers when that queued posts.
async fn scheduler(
    engine: Arc<Engine>,
    tick: std::time::Duration,
    outboxes: Vec<Arc<Notify>>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        match engine.run_due_timers().await {
            Ok(report) if report.due > 0 => outboxes.iter().for_each(|outbox| outbox.notify_one()),
            Ok(_) => {}
            Err(error) => tracing::error!(
                error = %crate::error_text::with_causes(&error),
                "the scheduler could not fire due timers; trying again next tick"
            ),
        }
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
    }
}

/// SIGTERM (a container stopping) or Ctrl-C.
pub async fn termination() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for SIGTERM; stop with Ctrl-C");
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
