//! What `incident-bot serve` reads from its environment, checked before anything starts: where
//! it listens and what it allows its clients (`limits`), and the settings of each chat platform's adapter (each adapter reads its own).

use std::net::SocketAddr;
use std::time::Duration;

use super::limits::{HttpLimits, LimitsError};
use crate::alerts::settings::AlertsSettings;
use crate::chat::discord::settings::{self as discord, DiscordSettings};
use crate::chat::slack::settings::{self as slack, SlackSettings};
use crate::cli::variables::{Group, VARIABLES};
use crate::environment::Environment;
use crate::outbox::DeliveryPolicy;
use crate::platform::Platform;
use crate::startup::Settings;

/// Where the HTTP server listens when `INCIDENT_BOT_ADDR` is not set.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";

#[derive(Debug, Clone)]
pub struct ServeSettings {
    pub addr: SocketAddr,
    /// Timeouts and the connection limit of the HTTP server.
    pub http: HttpLimits,
    pub startup: Settings,
    pub slack: Option<SlackSettings>,
    pub discord: Option<DiscordSettings>,
    /// The alert routes and where alerts go; `None` when no alert secret is set.
    pub alerts: Option<AlertsSettings>,
    /// How often the scheduler looks for due timers (real time).
    pub tick: Duration,
    /// Pacing and retries of the outbox workers.
    pub outbox: DeliveryPolicy,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("INCIDENT_BOT_ADDR `{0}` is not an address like 127.0.0.1:3000 or 0.0.0.0:8080")]
    Addr(String),
    #[error(transparent)]
    Limits(#[from] LimitsError),
    #[error(transparent)]
    Slack(#[from] slack::SettingsError),
    #[error(transparent)]
    Discord(#[from] discord::SettingsError),
    #[error(transparent)]
    Alerts(#[from] crate::alerts::settings::SettingsError),
    #[error("ALERTS_CHANNEL is on {0}, which this bot does not serve: set up {0} too (see the README), or send alerts to a channel of a platform it serves")]
    AlertsPlatform(&'static str),
}

impl ServeSettings {
    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(
        startup: Settings,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ServeSettings, SettingsError> {
        // As set, blank or not (`PAGE_LOW=` pages nobody): the engine reads them itself.
        let engine_variables = VARIABLES
            .iter()
            .filter(|variable| variable.group == Group::Engine)
            .filter_map(|variable| Some((variable.name.to_string(), lookup(variable.name)?)))
            .collect();
        let env = Environment::new(lookup);
        let addr = listen_addr(&env)?;
        let http = HttpLimits::from_environment(&env)?;
        let slack = SlackSettings::from_environment(&env)?;
        let discord = DiscordSettings::from_environment(&env)?;
        let alerts = AlertsSettings::from_environment(&env)?;
        let mut startup = startup;
        startup.engine_variables = Some(engine_variables);
        startup.platforms = [
            slack.is_some().then_some(Platform::Slack),
            discord.is_some().then_some(Platform::Discord),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(alerts) = &alerts {
            if !startup.platforms.contains(&alerts.channel.platform) {
                return Err(SettingsError::AlertsPlatform(
                    alerts.channel.platform.name(),
                ));
            }
        }
        Ok(ServeSettings {
            addr,
            http,
            startup,
            slack,
            discord,
            alerts,
            tick: Duration::from_secs(1),
            outbox: DeliveryPolicy::default(),
        })
    }
}

/// Where the HTTP server listens: `INCIDENT_BOT_ADDR`, else [`DEFAULT_ADDR`].
pub fn listen_addr(env: &Environment) -> Result<SocketAddr, SettingsError> {
    let text = env
        .get("INCIDENT_BOT_ADDR")
        .unwrap_or_else(|| DEFAULT_ADDR.to_string());
    text.trim().parse().map_err(|_| SettingsError::Addr(text))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::runbook::RunbookSource;

    fn settings(vars: &[(&str, &str)]) -> Result<ServeSettings, SettingsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let startup = Settings {
            runbook: RunbookSource::choose(None, None),
            database_url: "sqlite::memory:".into(),
            platforms: Vec::new(),
            engine_variables: None,
        };
        ServeSettings::from_lookup(startup, |name| vars.get(name).cloned())
    }

    #[test]
    fn nothing_set_serves_health_checks_on_localhost_only() {
        let serve = settings(&[]).unwrap();
        assert_eq!(serve.addr.to_string(), "127.0.0.1:3000");
        assert!(serve.slack.is_none());
        assert!(serve.discord.is_none());
    }

    #[test]
    fn debugging_the_settings_shows_no_token_secret_or_password() {
        let secrets = [
            "xoxb-sekrit-bot",
            "sekrit-signing",
            "xapp-sekrit-app",
            "MTE4.sekrit-discord",
            "hunter2",
        ];
        let vars: HashMap<String, String> = [
            ("SLACK_BOT_TOKEN", secrets[0]),
            ("SLACK_SIGNING_SECRET", secrets[1]),
            ("DISCORD_BOT_TOKEN", secrets[3]),
            ("DISCORD_APPLICATION_ID", "11"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let startup = Settings {
            runbook: RunbookSource::choose(None, None),
            database_url: "postgres://bot:hunter2@db.internal/incidents".into(),
            platforms: Vec::new(),
            engine_variables: None,
        };
        let http =
            ServeSettings::from_lookup(startup.clone(), |name| vars.get(name).cloned()).unwrap();
        let mut socket_vars = vars.clone();
        socket_vars.insert("SLACK_APP_TOKEN".into(), secrets[2].into());
        let socket =
            ServeSettings::from_lookup(startup, |name| socket_vars.get(name).cloned()).unwrap();
        for shown in [format!("{http:?}"), format!("{socket:#?}")] {
            assert!(shown.contains("db.internal"), "{shown}");
            for secret in secrets {
                assert!(!shown.contains(secret), "{secret} shows in {shown}");
            }
        }
    }

    #[test]
    fn a_bad_address_or_a_platform_half_set_up_is_one_line() {
        assert_eq!(
            settings(&[("INCIDENT_BOT_ADDR", "localhost")]).unwrap_err(),
            SettingsError::Addr("localhost".into())
        );
        assert_eq!(
            settings(&[("SLACK_BOT_TOKEN", "xoxb-1")])
                .unwrap_err()
                .to_string(),
            "SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) is not set, but \
             SLACK_BOT_TOKEN is: Slack needs both (see the README's Slack section)"
        );
        assert_eq!(
            settings(&[("DISCORD_BOT_TOKEN", "t"), ("DISCORD_APPLICATION_ID", "11")])
                .map(|serve| serve.discord.is_some()),
            Ok(true)
        );
    }
}
