//! The `incident-bot` binary: parses the command line and runs the chosen verb.

use std::process::ExitCode;

use clap::Parser;
use incident_bot::cli::Cli;

fn main() -> ExitCode {
    Cli::parse().run()
}
