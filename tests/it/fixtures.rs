//! Paths and loaders for the test fixtures under `tests/fixtures/`.

use std::path::PathBuf;

use incident_bot::runbook::{self, Runbook};

pub fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// The user's runbook, copied verbatim from `../shared/runbooks/disaster-recovery-runbook.md`.
pub fn shared_runbook_text() -> String {
    std::fs::read_to_string(path("runbooks/shared-disaster-recovery-runbook.md"))
        .expect("the shared runbook fixture is in the repository")
}

pub fn shared_runbook() -> Runbook {
    runbook::parse(&shared_runbook_text())
}

pub fn bundled_runbook() -> Runbook {
    runbook::parse(runbook::DEFAULT_RUNBOOK)
}
