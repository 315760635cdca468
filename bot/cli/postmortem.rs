//! `incident-bot postmortem INC-n`: the post-mortem draft as Markdown on standard output. It reads
//! the database only: nothing is posted, nothing recorded.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use commands::IncidentRef;

use crate::clock::SystemClock;
use crate::startup::{self, Settings};

pub async fn run(incident: String, runbook: Option<PathBuf>, database_url: String) -> ExitCode {
    let Some(reference) = IncidentRef::parse(&incident) else {
        eprintln!("error: `{incident}` is not an incident reference — usage: incident-bot postmortem INC-n");
        return ExitCode::from(2);
    };
    let settings = Settings::from_command_line(runbook, database_url);
    let engine = match startup::read_only_engine(&settings, Arc::new(SystemClock)).await {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match engine.postmortem_draft(reference.into()).await {
        Ok(Some(markdown)) => {
            print!("{markdown}");
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
