//! `incident-bot status INC-n`: where an incident stands, as the console shows it (the whole
//! checklist), on standard output. It reads the database only: nothing is posted, nothing
//! recorded. Exits 1 when there is no such incident, 2 when the reference, the runbook or the
//! store is not usable.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use super::reading::print_incident;
use crate::chat::console::render;
use crate::clock::{Clock, SystemClock};
use crate::incident::Person;
use crate::store::DatabaseUrl;

pub async fn run(
    incident: String,
    runbook: Option<PathBuf>,
    database_url: DatabaseUrl,
) -> ExitCode {
    let clock = Arc::new(SystemClock);
    let now = clock.now().timestamp_millis();
    print_incident(
        "status",
        &incident,
        runbook,
        database_url,
        clock,
        async |engine, id| {
            let message = engine.status_of(id).await?;
            // Printed now: its header is today's time of day.
            Ok(message.map(|message| render(&message, &Person::bot().name, now, now)))
        },
    )
    .await
}
