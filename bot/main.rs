//! The `incident-bot` binary: sets up logging, parses the command line and runs the chosen verb.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use incident_bot::cli::Cli;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        // Colours for a person at a terminal; plain text for log files and containers.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    Cli::parse().run()
}
