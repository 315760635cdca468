//! `incident-bot console`: the terminal channel.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::chat::console::{delivery_policy, Console, Terminal};
use crate::clock::{Clock, SimulatedClock, SystemClock};
use crate::outbox::OutboxWorker;
use crate::startup::{self, Settings, DEFAULT_DATABASE_URL};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClockChoice {
    /// The real wall clock.
    System,
    /// Starts now and moves only with `/advance <duration>`.
    Simulated,
}

pub async fn run(
    runbook: Option<PathBuf>,
    database_url: Option<String>,
    clock: ClockChoice,
    user: String,
) -> ExitCode {
    let store = ConsoleStore::store(database_url, clock);
    let settings = Settings::from_command_line(runbook, store.url());
    let (clock, simulated): (Arc<dyn Clock>, Option<SimulatedClock>) = match clock {
        ClockChoice::System => (Arc::new(SystemClock), None),
        ClockChoice::Simulated => {
            let simulated = SimulatedClock::starting_at(chrono::Utc::now());
            (Arc::new(simulated.clone()), Some(simulated))
        }
    };
    let engine = match startup::engine(&settings, clock.clone()).await {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    println!(
        "#incidents on the console · runbook: {} · store: {} · clock: {}\nType /incident help, or /quit.\n",
        settings.runbook.describe(),
        store.describe(),
        if simulated.is_some() { "simulated (/advance 15m moves it)" } else { "real" }
    );
    let terminal = Arc::new(Terminal::new(std::io::stdout()));
    let outbox = OutboxWorker::new(
        engine.store().clone(),
        clock.clone(),
        Arc::clone(&terminal),
        delivery_policy(),
        engine.posts_queued().listen(),
    );
    let mut console = Console::new(engine, outbox, terminal, clock, simulated, &user);
    let input = tokio::io::BufReader::new(tokio::io::stdin());
    match console.run(input).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "console stopped");
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

/// The store a console writes to.
enum ConsoleStore {
    /// The one named (`--database-url`, `DATABASE_URL`), else the default file.
    Named(String),
    /// A simulated clock's, when none is named: fresh, in memory, gone at /quit.
    Fresh,
}

/// A SQLite database in memory: every connection to it is a database of its own.
const FRESH_STORE_URL: &str = "sqlite::memory:";

impl ConsoleStore {
    fn store(named: Option<String>, clock: ClockChoice) -> ConsoleStore {
        match (named, clock) {
            (Some(url), _) => ConsoleStore::Named(url),
            (None, ClockChoice::System) => ConsoleStore::Named(DEFAULT_DATABASE_URL.to_owned()),
            (None, ClockChoice::Simulated) => ConsoleStore::Fresh,
        }
    }

    fn url(&self) -> String {
        match self {
            ConsoleStore::Named(url) => url.clone(),
            ConsoleStore::Fresh => FRESH_STORE_URL.to_owned(),
        }
    }

    /// For the banner.
    fn describe(&self) -> String {
        match self {
            ConsoleStore::Named(url) => crate::store::redact_url(url),
            ConsoleStore::Fresh => "a fresh one in memory, gone at /quit".to_owned(),
        }
    }
}
