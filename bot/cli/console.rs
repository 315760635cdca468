//! `incident-bot console`: the terminal channel.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use std::io::{IsTerminal, Write};

use chrono::{DateTime, NaiveDateTime, Utc};
use tokio::io::AsyncBufReadExt;

use crate::chat::console::{delivery_policy, Completions, Console, Prompt, Terminal};
use crate::clock::{Clock, SimulatedClock, SystemClock};
use crate::outbox::OutboxWorker;
use crate::startup::{self, Settings, DEFAULT_DATABASE_URL};
use crate::store::DatabaseUrl;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClockChoice {
    /// The real wall clock.
    System,
    /// Starts now and moves only with `/advance <duration>`.
    Simulated,
}

/// `--start`: `2026-11-25T20:58`, with seconds, a space for the `T` or a final `Z` if you like;
/// always UTC.
pub fn parse_start(text: &str) -> Result<DateTime<Utc>, String> {
    let written = text.trim().trim_end_matches(['Z', 'z']);
    [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .into_iter()
    .find_map(|format| NaiveDateTime::parse_from_str(written, format).ok())
    .map(|at| at.and_utc())
    .ok_or_else(|| format!("`{text}` is not a time like 2026-11-25T20:58 (UTC)"))
}

pub async fn run(
    runbook: Option<PathBuf>,
    database_url: Option<DatabaseUrl>,
    clock: ClockChoice,
    start: Option<DateTime<Utc>>,
    user: Option<String>,
) -> ExitCode {
    if start.is_some() && clock == ClockChoice::System {
        eprintln!("error: --start is where a simulated clock starts: add --clock simulated");
        return ExitCode::from(2);
    }
    let store = ConsoleStore::store(database_url, clock);
    let settings = Settings::from_command_line(runbook, store.url());
    let (clock, simulated): (Arc<dyn Clock>, Option<SimulatedClock>) = match clock {
        ClockChoice::System => (Arc::new(SystemClock), None),
        ClockChoice::Simulated => {
            let simulated = SimulatedClock::starting_at(start.unwrap_or_else(Utc::now));
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
    let prompt = match std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        true => Prompt::start(Completions::new(engine.runbook()))
            .inspect_err(|error| tracing::warn!(%error, "no prompt: reading lines as piped"))
            .ok(),
        false => None,
    };
    let (prompt, out): (Option<Prompt>, Box<dyn Write + Send>) = match prompt {
        Some((prompt, above)) => (Some(prompt), Box::new(above)),
        None => (None, Box::new(std::io::stdout())),
    };
    let terminal = Arc::new(Terminal::new(out, clock.now_millis().millis()));
    let outbox = OutboxWorker::new(
        engine.store().clone(),
        clock.clone(),
        Arc::clone(&terminal),
        delivery_policy(),
        engine.posts_queued().listen(),
    );
    let user = user.unwrap_or_else(who_is_typing);
    let mut console = Console::new(engine, outbox, terminal, clock, simulated, &user);
    let ran = match prompt {
        Some(prompt) => console.run(prompt).await,
        None => {
            let piped = tokio::io::BufReader::new(tokio::io::stdin());
            console.run(piped.lines()).await
        }
    };
    match ran {
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
    Named(DatabaseUrl),
    /// A simulated clock's, when none is named: fresh, in memory, gone at /quit.
    Fresh,
}

/// A SQLite database in memory: every connection to it is a database of its own.
const FRESH_STORE_URL: &str = "sqlite::memory:";

impl ConsoleStore {
    fn store(named: Option<DatabaseUrl>, clock: ClockChoice) -> ConsoleStore {
        match (named, clock) {
            (Some(url), _) => ConsoleStore::Named(url),
            (None, ClockChoice::System) => ConsoleStore::Named(DEFAULT_DATABASE_URL.into()),
            (None, ClockChoice::Simulated) => ConsoleStore::Fresh,
        }
    }

    fn url(&self) -> DatabaseUrl {
        match self {
            ConsoleStore::Named(url) => url.clone(),
            ConsoleStore::Fresh => FRESH_STORE_URL.into(),
        }
    }

    /// For the banner.
    fn describe(&self) -> String {
        match self {
            ConsoleStore::Named(url) => url.to_string(),
            ConsoleStore::Fresh => "a fresh one in memory, gone at /quit".to_owned(),
        }
    }
}

/// The console's user when `--as` names none: `$USER`, else the login name, else "you".
fn who_is_typing() -> String {
    let environment = crate::environment::Environment::new(|name| std::env::var(name).ok());
    environment
        .get("USER")
        .or_else(|| {
            nix::unistd::User::from_uid(nix::unistd::getuid())
                .ok()
                .flatten()
                .map(|user| user.name)
        })
        .unwrap_or_else(|| "you".to_owned())
}
