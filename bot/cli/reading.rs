//! What the verbs that print one incident share (`status`, `postmortem`): the reference read,
//! an engine opened on the store to read only (beside a running bot), and the text printed or
//! why there is none. Exits 0 when printed, 1 when there is no such incident or the store failed
//! while reading it, 2 when the reference, the runbook or the store is not usable.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use commands::IncidentRef;

use crate::clock::Clock;
use crate::engine::{Engine, EngineError};
use crate::incident::IncidentId;
use crate::startup::{self, Settings};
use crate::store::DatabaseUrl;

/// One incident's text from the store, as `text_of` words it, on standard output.
pub(super) async fn print_incident(
    verb: &str,
    incident: &str,
    runbook: Option<PathBuf>,
    database_url: DatabaseUrl,
    clock: Arc<dyn Clock>,
    text_of: impl AsyncFnOnce(&Engine, IncidentId) -> Result<Option<String>, EngineError>,
) -> ExitCode {
    let Some(reference) = IncidentRef::parse_or_number(incident) else {
        eprintln!(
            "error: `{incident}` is not an incident reference — usage: incident-bot {verb} INC-n (or n)"
        );
        return ExitCode::from(2);
    };
    let settings = Settings::from_command_line(runbook, database_url);
    let engine = match startup::read_only_engine(&settings, clock).await {
        Ok(engine) => engine,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match text_of(&engine, reference.into()).await {
        Ok(Some(text)) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!(
                "error: there is no {reference} in {}",
                settings.database_url
            );
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}
