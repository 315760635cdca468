//! What `incident-bot serve` reads from its environment, checked before anything starts, so a
//! mistake is one clear line at start-up rather than a 401 from Slack at 3 a.m.

use std::net::SocketAddr;
use std::time::Duration;

use crate::chat::slack::signature::SigningSecret;
use crate::outbox::DeliveryPolicy;
use crate::startup::Settings;

/// Where the HTTP server listens when `INCIDENT_BOT_ADDR` is not set.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
/// Slack's Web API, unless `SLACK_API_URL` points elsewhere (a stand-in, a proxy).
pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api";

#[derive(Debug, Clone)]
pub struct ServeSettings {
    pub addr: SocketAddr,
    pub startup: Settings,
    pub slack: Option<SlackSettings>,
    /// How often the scheduler looks for due timers (real time).
    pub tick: Duration,
    /// Pacing and retries of the outbox workers.
    pub outbox: DeliveryPolicy,
}

#[derive(Debug, Clone)]
pub struct SlackSettings {
    pub ingress: SlackIngress,
    pub bot_token: String,
    pub api_url: String,
    /// Status updates also in the channel, not only in the incident's thread.
    pub updates_in_channel: bool,
}

/// How Slack reaches the bot.
#[derive(Debug, Clone)]
pub enum SlackIngress {
    /// Signed requests to `/slack/commands` and `/slack/interactions` (needs a public URL).
    Http { signing_secret: SigningSecret },
    /// A WebSocket the bot opens with its app-level token (`xapp-…`): no public URL.
    SocketMode { app_token: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("INCIDENT_BOT_ADDR `{0}` is not an address like 127.0.0.1:3000 or 0.0.0.0:8080")]
    Addr(String),
    #[error(
        "{missing} is not set, but {set} is: Slack needs both (see the README's Slack section)"
    )]
    SlackHalfConfigured {
        set: &'static str,
        missing: &'static str,
    },
    #[error("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)")]
    AppToken,
    #[error("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions)")]
    BotToken,
    #[error("UPDATES_IN_CHANNEL must be true or false, not `{0}`")]
    Flag(String),
}

impl ServeSettings {
    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(
        startup: Settings,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ServeSettings, SettingsError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let addr_text = get("INCIDENT_BOT_ADDR").unwrap_or_else(|| DEFAULT_ADDR.to_string());
        let addr = addr_text
            .trim()
            .parse()
            .map_err(|_| SettingsError::Addr(addr_text.clone()))?;
        Ok(ServeSettings {
            addr,
            startup,
            slack: slack_settings(&get)?,
            tick: Duration::from_secs(1),
            outbox: DeliveryPolicy::default(),
        })
    }
}

fn slack_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<SlackSettings>, SettingsError> {
    let secret = get("SLACK_SIGNING_SECRET");
    let app_token = get("SLACK_APP_TOKEN");
    let Some(bot_token) = get("SLACK_BOT_TOKEN") else {
        return match (secret, app_token) {
            (None, None) => Ok(None),
            (Some(_), _) => Err(SettingsError::SlackHalfConfigured {
                set: "SLACK_SIGNING_SECRET",
                missing: "SLACK_BOT_TOKEN",
            }),
            (None, Some(_)) => Err(SettingsError::SlackHalfConfigured {
                set: "SLACK_APP_TOKEN",
                missing: "SLACK_BOT_TOKEN",
            }),
        };
    };
    if !bot_token.trim().starts_with("xoxb-") {
        return Err(SettingsError::BotToken);
    }
    let ingress = match (app_token, secret) {
        (Some(token), _) if !token.trim().starts_with("xapp-") => {
            return Err(SettingsError::AppToken)
        }
        (Some(token), _) => SlackIngress::SocketMode {
            app_token: token.trim().to_string(),
        },
        (None, Some(secret)) => SlackIngress::Http {
            signing_secret: SigningSecret::new(secret.trim()),
        },
        (None, None) => {
            return Err(SettingsError::SlackHalfConfigured {
                set: "SLACK_BOT_TOKEN",
                missing: "SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)",
            })
        }
    };
    let updates_in_channel = match get("UPDATES_IN_CHANNEL").as_deref().map(str::trim) {
        None => false,
        Some(flag) if ["true", "1", "yes"].contains(&flag) => true,
        Some(flag) if ["false", "0", "no"].contains(&flag) => false,
        Some(other) => return Err(SettingsError::Flag(other.to_string())),
    };
    Ok(Some(SlackSettings {
        ingress,
        bot_token: bot_token.trim().to_string(),
        api_url: get("SLACK_API_URL")
            .map(|url| url.trim().trim_end_matches('/').to_string())
            .unwrap_or_else(|| DEFAULT_SLACK_API_URL.to_string()),
        updates_in_channel,
    }))
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
        };
        ServeSettings::from_lookup(startup, |name| vars.get(name).cloned())
    }

    #[test]
    fn nothing_set_serves_health_checks_on_localhost_only() {
        let serve = settings(&[]).unwrap();
        assert_eq!(serve.addr.to_string(), "127.0.0.1:3000");
        assert!(serve.slack.is_none());
    }

    #[test]
    fn slack_needs_its_secret_and_a_bot_token_of_the_right_kind() {
        let slack = settings(&[
            ("SLACK_SIGNING_SECRET", "s3cret"),
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_API_URL", "http://127.0.0.1:9/api/"),
            ("UPDATES_IN_CHANNEL", "true"),
        ])
        .unwrap()
        .slack
        .unwrap();
        assert_eq!(slack.api_url, "http://127.0.0.1:9/api");
        assert!(slack.updates_in_channel);
        assert!(matches!(slack.ingress, SlackIngress::Http { .. }));
        let socket = settings(&[("SLACK_APP_TOKEN", "xapp-1"), ("SLACK_BOT_TOKEN", "xoxb-1")])
            .unwrap()
            .slack
            .unwrap();
        assert!(
            matches!(socket.ingress, SlackIngress::SocketMode { app_token } if app_token == "xapp-1")
        );
        assert_eq!(
            settings(&[("SLACK_BOT_TOKEN", "xoxb-1")]).unwrap_err(),
            SettingsError::SlackHalfConfigured {
                set: "SLACK_BOT_TOKEN",
                missing: "SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)"
            }
        );
        assert_eq!(
            settings(&[("SLACK_SIGNING_SECRET", "s"), ("SLACK_BOT_TOKEN", "xapp-1")]).unwrap_err(),
            SettingsError::BotToken
        );
        assert_eq!(
            settings(&[
                ("SLACK_SIGNING_SECRET", "s"),
                ("SLACK_BOT_TOKEN", "xoxb-1"),
                ("SLACK_APP_TOKEN", "xoxb-2")
            ])
            .unwrap_err(),
            SettingsError::AppToken
        );
        assert!(settings(&[("SLACK_APP_TOKEN", "xapp-1")]).is_err());
        assert_eq!(
            settings(&[("INCIDENT_BOT_ADDR", "localhost")]).unwrap_err(),
            SettingsError::Addr("localhost".into())
        );
        assert_eq!(
            settings(&[
                ("SLACK_SIGNING_SECRET", "s"),
                ("SLACK_BOT_TOKEN", "xoxb-1"),
                ("UPDATES_IN_CHANNEL", "maybe")
            ])
            .unwrap_err(),
            SettingsError::Flag("maybe".into())
        );
    }
}
