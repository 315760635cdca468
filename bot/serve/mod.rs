//! `incident-bot serve`: the bot for real. One process runs the HTTP server (health checks and
//! the chat platforms' routes), the scheduler that fires due timers, and one outbox worker per
//! configured platform (woken by the engine's doorbell), all on the same engine and store. Each
//! platform's adapter reads its own settings and brings its routes, tasks, readiness and sender;
//! this module assembles them. SIGTERM or Ctrl-C stops it gracefully:
//! no new requests, in-flight ones finish (within `SHUTDOWN_TIMEOUT`, see `http`), deliveries in
//! flight are recorded, and whatever is still queued stays in the outbox for the next start.

mod alerts;
mod health;
mod http;
mod limits;
mod replays;
mod settings;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use limits::{HttpLimits, LimitsError};
pub use settings::{listen_addr, ServeSettings, SettingsError, DEFAULT_ADDR};

use crate::chat::adapter::Adapter;
use crate::chat::readiness::Readiness;
use crate::chat::{discord, slack};
use crate::clock::Clock;
use crate::engine::Engine;
use crate::outbox::{Deliver, DeliveryPolicy, OutboxWorker};
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
    let replay_guard = replays::guard(engine.store(), clock.now_millis())
        .await
        .map_err(|source| StartupError::Store {
            url: settings.startup.database_url.to_string(),
            source,
        })?;
    let (stop, stopped) = watch::channel(false);
    let mut adapters = Adapters {
        engine: engine.clone(),
        clock: clock.clone(),
        policy: settings.outbox,
        stopped: stopped.clone(),
        routes: Router::new(),
        tasks: Vec::new(),
        readiness: Vec::new(),
    };
    if let Some(slack_settings) = &settings.slack {
        adapters.add(
            slack::adapter::start(
                slack_settings,
                engine.clone(),
                clock.clone(),
                replay_guard.clone(),
                stopped.clone(),
            )
            .await?,
        );
    }
    if let Some(discord_settings) = &settings.discord {
        adapters.add(
            discord::adapter::start(
                discord_settings,
                engine.clone(),
                clock.clone(),
                replay_guard.clone(),
                stopped.clone(),
            )
            .await?,
        );
    }
    let Adapters {
        routes,
        mut tasks,
        readiness,
        ..
    } = adapters;
    let mut router = routes.merge(health::routes(engine.clone(), readiness));
    if let Some(alert_settings) = &settings.alerts {
        router = router.merge(alerts::routes(engine.clone(), alert_settings));
    }
    tasks.push(tokio::spawn(scheduler(
        engine.clone(),
        settings.tick,
        stopped.clone(),
    )));
    tasks.push(tokio::spawn(replays::purge_expired(
        engine.store().clone(),
        clock.clone(),
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
    tasks.push(tokio::spawn(http::serve(
        listener,
        router,
        settings.http,
        stopped,
    )));
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

/// The adapters started so far, put together: their routes, tasks and readiness, and an outbox
/// worker for each platform's sender.
struct Adapters {
    engine: Arc<Engine>,
    clock: Arc<dyn Clock>,
    policy: DeliveryPolicy,
    stopped: watch::Receiver<bool>,
    routes: Router,
    tasks: Vec<JoinHandle<()>>,
    readiness: Vec<Arc<dyn Readiness>>,
}

impl Adapters {
    fn add<D: Deliver + 'static>(&mut self, adapter: Adapter<D>) {
        self.routes = std::mem::take(&mut self.routes).merge(adapter.routes);
        self.tasks.extend(adapter.tasks);
        self.readiness.push(adapter.health);
        self.tasks.push(self.outbox_worker(adapter.sender));
    }

    /// Delivers the platform's posts through `sender` until stopped, woken when posts are queued.
    fn outbox_worker<D: Deliver + 'static>(&self, sender: D) -> JoinHandle<()> {
        let worker = OutboxWorker::new(
            self.engine.store().clone(),
            self.clock.clone(),
            Arc::new(sender),
            self.policy,
            self.engine.posts_queued().listen(),
        );
        let mut stopped = self.stopped.clone();
        tokio::spawn(worker.run(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }))
    }
}

/// Fires due timers every `tick` (the engine wakes the outbox workers when that queued posts).
async fn scheduler(
    engine: Arc<Engine>,
    tick: std::time::Duration,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        if let Err(error) = engine.run_due_timers().await {
            tracing::error!(
                error = %crate::error_text::with_causes(&error),
                "the scheduler could not fire due timers; trying again next tick"
            );
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
