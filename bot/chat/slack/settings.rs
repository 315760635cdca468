//! What the Slack adapter reads from the environment: its tokens, how Slack reaches the bot, and
//! where the Web API is. Checked before anything starts, so a mistake is one clear line at
//! start-up rather than a 401 from Slack at 3 a.m.

use secrecy::SecretString;

use super::signature::SigningSecret;
use crate::environment::{BadFlag, Environment};

/// Slack's Web API, unless `SLACK_API_URL` points elsewhere (a stand-in, a proxy).
pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api";

#[derive(Debug, Clone)]
pub struct SlackSettings {
    pub ingress: SlackIngress,
    /// `xoxb-…`.
    pub bot_token: SecretString,
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
    SocketMode { app_token: SecretString },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "{missing} is not set, but {set} is: Slack needs both (see the README's Slack section)"
    )]
    HalfConfigured {
        set: &'static str,
        missing: &'static str,
    },
    #[error("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)")]
    AppToken,
    #[error("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions)")]
    BotToken,
    #[error(transparent)]
    Flag(#[from] BadFlag),
}

impl SlackSettings {
    /// Slack's settings, `None` when none of its variables is set.
    pub fn from_environment(env: &Environment) -> Result<Option<SlackSettings>, SettingsError> {
        let secret = env.get("SLACK_SIGNING_SECRET");
        let app_token = env.get("SLACK_APP_TOKEN");
        let Some(bot_token) = env.get("SLACK_BOT_TOKEN") else {
            return match (secret, app_token) {
                (None, None) => Ok(None),
                (Some(_), _) => Err(SettingsError::HalfConfigured {
                    set: "SLACK_SIGNING_SECRET",
                    missing: "SLACK_BOT_TOKEN",
                }),
                (None, Some(_)) => Err(SettingsError::HalfConfigured {
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
                app_token: SecretString::new(token.trim().to_string()),
            },
            (None, Some(secret)) => SlackIngress::Http {
                signing_secret: SigningSecret::new(secret.trim()),
            },
            (None, None) => {
                return Err(SettingsError::HalfConfigured {
                    set: "SLACK_BOT_TOKEN",
                    missing: "SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)",
                })
            }
        };
        let updates_in_channel = env.flag("UPDATES_IN_CHANNEL")?;
        Ok(Some(SlackSettings {
            ingress,
            bot_token: SecretString::new(bot_token.trim().to_string()),
            api_url: env
                .get("SLACK_API_URL")
                .map(|url| url.trim().trim_end_matches('/').to_string())
                .unwrap_or_else(|| DEFAULT_SLACK_API_URL.to_string()),
            updates_in_channel,
        }))
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Option<SlackSettings>, SettingsError> {
        SlackSettings::from_environment(&Environment::of(vars))
    }

    #[test]
    fn slack_needs_its_secret_and_a_bot_token_of_the_right_kind() {
        assert!(settings(&[]).unwrap().is_none());
        let slack = settings(&[
            ("SLACK_SIGNING_SECRET", "s3cret"),
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_API_URL", "http://127.0.0.1:9/api/"),
            ("UPDATES_IN_CHANNEL", "true"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(slack.api_url, "http://127.0.0.1:9/api");
        assert!(slack.updates_in_channel);
        assert!(matches!(slack.ingress, SlackIngress::Http { .. }));
        let socket = settings(&[("SLACK_APP_TOKEN", "xapp-1"), ("SLACK_BOT_TOKEN", "xoxb-1")])
            .unwrap()
            .unwrap();
        assert!(
            matches!(socket.ingress, SlackIngress::SocketMode { app_token } if app_token.expose_secret() == "xapp-1")
        );
        assert_eq!(
            settings(&[("SLACK_BOT_TOKEN", "xoxb-1")]).unwrap_err(),
            SettingsError::HalfConfigured {
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
            settings(&[
                ("SLACK_SIGNING_SECRET", "s"),
                ("SLACK_BOT_TOKEN", "xoxb-1"),
                ("UPDATES_IN_CHANNEL", "maybe")
            ])
            .unwrap_err(),
            SettingsError::Flag(BadFlag {
                name: "UPDATES_IN_CHANNEL",
                value: "maybe".into()
            })
        );
    }
}
