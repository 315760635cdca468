//! What the Discord adapter reads from the environment: its token and application, the guild its
//! commands are registered in, its ways in (the Gateway, the interactions endpoint's public key),
//! and where the API is. Checked before anything starts, so a mistake is one clear line at
//! start-up.

use secrecy::SecretString;

use super::rest::DEFAULT_API_URL as DEFAULT_DISCORD_API_URL;
use super::signature::{BadPublicKey, PublicKey};
use crate::environment::{BadFlag, Environment};

/// The API version the bot speaks, as the end of every Discord API URL.
pub const DISCORD_API_PATH: &str = "/api/v10";

#[derive(Debug, Clone)]
pub struct DiscordSettings {
    pub bot_token: SecretString,
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("{set} is set but DISCORD_BOT_TOKEN is not: Discord needs the bot token (Bot → Reset Token in the developer portal)")]
    Token { set: &'static str },
    #[error("DISCORD_APPLICATION_ID must be set to the application's id (General Information → Application ID), a number like 1182006912345678901")]
    ApplicationId,
    #[error("DISCORD_GUILD_ID must be a server id, a number like 290926798626357999, not `{0}`")]
    GuildId(String),
    #[error(transparent)]
    PublicKey(#[from] BadPublicKey),
    #[error("DISCORD_GATEWAY=off needs DISCORD_PUBLIC_KEY: without the Gateway, Discord can reach the bot only through its interactions endpoint")]
    NoIngress,
    #[error("DISCORD_GATEWAY must be on or off, not `{0}`")]
    GatewaySwitch(String),
    #[error("DISCORD_API_URL must end in /api/v10, like https://discord.com/api/v10, not `{0}`")]
    ApiUrl(String),
    #[error(transparent)]
    Flag(#[from] BadFlag),
}

impl DiscordSettings {
    /// Discord's settings, `None` when none of its variables is set.
    pub fn from_environment(env: &Environment) -> Result<Option<DiscordSettings>, SettingsError> {
        const OTHERS: [&str; 4] = [
            "DISCORD_APPLICATION_ID",
            "DISCORD_PUBLIC_KEY",
            "DISCORD_GUILD_ID",
            "DISCORD_GATEWAY",
        ];
        let Some(bot_token) = env.get("DISCORD_BOT_TOKEN") else {
            return match OTHERS.into_iter().find(|name| env.get(name).is_some()) {
                Some(set) => Err(SettingsError::Token { set }),
                None => Ok(None),
            };
        };
        let application_id = env
            .get("DISCORD_APPLICATION_ID")
            .map(|id| id.trim().to_string())
            .filter(|id| is_snowflake(id))
            .ok_or(SettingsError::ApplicationId)?;
        let guild_id = match env.get("DISCORD_GUILD_ID").map(|id| id.trim().to_string()) {
            Some(id) if !is_snowflake(&id) => return Err(SettingsError::GuildId(id)),
            id => id,
        };
        let public_key = env
            .get("DISCORD_PUBLIC_KEY")
            .map(|key| PublicKey::from_hex(&key))
            .transpose()?;
        let gateway = match env.get("DISCORD_GATEWAY").as_deref().map(str::trim) {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => return Err(SettingsError::GatewaySwitch(other.to_string())),
        };
        if !gateway && public_key.is_none() {
            return Err(SettingsError::NoIngress);
        }
        let api_url = env
            .get("DISCORD_API_URL")
            .map(|url| url.trim().trim_end_matches('/').to_string())
            .unwrap_or_else(|| DEFAULT_DISCORD_API_URL.to_string());
        if !api_url.ends_with(DISCORD_API_PATH) || !api_url.contains("://") {
            return Err(SettingsError::ApiUrl(api_url));
        }
        Ok(Some(DiscordSettings {
            bot_token: SecretString::new(bot_token.trim().to_string()),
            application_id,
            guild_id,
            public_key,
            gateway,
            api_url,
            updates_in_channel: env.flag("UPDATES_IN_CHANNEL")?,
        }))
    }

    /// The API URL without [`DISCORD_API_PATH`]: what serenity takes as a proxy.
    pub fn api_origin(&self) -> &str {
        self.api_url
            .strip_suffix(DISCORD_API_PATH)
            .unwrap_or(&self.api_url)
    }
}

/// A Discord id (a "snowflake"): a positive 64-bit number, in digits only.
fn is_snowflake(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit()) && text.parse::<u64>().is_ok_and(|id| id > 0)
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Option<DiscordSettings>, SettingsError> {
        DiscordSettings::from_environment(&Environment::of(vars))
    }

    const KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    #[test]
    fn discord_needs_a_token_an_application_and_a_way_in() {
        assert!(settings(&[]).unwrap().is_none());
        let discord = settings(&[
            ("DISCORD_BOT_TOKEN", " MTE4.token "),
            ("DISCORD_APPLICATION_ID", "1182006912345678901"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(discord.bot_token.expose_secret(), "MTE4.token");
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
        .unwrap();
        assert!(!endpoint_only.gateway && endpoint_only.public_key.is_some());
        assert_eq!(endpoint_only.guild_id.as_deref(), Some("22"));
        assert_eq!(endpoint_only.api_origin(), "http://127.0.0.1:9");

        let refused = |vars: &[(&str, &str)]| settings(vars).unwrap_err();
        assert_eq!(
            refused(&[("DISCORD_APPLICATION_ID", "11")]),
            SettingsError::Token {
                set: "DISCORD_APPLICATION_ID"
            }
        );
        assert_eq!(
            refused(&[("DISCORD_BOT_TOKEN", "t")]),
            SettingsError::ApplicationId
        );
        assert_eq!(
            refused(&[
                ("DISCORD_BOT_TOKEN", "t"),
                ("DISCORD_APPLICATION_ID", "my-bot")
            ]),
            SettingsError::ApplicationId
        );
        let base = [("DISCORD_BOT_TOKEN", "t"), ("DISCORD_APPLICATION_ID", "11")];
        let with = |extra: (&'static str, &'static str)| {
            let mut vars = base.to_vec();
            vars.push(extra);
            refused(&vars)
        };
        assert_eq!(with(("DISCORD_GATEWAY", "off")), SettingsError::NoIngress);
        assert_eq!(
            with(("DISCORD_GATEWAY", "maybe")),
            SettingsError::GatewaySwitch("maybe".into())
        );
        assert_eq!(
            with(("DISCORD_PUBLIC_KEY", "abc")),
            SettingsError::PublicKey(BadPublicKey)
        );
        assert_eq!(
            with(("DISCORD_GUILD_ID", "#ops")),
            SettingsError::GuildId("#ops".into())
        );
        assert_eq!(
            with(("DISCORD_API_URL", "http://127.0.0.1:9")),
            SettingsError::ApiUrl("http://127.0.0.1:9".into())
        );
    }
}
