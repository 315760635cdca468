//! `incident-bot postmortem INC-n`: the post-mortem draft as Markdown on standard output. It reads
//! the database only: nothing is posted, nothing recorded.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use super::reading::print_incident;
use crate::clock::SystemClock;
use crate::store::DatabaseUrl;

pub async fn run(
    incident: String,
    runbook: Option<PathBuf>,
    database_url: DatabaseUrl,
) -> ExitCode {
    print_incident(
        "postmortem",
        &incident,
        runbook,
        database_url,
        Arc::new(SystemClock),
        async |engine, id| engine.postmortem_draft(id).await,
    )
    .await
}
