//! Integration tests: one binary, one module per capability (see matklad's "Delete Cargo
//! Integration Tests").

mod check_runbook_cli;
mod fixtures;
mod runbook_malformed;
mod runbook_shared;
mod runbook_styles;
mod scenario_lookup;
