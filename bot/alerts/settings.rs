//! What the alert routes read from the environment: the bearer token of Alertmanager and Grafana
//! (`ALERTS_TOKEN`), PagerDuty's webhook secret (`PAGERDUTY_WEBHOOK_SECRET`), where alerts go
//! (`ALERTS_CHANNEL`, `slack:<team>/<channel>` or `discord:<guild>/<channel>`) and from which
//! severity they open incidents by themselves (`ALERTS_AUTO_OPEN`). A route is served only when
//! its secret is set; a secret without a channel, or a setting that cannot be read, is one line.

use commands::Severity;

use super::pagerduty::WebhookSecret;
use crate::environment::Environment;
use crate::incident::ChannelKey;
use crate::platform::Platform;

/// The alert routes' settings; `None` from [`AlertsSettings::from_environment`] when no secret
/// is set (no alert route is served).
#[derive(Debug, Clone)]
pub struct AlertsSettings {
    /// The bearer token of `/alerts/alertmanager` and `/alerts/grafana`.
    pub token: Option<BearerToken>,
    /// The secret of `/alerts/pagerduty`.
    pub pagerduty: Option<WebhookSecret>,
    pub channel: ChannelKey,
    pub auto_open: Option<Severity>,
}

/// `ALERTS_TOKEN`. Never shown.
#[derive(Clone)]
pub struct BearerToken(String);

impl BearerToken {
    /// Whether an `Authorization` header carries this token (`Bearer <token>`), compared in
    /// constant time.
    pub fn admits(&self, authorization: Option<&str>) -> bool {
        let Some(given) = authorization.and_then(|value| {
            value
                .trim()
                .strip_prefix("Bearer ")
                .or_else(|| value.trim().strip_prefix("bearer "))
        }) else {
            return false;
        };
        let (given, expected) = (given.trim().as_bytes(), self.0.as_bytes());
        given.len() == expected.len()
            && given
                .iter()
                .zip(expected)
                .fold(0u8, |differ, (a, b)| differ | (a ^ b))
                == 0
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(…)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "{set} is set but ALERTS_CHANNEL is not: say where alerts go, e.g. \
         ALERTS_CHANNEL=slack:T0TEAM/C0INCIDENTS or discord:<guild id>/<channel id>"
    )]
    NoChannel { set: &'static str },
    #[error(
        "ALERTS_CHANNEL `{0}` is not slack:<team id>/<channel id> or \
         discord:<guild id>/<channel id> (e.g. slack:T0TEAM/C0INCIDENTS)"
    )]
    Channel(String),
    #[error("ALERTS_AUTO_OPEN `{0}` is not a severity: use critical, high, medium or low, or leave it unset to never open incidents from alerts")]
    AutoOpen(String),
    #[error("ALERTS_CHANNEL is set but neither ALERTS_TOKEN nor PAGERDUTY_WEBHOOK_SECRET is: no alert route would be served")]
    NoSecret,
}

impl AlertsSettings {
    pub fn from_environment(env: &Environment) -> Result<Option<AlertsSettings>, SettingsError> {
        let token = env
            .get("ALERTS_TOKEN")
            .map(|token| BearerToken(token.trim().to_string()));
        let pagerduty = env
            .get("PAGERDUTY_WEBHOOK_SECRET")
            .map(|secret| WebhookSecret::new(secret.trim().to_string()));
        let channel = env.get("ALERTS_CHANNEL");
        let set = match (&token, &pagerduty) {
            (Some(_), _) => "ALERTS_TOKEN",
            (None, Some(_)) => "PAGERDUTY_WEBHOOK_SECRET",
            (None, None) if channel.is_some() => return Err(SettingsError::NoSecret),
            (None, None) => return Ok(None),
        };
        let channel = parse_channel(&channel.ok_or(SettingsError::NoChannel { set })?)?;
        let auto_open = env
            .get("ALERTS_AUTO_OPEN")
            .map(|word| Severity::parse(word.trim()).ok_or(SettingsError::AutoOpen(word)))
            .transpose()?;
        Ok(Some(AlertsSettings {
            token,
            pagerduty,
            channel,
            auto_open,
        }))
    }
}

/// `slack:T0TEAM/C0INC` or `discord:<guild>/<channel>`.
fn parse_channel(text: &str) -> Result<ChannelKey, SettingsError> {
    let bad = || SettingsError::Channel(text.to_string());
    let (platform, place) = text.trim().split_once(':').ok_or_else(bad)?;
    let platform = match platform.trim().to_ascii_lowercase().as_str() {
        "slack" => Platform::Slack,
        "discord" => Platform::Discord,
        _ => return Err(bad()),
    };
    let (workspace, channel) = place.split_once('/').ok_or_else(bad)?;
    let fine = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    if !fine(workspace) || !fine(channel) {
        return Err(bad());
    }
    Ok(ChannelKey {
        platform,
        workspace: workspace.to_string(),
        channel: channel.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> Result<Option<AlertsSettings>, SettingsError> {
        AlertsSettings::from_environment(&Environment::of(vars))
    }

    #[test]
    fn nothing_set_serves_no_alert_route() {
        assert!(read(&[]).unwrap().is_none());
    }

    #[test]
    fn a_token_and_a_channel_are_enough() {
        let settings = read(&[
            ("ALERTS_TOKEN", "s3cret"),
            ("ALERTS_CHANNEL", "slack:T0TEAM/C0INC"),
            ("ALERTS_AUTO_OPEN", "critical"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(settings.channel.platform, Platform::Slack);
        assert_eq!(settings.channel.workspace, "T0TEAM");
        assert_eq!(settings.channel.channel, "C0INC");
        assert_eq!(settings.auto_open, Some(Severity::Critical));
        assert!(settings.pagerduty.is_none());
        let token = settings.token.unwrap();
        assert!(token.admits(Some("Bearer s3cret")));
        assert!(!token.admits(Some("Bearer s3cre")));
        assert!(!token.admits(Some("s3cret")));
        assert!(!token.admits(None));
    }

    #[test]
    fn mistakes_are_one_line_each() {
        assert_eq!(
            read(&[("PAGERDUTY_WEBHOOK_SECRET", "x")]).unwrap_err(),
            SettingsError::NoChannel {
                set: "PAGERDUTY_WEBHOOK_SECRET"
            }
        );
        assert_eq!(
            read(&[("ALERTS_TOKEN", "x"), ("ALERTS_CHANNEL", "slack:C0INC")]).unwrap_err(),
            SettingsError::Channel("slack:C0INC".into())
        );
        assert_eq!(
            read(&[
                ("ALERTS_TOKEN", "x"),
                ("ALERTS_CHANNEL", "discord:1/2"),
                ("ALERTS_AUTO_OPEN", "urgent")
            ])
            .unwrap_err(),
            SettingsError::AutoOpen("urgent".into())
        );
        assert_eq!(
            read(&[("ALERTS_CHANNEL", "discord:1/2")]).unwrap_err(),
            SettingsError::NoSecret
        );
    }
}
