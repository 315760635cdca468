//! The command line: `incident-bot <verb>`. Each verb lives in its own module; this one only
//! declares the arguments and dispatches.

mod audit;
mod check_config;
mod check_runbook;
mod console;
mod outbox;
mod postmortem;
mod reading;
mod serve;
mod status;
pub mod variables;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::startup::{Settings, DEFAULT_DATABASE_URL};
use crate::store::DatabaseUrl;

#[derive(Debug, Parser)]
#[command(
    name = "incident-bot",
    version,
    about = "Runs your disaster-recovery runbook as guided incident checklists in chat",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Verb,
}

#[derive(Debug, Subcommand)]
enum Verb {
    /// Show what the bot understands of a runbook, and every problem found in it.
    ///
    /// Exits 0 when the runbook is fine (warnings allowed), 1 when it has errors, 2 when it cannot
    /// be read: missing, over 2 MiB, not UTF-8 text, or binary.
    CheckRunbook {
        /// The Markdown runbook to check [default: $RUNBOOK, else the bundled default].
        file: Option<PathBuf>,
        /// Print the result as JSON for other tools.
        #[arg(long)]
        json: bool,
    },
    /// An #incidents channel in the terminal: type commands, see the bot's posts.
    ///
    /// At a terminal: a prompt with line editing, history (Up arrow) and Tab completion of
    /// commands and scenario names; the bot's posts appear above the line being typed. Reads
    /// commands from a pipe too, one per line, with no prompt. Console commands: /advance
    /// <duration> (simulated clock), /as <name>, /quit.
    #[command(after_help = variables::help(variables::CONSOLE))]
    Console {
        /// The Markdown runbook [default: $RUNBOOK, else the bundled default].
        #[arg(long)]
        runbook: Option<PathBuf>,
        /// sqlite://FILE or postgres://… URL [default: sqlite://incident-bot.db; with --clock
        /// simulated, a fresh store in memory, gone at /quit].
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: Option<DatabaseUrl>,
        /// `simulated` starts at the current time and moves only with /advance. It refuses a
        /// store that a real clock has written to.
        #[arg(long, value_enum, default_value = "system")]
        clock: console::ClockChoice,
        /// Where the simulated clock starts, in UTC: 2026-11-25T20:58 [default: now].
        #[arg(long, value_name = "TIME", value_parser = console::parse_start)]
        start: Option<chrono::DateTime<chrono::Utc>>,
        /// Your name in the channel [default: $USER, else your login name].
        #[arg(long = "as")]
        user: Option<String>,
    },
    /// Run the bot: the HTTP server, the chat platforms configured in the environment, the
    /// scheduler and the outbox.
    ///
    /// Serves /healthz and /readyz, and each platform's routes; a platform is served when its
    /// bot token is set. Slow or too many clients are cut off (HTTP_*, below); on SIGTERM,
    /// requests in flight get SHUTDOWN_TIMEOUT.
    #[command(after_help = variables::help(variables::SERVE))]
    Serve {
        /// The Markdown runbook [default: $RUNBOOK, else the bundled default].
        #[arg(long)]
        runbook: Option<PathBuf>,
        /// sqlite://FILE or postgres://… URL.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
        database_url: DatabaseUrl,
    },
    /// Print the post-mortem draft of an incident as Markdown.
    #[command(after_help = variables::help(variables::READERS))]
    Postmortem {
        /// The incident, e.g. INC-3.
        incident: String,
        /// The Markdown runbook [default: $RUNBOOK, else the bundled default].
        #[arg(long)]
        runbook: Option<PathBuf>,
        /// sqlite://FILE or postgres://… URL.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
        database_url: DatabaseUrl,
    },
    /// List the posts not delivered yet: pending ones, and dead letters (given up after the
    /// platform refused them for good), each with its attempts and last error.
    ///
    /// Only reads the database, so it runs beside the bot. `--retry ID` puts a dead letter back
    /// in line (it goes out next in its channel); on a SQLite file, stop the bot first. Exits 1
    /// when ID is not a dead letter, 2 when the database cannot be read.
    Outbox {
        /// Queue this dead letter again (its id, as listed).
        #[arg(long, value_name = "ID")]
        retry: Option<u64>,
        /// sqlite://FILE or postgres://… URL.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
        database_url: DatabaseUrl,
    },
    /// Print the audit log: who changed incidents or was refused, what they typed, where and
    /// when, and whether it was done (or refused, and why).
    ///
    /// Only reads the database, so it runs beside the bot. Exits 2 when the database cannot be
    /// read.
    Audit {
        /// From when: a day (2026-11-28, from midnight UTC) or a duration before now (24h, 7d).
        #[arg(long, value_name = "DAY|DURATION", value_parser = audit::parse_since, default_value = audit::DEFAULT_SINCE)]
        since: audit::Since,
        /// sqlite://FILE or postgres://… URL.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
        database_url: DatabaseUrl,
    },
    /// Print where an incident stands: its whole checklist, RTO/RPO per service, roles, updates.
    ///
    /// Reads the store only. Exits 1 when there is no such incident, 2 when the store or the
    /// runbook cannot be read.
    #[command(after_help = variables::help(variables::READERS))]
    Status {
        /// The incident, e.g. INC-3.
        incident: String,
        /// The Markdown runbook [default: $RUNBOOK, else the bundled default].
        #[arg(long)]
        runbook: Option<PathBuf>,
        /// sqlite://FILE or postgres://… URL.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
        database_url: DatabaseUrl,
    },
    /// Show the configuration `serve` would run with, secrets masked, and every problem in it.
    ///
    /// Reads the same environment as `serve` (below) and checks roles against the runbook's
    /// contacts table. Starts nothing. Exits 1 when there are problems, 2 when the runbook cannot
    /// be read.
    #[command(after_help = variables::help(variables::SERVE))]
    CheckConfig {
        /// The Markdown runbook [default: $RUNBOOK, else the bundled default].
        #[arg(long)]
        runbook: Option<PathBuf>,
        /// sqlite://FILE or postgres://… URL.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
        database_url: DatabaseUrl,
    },
    /// Print the help of incident-bot, or of one of its verbs.
    Help {
        /// The verb, e.g. serve.
        verb: Option<String>,
    },
}

impl Cli {
    pub fn run(self) -> ExitCode {
        match self.command {
            Verb::CheckRunbook { file, json } => {
                check_runbook::run(file, std::env::var("RUNBOOK").ok(), json)
            }
            Verb::Console {
                runbook,
                database_url,
                clock,
                start,
                user,
            } => block_on(console::run(runbook, database_url, clock, start, user)),
            Verb::Serve {
                runbook,
                database_url,
            } => block_on(serve::run(runbook, database_url)),
            Verb::Postmortem {
                incident,
                runbook,
                database_url,
            } => block_on(postmortem::run(incident, runbook, database_url)),
            Verb::Outbox {
                retry,
                database_url,
            } => block_on(outbox::run(retry, database_url)),
            Verb::Audit {
                since,
                database_url,
            } => block_on(audit::run(since, database_url)),
            Verb::Status {
                incident,
                runbook,
                database_url,
            } => block_on(status::run(incident, runbook, database_url)),
            Verb::CheckConfig {
                runbook,
                database_url,
            } => check_config::run(Settings::from_command_line(runbook, database_url)),
            Verb::Help { verb } => help(verb.as_deref()),
        }
    }
}

/// `incident-bot help [verb]`: what `incident-bot [verb] --help` prints, and clap's own answer
/// (with the verb meant) to a verb that does not exist.
fn help(verb: Option<&str>) -> ExitCode {
    let asked = ["incident-bot"].into_iter().chain(verb).chain(["--help"]);
    match Cli::command().try_get_matches_from(asked) {
        // `--help` always stops the parse with the help to print.
        Ok(_) => ExitCode::SUCCESS,
        Err(shown) => {
            let _ = shown.print();
            ExitCode::from(u8::try_from(shown.exit_code()).unwrap_or(2))
        }
    }
}

/// Runs an async verb on a fresh runtime.
fn block_on(verb: impl std::future::Future<Output = ExitCode>) -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(verb),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[env: DATABASE_URL=postgres://bot:…@…]` in a help would print a password: every
    /// argument that reads the environment hides its value.
    #[test]
    fn every_argument_read_from_the_environment_hides_its_value() {
        let cli = Cli::command();
        let mut read = 0;
        for verb in cli.get_subcommands() {
            for arg in verb.get_arguments().filter(|arg| arg.get_env().is_some()) {
                read += 1;
                assert!(
                    arg.is_hide_env_values_set(),
                    "`{} --{}` would show its variable's value in --help: add hide_env_values = true",
                    verb.get_name(),
                    arg.get_id()
                );
            }
        }
        assert!(read >= 6, "only {read} arguments read the environment");
    }
}
