//! The command line: `incident-bot <verb>`. Each verb lives in its own module; this one only
//! declares the arguments and dispatches.

mod check_runbook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "incident-bot",
    version,
    about = "Runs your disaster-recovery runbook as guided incident checklists in chat"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Show what the bot understands of a runbook, and every problem found in it.
    ///
    /// Exits 1 when the runbook has errors, 2 when it cannot be read.
    CheckRunbook {
        /// The Markdown runbook to check [default: $RUNBOOK, else the bundled default].
        file: Option<PathBuf>,
        /// Print the result as JSON for other tools.
        #[arg(long)]
        json: bool,
    },
}

impl Cli {
    pub fn run(self) -> ExitCode {
        match self.command {
            Verb::CheckRunbook { file, json } => {
                check_runbook::run(file, std::env::var("RUNBOOK").ok(), json)
            }
        }
    }
}
