//! `incident-bot status INC-n`: where an incident stands, as the console shows it (the whole
//! checklist), on standard output. It reads the database only: nothing is posted, nothing
//! recorded. Exits 1 when there is no such incident, 2 when the reference, the runbook or the
//! store is not usable.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use commands::IncidentRef;

use crate::chat::console::render;
use crate::clock::{Clock, SystemClock};
use crate::incident::Person;
use crate::startup::{self, Settings};

pub async fn run(incident: String, runbook: Option<PathBuf>, database_url: String) -> ExitCode {
    let Some(reference) = IncidentRef::parse(&incident) else {
        eprintln!(
            "error: `{incident}` is not an incident reference — usage: incident-bot status INC-n"
        );
        return ExitCode::from(2);
    };
    let settings = Settings::from_command_line(runbook, database_url);
    let clock = Arc::new(SystemClock);
    let engine = match startup::read_only_engine(&settings, clock.clone()).await {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match engine.status_of(reference.into()).await {
        Ok(Some(message)) => {
            print!(
                "{}",
                render(
                    &message,
                    &Person::bot().name,
                    clock.now().timestamp_millis(),
                    // Printed now: its header is today's time of day.
                    clock.now().timestamp_millis()
                )
            );
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!(
                "error: there is no {reference} in {}",
                crate::store::redact_url(&settings.database_url)
            );
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
