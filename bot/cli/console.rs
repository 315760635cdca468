//! `incident-bot console`: the terminal channel.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::chat::console::{delivery_policy, Console, Terminal};
use crate::clock::{Clock, SimulatedClock, SystemClock};
use crate::outbox::OutboxWorker;
use crate::startup::{self, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClockChoice {
    /// The real wall clock.
    System,
    /// Starts now and moves only with `/advance <duration>`.
    Simulated,
}

pub async fn run(
    runbook: Option<PathBuf>,
    database_url: String,
    clock: ClockChoice,
    user: String,
) -> ExitCode {
    let settings = Settings::from_command_line(runbook, database_url);
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
        crate::store::redact_url(&settings.database_url),
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
