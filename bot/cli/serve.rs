//! `incident-bot serve`: reads the settings from the environment, starts the bot, and runs until
//! SIGTERM or Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::clock::SystemClock;
use crate::serve::{self, ServeSettings};
use crate::startup::Settings;
use crate::store::DatabaseUrl;

pub async fn run(runbook: Option<PathBuf>, database_url: DatabaseUrl) -> ExitCode {
    let startup = Settings::from_command_line(runbook, database_url);
    let settings = match ServeSettings::from_lookup(startup, |name| std::env::var(name).ok()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    if settings.slack.is_none() && settings.discord.is_none() {
        eprintln!(
            "note: no chat platform is configured (Slack: SLACK_BOT_TOKEN and \
             SLACK_SIGNING_SECRET; Discord: DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID); \
             serving health checks only"
        );
    }
    let running = match serve::start(&settings, Arc::new(SystemClock)).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("error: {}", crate::error_text::with_causes(&error));
            return ExitCode::from(2);
        }
    };
    eprintln!("incident-bot is serving on http://{}", running.addr);
    running.until(serve::termination()).await;
    ExitCode::SUCCESS
}
