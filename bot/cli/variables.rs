//! Every environment variable the bot reads, with its default and what it does: one table, from
//! which each verb's `--help` lists the variables that verb reads. Values are never shown (some
//! are secrets). `tests/it/tidy.rs` checks that every variable read in `bot/` is in the table.

use std::fmt::Write as _;

use commands::duration::format_duration;

use crate::chat::discord::rest::DEFAULT_API_URL as DEFAULT_DISCORD_API_URL;
use crate::chat::slack::settings::DEFAULT_SLACK_API_URL;
use crate::engine::{DEFAULT_STALE_AFTER_SECS, DEFAULT_UPDATE_INTERVAL_SECS};
use crate::serve::{HttpLimits, DEFAULT_ADDR};
use crate::startup::DEFAULT_DATABASE_URL;

/// One environment variable.
pub struct Variable {
    pub name: &'static str,
    /// What it is when not set.
    pub default: WhenUnset,
    /// What it does, in a few words.
    pub meaning: &'static str,
    pub group: Group,
}

/// A variable's value when it is not set.
pub enum WhenUnset {
    /// A value as the variable would be written.
    Text(&'static str),
    /// A duration, written as the variable takes it (`15m`).
    Duration(u64),
    /// What the bot does without it, in words.
    Says(&'static str),
    /// A value its reader works out (a default that is no constant).
    Of(fn() -> String),
}

/// Which part of the bot reads a variable, and so which verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Where the runbook and the store are: every verb that runs the engine.
    Sources,
    /// Cadence and paging: every verb that runs the engine.
    Engine,
    /// The HTTP server.
    Server,
    Slack,
    Discord,
    /// Alerts from monitoring, into `serve`.
    Alerts,
    /// The console's user.
    Console,
    /// Logging, read by every verb.
    Logging,
}

impl WhenUnset {
    fn text(&self) -> String {
        match self {
            WhenUnset::Text(text) | WhenUnset::Says(text) => (*text).to_owned(),
            WhenUnset::Duration(secs) => format_duration(*secs),
            WhenUnset::Of(default) => default(),
        }
    }
}

/// The table.
pub const VARIABLES: &[Variable] = &[
    Variable {
        name: "RUNBOOK",
        default: WhenUnset::Says("the bundled runbook"),
        meaning: "the Markdown runbook (--runbook wins)",
        group: Group::Sources,
    },
    Variable {
        name: "DATABASE_URL",
        default: WhenUnset::Text(DEFAULT_DATABASE_URL),
        meaning: "the store: sqlite://FILE or postgres://… (--database-url wins)",
        group: Group::Sources,
    },
    Variable {
        name: "UPDATE_INTERVAL",
        default: WhenUnset::Duration(DEFAULT_UPDATE_INTERVAL_SECS),
        meaning: "how often an open incident's status update is posted",
        group: Group::Engine,
    },
    Variable {
        name: "UPDATE_INTERVAL_CRITICAL",
        default: WhenUnset::Says("UPDATE_INTERVAL"),
        meaning: "the same, for critical incidents",
        group: Group::Engine,
    },
    Variable {
        name: "UPDATE_INTERVAL_HIGH",
        default: WhenUnset::Says("UPDATE_INTERVAL"),
        meaning: "the same, for high",
        group: Group::Engine,
    },
    Variable {
        name: "UPDATE_INTERVAL_MEDIUM",
        default: WhenUnset::Says("UPDATE_INTERVAL"),
        meaning: "the same, for medium",
        group: Group::Engine,
    },
    Variable {
        name: "UPDATE_INTERVAL_LOW",
        default: WhenUnset::Says("UPDATE_INTERVAL"),
        meaning: "the same, for low",
        group: Group::Engine,
    },
    Variable {
        name: "STALE_AFTER",
        default: WhenUnset::Duration(DEFAULT_STALE_AFTER_SECS),
        meaning: "silence before the bot asks whether an incident is still going",
        group: Group::Engine,
    },
    Variable {
        name: "PAGE_CRITICAL",
        default: WhenUnset::Says("every contact"),
        meaning: "roles of the contacts table paged when a critical incident opens",
        group: Group::Engine,
    },
    Variable {
        name: "PAGE_HIGH",
        default: WhenUnset::Says("contacts available 24/7 or on call"),
        meaning: "the same, for high",
        group: Group::Engine,
    },
    Variable {
        name: "PAGE_MEDIUM",
        default: WhenUnset::Says("nobody"),
        meaning: "the same, for medium",
        group: Group::Engine,
    },
    Variable {
        name: "PAGE_LOW",
        default: WhenUnset::Says("nobody"),
        meaning: "the same, for low",
        group: Group::Engine,
    },
    Variable {
        name: "ROLE_MENTIONS",
        default: WhenUnset::Says("roles are named, not pinged"),
        meaning: "chat ids to ping per role (of the contacts table, or a step's owner): `Platform Lead=U024BE7LH; Database Admin=S0DBA`",
        group: Group::Engine,
    },
    Variable {
        name: "INCIDENT_CHANNELS",
        default: WhenUnset::Says("any channel"),
        meaning: "the channels incidents are run in: `C0INCIDENTS, discord:GUILD/CHANNEL`",
        group: Group::Engine,
    },
    Variable {
        name: "RESPONDERS",
        default: WhenUnset::Says("anyone may change incidents"),
        meaning: "who may change incidents (others only read): Slack `U…`/`S…` ids, Discord user and role ids",
        group: Group::Engine,
    },
    Variable {
        name: "RESPONDERS_RESOLVE",
        default: WhenUnset::Says("RESPONDERS"),
        meaning: "who alone may resolve (an incident's commander and role holders too)",
        group: Group::Engine,
    },
    Variable {
        name: "RESPONDERS_CANCEL",
        default: WhenUnset::Says("RESPONDERS"),
        meaning: "the same, for cancel",
        group: Group::Engine,
    },
    Variable {
        name: "RESPONDERS_REOPEN",
        default: WhenUnset::Says("RESPONDERS"),
        meaning: "the same, for reopen",
        group: Group::Engine,
    },
    Variable {
        name: "RESPONDERS_SEVERITY",
        default: WhenUnset::Says("RESPONDERS"),
        meaning: "the same, for severity",
        group: Group::Engine,
    },
    Variable {
        name: "RESPONDERS_DRILL",
        default: WhenUnset::Says("RESPONDERS"),
        meaning: "the same, for drill",
        group: Group::Engine,
    },
    Variable {
        name: "INCIDENT_BOT_ADDR",
        default: WhenUnset::Text(DEFAULT_ADDR),
        meaning: "where the HTTP server listens",
        group: Group::Server,
    },
    Variable {
        name: "HTTP_HEADER_TIMEOUT",
        default: WhenUnset::Of(|| format_duration(HttpLimits::default().header_timeout.as_secs())),
        meaning: "how long a request's headers may take before the connection is closed",
        group: Group::Server,
    },
    Variable {
        name: "HTTP_BODY_TIMEOUT",
        default: WhenUnset::Of(|| format_duration(HttpLimits::default().body_timeout.as_secs())),
        meaning: "how long a request's body may take (then 408)",
        group: Group::Server,
    },
    Variable {
        name: "HTTP_MAX_CONNECTIONS",
        default: WhenUnset::Of(|| HttpLimits::default().max_connections.to_string()),
        meaning: "connections served at once (one more gets 503)",
        group: Group::Server,
    },
    Variable {
        name: "SHUTDOWN_TIMEOUT",
        default: WhenUnset::Of(|| {
            format_duration(HttpLimits::default().shutdown_timeout.as_secs())
        }),
        meaning: "how long a stop waits for requests in flight",
        group: Group::Server,
    },
    Variable {
        name: "UPDATES_IN_CHANNEL",
        default: WhenUnset::Text("false"),
        meaning: "status updates in the channel too, not only in the incident's thread",
        group: Group::Server,
    },
    Variable {
        name: "SLACK_BOT_TOKEN",
        default: WhenUnset::Says("Slack is not served"),
        meaning: "the bot token, xoxb-… (secret)",
        group: Group::Slack,
    },
    Variable {
        name: "SLACK_SIGNING_SECRET",
        default: WhenUnset::Says("no /slack routes"),
        meaning: "checks Slack's requests to /slack/commands and /slack/interactions (secret)",
        group: Group::Slack,
    },
    Variable {
        name: "SLACK_APP_TOKEN",
        default: WhenUnset::Says("no Socket Mode"),
        meaning: "an app-level token, xapp-…: Socket Mode instead of the routes (secret)",
        group: Group::Slack,
    },
    Variable {
        name: "SLACK_API_URL",
        default: WhenUnset::Text(DEFAULT_SLACK_API_URL),
        meaning: "Slack's Web API",
        group: Group::Slack,
    },
    Variable {
        name: "DISCORD_BOT_TOKEN",
        default: WhenUnset::Says("Discord is not served"),
        meaning: "the bot token (secret)",
        group: Group::Discord,
    },
    Variable {
        name: "DISCORD_APPLICATION_ID",
        default: WhenUnset::Says("required with DISCORD_BOT_TOKEN"),
        meaning: "the application's id",
        group: Group::Discord,
    },
    Variable {
        name: "DISCORD_PUBLIC_KEY",
        default: WhenUnset::Says("no /discord/interactions route"),
        meaning: "checks Discord's requests to the interactions endpoint",
        group: Group::Discord,
    },
    Variable {
        name: "DISCORD_GUILD_ID",
        default: WhenUnset::Says("commands registered globally"),
        meaning: "the server whose commands are registered (they show at once)",
        group: Group::Discord,
    },
    Variable {
        name: "DISCORD_GATEWAY",
        default: WhenUnset::Text("on"),
        meaning: "`off` to be reached through the interactions endpoint only",
        group: Group::Discord,
    },
    Variable {
        name: "DISCORD_API_URL",
        default: WhenUnset::Text(DEFAULT_DISCORD_API_URL),
        meaning: "Discord's API",
        group: Group::Discord,
    },
    Variable {
        name: "ALERTS_TOKEN",
        default: WhenUnset::Says("no /alerts/alertmanager nor /alerts/grafana"),
        meaning: "the bearer token Alertmanager and Grafana send",
        group: Group::Alerts,
    },
    Variable {
        name: "PAGERDUTY_WEBHOOK_SECRET",
        default: WhenUnset::Says("no /alerts/pagerduty"),
        meaning: "the secret of PagerDuty's v3 webhook subscription",
        group: Group::Alerts,
    },
    Variable {
        name: "ALERTS_CHANNEL",
        default: WhenUnset::Says("none (needed with an alert secret)"),
        meaning: "where alerts go: slack:<team>/<channel> or discord:<guild>/<channel>",
        group: Group::Alerts,
    },
    Variable {
        name: "ALERTS_AUTO_OPEN",
        default: WhenUnset::Says("never: alerts are offered"),
        meaning: "the least severity at which an alert opens its incident by itself",
        group: Group::Alerts,
    },
    Variable {
        name: "USER",
        default: WhenUnset::Says("your login name"),
        meaning: "your name in the channel (--as wins)",
        group: Group::Console,
    },
    Variable {
        name: "RUST_LOG",
        default: WhenUnset::Text("warn"),
        meaning: "what is logged to standard error: error, warn, info, debug",
        group: Group::Logging,
    },
];

/// The groups `serve` reads (and `check-config` checks).
pub const SERVE: &[Group] = &[
    Group::Sources,
    Group::Engine,
    Group::Server,
    Group::Slack,
    Group::Discord,
    Group::Alerts,
    Group::Logging,
];

/// The groups `console` reads.
pub const CONSOLE: &[Group] = &[
    Group::Sources,
    Group::Engine,
    Group::Console,
    Group::Logging,
];

/// The groups `postmortem` and `status` read: they run the engine on the store, posting nothing.
pub const READERS: &[Group] = &[Group::Sources, Group::Engine, Group::Logging];

/// The text after a verb's help: the variables of `groups`, each with its default, never its
/// value.
pub fn help(groups: &[Group]) -> String {
    let shown: Vec<&Variable> = VARIABLES
        .iter()
        .filter(|variable| groups.contains(&variable.group))
        .collect();
    let width = shown
        .iter()
        .map(|variable| variable.name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::from("Environment (blank is unset; values are never shown):\n");
    for variable in shown {
        let _ = writeln!(
            out,
            "  {:<width$}  {} [default: {}]",
            variable.name,
            variable.meaning,
            variable.default.text()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_verb_lists_the_variables_it_reads_with_their_defaults() {
        let serve = help(SERVE);
        assert!(serve.starts_with("Environment (blank is unset; values are never shown):\n"));
        assert!(
            serve.contains("\n  UPDATE_INTERVAL           how often an open incident's status update is posted [default: 15m]\n"),
            "{serve}"
        );
        assert!(
            serve.contains("\n  INCIDENT_BOT_ADDR         where the HTTP server listens [default: 127.0.0.1:3000]\n"),
            "{serve}"
        );
        assert!(!serve.contains("\n  USER "), "{serve}");
        let console = help(CONSOLE);
        assert!(
            console.contains("\n  USER                      your name in the channel (--as wins) [default: your login name]\n"),
            "{console}"
        );
        assert!(!console.contains("SLACK_"), "{console}");
    }

    #[test]
    fn every_variable_is_named_once() {
        let mut names: Vec<&str> = VARIABLES.iter().map(|variable| variable.name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a variable is in the table twice");
    }
}
