//! One start-up path for every way the bot runs (console, server, CLI verbs, tests): load the
//! runbook, open the store, read the configuration, build the engine.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::{Clock, ClockKind};
use crate::engine::{ConfigError, Engine, EngineConfig, EngineError};
use crate::notify::format::date_time;
use crate::platform::Platform;
use crate::runbook::{Level, LoadError, RunbookSource};
use crate::store::{DatabaseUrl, Store, StoreError};

/// The database used when `DATABASE_URL` is not set: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://incident-bot.db";

#[derive(Debug, Clone)]
pub struct Settings {
    pub runbook: RunbookSource,
    /// Shown and debugged with its password masked.
    pub database_url: DatabaseUrl,
    /// The chat platforms served, whose ids `ROLE_MENTIONS` may give; none in the console
    /// (any platform's ids are then accepted).
    pub platforms: Vec<Platform>,
    /// The engine's variables (cadence, paging, who may act) as `serve` read them, with the
    /// rest of its settings, from one lookup; `None`: read from the process environment.
    pub engine_variables: Option<BTreeMap<String, String>>,
}

impl Settings {
    /// The runbook given on the command line, else `RUNBOOK`, else the bundled one.
    pub fn from_command_line(runbook: Option<PathBuf>, database_url: DatabaseUrl) -> Settings {
        Settings {
            runbook: RunbookSource::choose(runbook, std::env::var("RUNBOOK").ok()),
            database_url,
            platforms: Vec::new(),
            engine_variables: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Runbook(#[from] LoadError),
    #[error("{runbook} has no scenarios the bot can run: see `incident-bot check-runbook`")]
    NoScenarios { runbook: String },
    #[error("{}", match source.names_its_database() {
        true => source.to_string(),
        false => format!("cannot open the database {url}: {source}"),
    })]
    Store {
        url: String,
        #[source]
        source: StoreError,
    },
    #[error(
        "{url} has been written by a real clock since {since}: a simulated clock would put \
         its rehearsal into real timelines. Rehearse on a fresh store: leave out \
         --database-url and DATABASE_URL"
    )]
    RealClockStore { url: String, since: String },
    /// The first mistake in the settings, and how many more there are.
    #[error("{first}{}", match more {
        0 => String::new(),
        n => format!(" (and {n} more: `incident-bot check-config` lists every one)"),
    })]
    Config { first: ConfigError, more: usize },
    #[error("cannot start the engine: {0}")]
    Engine(#[from] EngineError),
}

/// Builds the engine that runs the bot: the only process writing to a SQLite file. Runbook
/// problems are logged; a runbook without scenarios is refused.
pub async fn engine(settings: &Settings, clock: Arc<dyn Clock>) -> Result<Engine, StartupError> {
    build(settings, clock, false).await
}

/// Builds an engine that only reads (the command line's post-mortem), beside a running bot.
pub async fn read_only_engine(
    settings: &Settings,
    clock: Arc<dyn Clock>,
) -> Result<Engine, StartupError> {
    build(settings, clock, true).await
}

async fn build(
    settings: &Settings,
    clock: Arc<dyn Clock>,
    read_only: bool,
) -> Result<Engine, StartupError> {
    let runbook = settings.runbook.load()?;
    let origin = settings.runbook.describe();
    for diagnostic in &runbook.diagnostics {
        match diagnostic.level {
            Level::Error => tracing::error!("{origin}:{}: {}", diagnostic.line, diagnostic.message),
            Level::Warning => {
                tracing::warn!("{origin}:{}: {}", diagnostic.line, diagnostic.message)
            }
        }
    }
    if runbook.scenarios.is_empty() {
        return Err(StartupError::NoScenarios { runbook: origin });
    }
    let (config, problems) = EngineConfig::check(
        &runbook,
        |name| match &settings.engine_variables {
            Some(variables) => variables.get(name).cloned(),
            None => std::env::var(name).ok(),
        },
        &settings.platforms,
    );
    if let Some(first) = problems.first() {
        return Err(StartupError::Config {
            first: first.clone(),
            more: problems.len() - 1,
        });
    }
    let store = match read_only {
        true => Store::connect_read_only(settings.database_url.expose()).await,
        false => Store::connect(settings.database_url.expose()).await,
    }
    .map_err(store_error(&settings.database_url))?;
    if !read_only {
        keep_rehearsals_apart(&store, clock.as_ref(), &settings.database_url).await?;
    }
    Ok(Engine::start(store, Arc::new(runbook), clock, config).await?)
}

/// A real clock marks the store it writes to; a simulated one refuses a store so marked.
async fn keep_rehearsals_apart(
    store: &Store,
    clock: &dyn Clock,
    url: &DatabaseUrl,
) -> Result<(), StartupError> {
    match clock.kind() {
        ClockKind::Real => store
            .mark_real_clock(clock.now_millis())
            .await
            .map_err(store_error(url)),
        ClockKind::Simulated => match store.real_clock_since().await.map_err(store_error(url))? {
            None => Ok(()),
            Some(since) => Err(StartupError::RealClockStore {
                url: url.to_string(),
                since: date_time(since.millis()),
            }),
        },
    }
}

/// The error of a store that would not open or answer, its URL without a password.
fn store_error(url: &DatabaseUrl) -> impl Fn(StoreError) -> StartupError + '_ {
    move |source| StartupError::Store {
        url: url.to_string(),
        source,
    }
}
