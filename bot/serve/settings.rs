//! What `incident-bot serve` reads from its environment, checked before anything starts, so a
//! mistake is one clear line at start-up rather than a 401 from Slack at 3 a.m.

use std::net::SocketAddr;
use std::time::Duration;

use crate::chat::discord::rest::DEFAULT_API_URL as DEFAULT_DISCORD_API_URL;
use crate::chat::discord::signature::{BadPublicKey, PublicKey};
use crate::chat::slack::signature::SigningSecret;
use crate::outbox::DeliveryPolicy;
use crate::startup::Settings;

/// Where the HTTP server listens when `INCIDENT_BOT_ADDR` is not set.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
/// Slack's Web API, unless `SLACK_API_URL` points elsewhere (a stand-in, a proxy).
pub const DEFAULT_SLACK_API_URL: &str = "https://slack.com/api";
/// The API version the bot speaks, as the end of every Discord API URL.
pub const DISCORD_API_PATH: &str = "/api/v10";

#[derive(Debug, Clone)]
pub struct ServeSettings {
    pub addr: SocketAddr,
    pub startup: Settings,
    pub slack: Option<SlackSettings>,
    pub discord: Option<DiscordSettings>,
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

#[derive(Debug, Clone)]
pub struct DiscordSettings {
    pub bot_token: String,
    pub application_id: String,
    /// Commands are registered in this guild only (they show at once), else globally.
    pub guild_id: Option<String>,
    /// With it, `POST /discord/interactions` is served, checked with this key.
    pub public_key: Option<PublicKey>,
    /// Listen on the Gateway (`DISCORD_GATEWAY`, on unless `off`).
    pub gateway: bool,
    /// `https://discord.com/api/v10` or a stand-in's, always ending in [`DISCORD_API_PATH`].
    pub api_url: String,
    /// Status updates in the channel rather than in the incident's thread.
    pub updates_in_channel: bool,
}

impl DiscordSettings {
    /// The API URL without [`DISCORD_API_PATH`]: what serenity takes as a proxy.
    pub fn api_origin(&self) -> &str {
        self.api_url
            .strip_suffix(DISCORD_API_PATH)
            .unwrap_or(&self.api_url)
    }
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
    #[error("{name} must be true or false, not `{value}`")]
    Flag { name: &'static str, value: String },
    #[error("{set} is set but DISCORD_BOT_TOKEN is not: Discord needs the bot token (Bot → Reset Token in the developer portal)")]
    DiscordToken { set: &'static str },
    #[error("DISCORD_APPLICATION_ID must be set to the application's id (General Information → Application ID), a number like 1182006912345678901")]
    DiscordApplicationId,
    #[error("DISCORD_GUILD_ID must be a server id, a number like 290926798626357999, not `{0}`")]
    DiscordGuildId(String),
    #[error(transparent)]
    DiscordPublicKey(#[from] BadPublicKey),
    #[error("DISCORD_GATEWAY=off needs DISCORD_PUBLIC_KEY: without the Gateway, Discord can reach the bot only through its interactions endpoint")]
    NoDiscordIngress,
    #[error("DISCORD_GATEWAY must be on or off, not `{0}`")]
    GatewaySwitch(String),
    #[error("DISCORD_API_URL must end in /api/v10, like https://discord.com/api/v10, not `{0}`")]
    DiscordApiUrl(String),
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
            discord: discord_settings(&get)?,
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
    let updates_in_channel = flag(get, "UPDATES_IN_CHANNEL")?;
    Ok(Some(SlackSettings {
        ingress,
        bot_token: bot_token.trim().to_string(),
        api_url: get("SLACK_API_URL")
            .map(|url| url.trim().trim_end_matches('/').to_string())
            .unwrap_or_else(|| DEFAULT_SLACK_API_URL.to_string()),
        updates_in_channel,
    }))
}

/// A yes/no setting, `false` when not set.
fn flag(get: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<bool, SettingsError> {
    match get(name).as_deref().map(str::trim) {
        None => Ok(false),
        Some(flag) if ["true", "1", "yes"].contains(&flag) => Ok(true),
        Some(flag) if ["false", "0", "no"].contains(&flag) => Ok(false),
        Some(other) => Err(SettingsError::Flag {
            name,
            value: other.to_string(),
        }),
    }
}

/// A Discord id (a "snowflake"): a positive 64-bit number, in digits only.
fn is_snowflake(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit()) && text.parse::<u64>().is_ok_and(|id| id > 0)
}

fn discord_settings(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<DiscordSettings>, SettingsError> {
    const OTHERS: [&str; 4] = [
        "DISCORD_APPLICATION_ID",
        "DISCORD_PUBLIC_KEY",
        "DISCORD_GUILD_ID",
        "DISCORD_GATEWAY",
    ];
    let Some(bot_token) = get("DISCORD_BOT_TOKEN") else {
        return match OTHERS.into_iter().find(|name| get(name).is_some()) {
            Some(set) => Err(SettingsError::DiscordToken { set }),
            None => Ok(None),
        };
    };
    let application_id = get("DISCORD_APPLICATION_ID")
        .map(|id| id.trim().to_string())
        .filter(|id| is_snowflake(id))
        .ok_or(SettingsError::DiscordApplicationId)?;
    let guild_id = match get("DISCORD_GUILD_ID").map(|id| id.trim().to_string()) {
        Some(id) if !is_snowflake(&id) => return Err(SettingsError::DiscordGuildId(id)),
        id => id,
    };
    let public_key = get("DISCORD_PUBLIC_KEY")
        .map(|key| PublicKey::from_hex(&key))
        .transpose()?;
    let gateway = match get("DISCORD_GATEWAY").as_deref().map(str::trim) {
        None | Some("on") => true,
        Some("off") => false,
        Some(other) => return Err(SettingsError::GatewaySwitch(other.to_string())),
    };
    if !gateway && public_key.is_none() {
        return Err(SettingsError::NoDiscordIngress);
    }
    let api_url = get("DISCORD_API_URL")
        .map(|url| url.trim().trim_end_matches('/').to_string())
        .unwrap_or_else(|| DEFAULT_DISCORD_API_URL.to_string());
    if !api_url.ends_with(DISCORD_API_PATH) || !api_url.contains("://") {
        return Err(SettingsError::DiscordApiUrl(api_url));
    }
    Ok(Some(DiscordSettings {
        bot_token: bot_token.trim().to_string(),
        application_id,
        guild_id,
        public_key,
        gateway,
        api_url,
        updates_in_channel: flag(get, "UPDATES_IN_CHANNEL")?,
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
            SettingsError::Flag {
                name: "UPDATES_IN_CHANNEL",
                value: "maybe".into()
            }
        );
    }

    const KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    #[test]
    fn discord_needs_a_token_an_application_and_a_way_in() {
        let discord = settings(&[
            ("DISCORD_BOT_TOKEN", " MTE4.token "),
            ("DISCORD_APPLICATION_ID", "1182006912345678901"),
        ])
        .unwrap()
        .discord
        .unwrap();
        assert_eq!(discord.bot_token, "MTE4.token");
        assert!(discord.gateway && discord.public_key.is_none() && discord.guild_id.is_none());
        assert_eq!(discord.api_url, DEFAULT_DISCORD_API_URL);
        assert_eq!(discord.api_origin(), "https://discord.com");

        let endpoint_only = settings(&[
            ("DISCORD_BOT_TOKEN", "t"),
            ("DISCORD_APPLICATION_ID", "11"),
            ("DISCORD_PUBLIC_KEY", KEY),
            ("DISCORD_GATEWAY", "off"),
            ("DISCORD_GUILD_ID", "22"),
            ("DISCORD_API_URL", "http://127.0.0.1:9/api/v10/"),
        ])
        .unwrap()
        .discord
        .unwrap();
        assert!(!endpoint_only.gateway && endpoint_only.public_key.is_some());
        assert_eq!(endpoint_only.guild_id.as_deref(), Some("22"));
        assert_eq!(endpoint_only.api_origin(), "http://127.0.0.1:9");

        let refused = |vars: &[(&str, &str)]| settings(vars).unwrap_err();
        assert_eq!(
            refused(&[("DISCORD_APPLICATION_ID", "11")]),
            SettingsError::DiscordToken {
                set: "DISCORD_APPLICATION_ID"
            }
        );
        assert_eq!(
            refused(&[("DISCORD_BOT_TOKEN", "t")]),
            SettingsError::DiscordApplicationId
        );
        assert_eq!(
            refused(&[
                ("DISCORD_BOT_TOKEN", "t"),
                ("DISCORD_APPLICATION_ID", "my-bot")
            ]),
            SettingsError::DiscordApplicationId
        );
        let base = [("DISCORD_BOT_TOKEN", "t"), ("DISCORD_APPLICATION_ID", "11")];
        let with = |extra: (&'static str, &'static str)| {
            let mut vars = base.to_vec();
            vars.push(extra);
            refused(&vars)
        };
        assert_eq!(
            with(("DISCORD_GATEWAY", "off")),
            SettingsError::NoDiscordIngress
        );
        assert_eq!(
            with(("DISCORD_GATEWAY", "maybe")),
            SettingsError::GatewaySwitch("maybe".into())
        );
        assert_eq!(
            with(("DISCORD_PUBLIC_KEY", "abc")),
            SettingsError::DiscordPublicKey(BadPublicKey)
        );
        assert_eq!(
            with(("DISCORD_GUILD_ID", "#ops")),
            SettingsError::DiscordGuildId("#ops".into())
        );
        assert_eq!(
            with(("DISCORD_API_URL", "http://127.0.0.1:9")),
            SettingsError::DiscordApiUrl("http://127.0.0.1:9".into())
        );
    }
}
