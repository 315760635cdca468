//! How the engine behaves where teams differ: update cadence per severity, who is paged for which
//! severity, and how runbook roles map to chat mentions. Read from environment variables.
//!
//! - `UPDATE_INTERVAL` (`15m`): the status-update cadence for every severity;
//!   `UPDATE_INTERVAL_CRITICAL`, `…_HIGH`, `…_MEDIUM`, `…_LOW` override one severity. Posts
//!   render the template's `Updates: Every …` line with it.
//! - `PAGE_CRITICAL`, `PAGE_HIGH`, `PAGE_MEDIUM`, `PAGE_LOW`: comma-separated runbook roles (from
//!   the contacts table) to mention when an incident of that severity opens. Defaults: critical
//!   pages every contact; high pages the contacts available 24/7 or on call; medium and low page
//!   nobody.
//! - `ROLE_MENTIONS`: `Platform Lead=U024BE7LH; Database Admin=U0G9QF9C6` maps a role to the chat
//!   user (or group) id to ping. A paged role without a mapping is named, not pinged.
//! - `STALE_AFTER` (`2h`, from 1 minute to 7 days): how long an open incident may go without a
//!   human command before the bot asks whether it is still going, and slows its updates to
//!   hourly until someone acts.

use std::collections::BTreeMap;

use commands::duration::parse_duration;
use commands::Severity;

use crate::runbook::Runbook;

pub const DEFAULT_UPDATE_INTERVAL_SECS: u64 = 15 * 60;
pub const DEFAULT_STALE_AFTER_SECS: u64 = 2 * 60 * 60;
/// The longest `STALE_AFTER`: a week.
const MAX_STALE_AFTER_SECS: u64 = 7 * 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    update_interval_secs: BTreeMap<Severity, u64>,
    paged_roles: BTreeMap<Severity, Vec<String>>,
    /// Role (lowercase) → chat id to mention.
    role_mentions: BTreeMap<String, String>,
    stale_after_secs: u64,
}

/// A setting that could not be read, for a clear start-up error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?} is not valid: {expected}")]
pub struct ConfigError {
    pub variable: String,
    pub value: String,
    pub expected: &'static str,
}

impl EngineConfig {
    /// The defaults for a runbook: 15-minute updates, paging by the contacts table.
    pub fn defaults_for(runbook: &Runbook) -> EngineConfig {
        let all_roles: Vec<String> = runbook.contacts.iter().map(|c| c.role.clone()).collect();
        let always_available: Vec<String> = runbook
            .contacts
            .iter()
            .filter(|contact| {
                let availability = contact
                    .availability
                    .as_deref()
                    .unwrap_or_default()
                    .to_lowercase();
                availability.contains("24/7")
                    || availability.contains("on-call")
                    || availability.contains("on call")
            })
            .map(|contact| contact.role.clone())
            .collect();
        EngineConfig {
            update_interval_secs: Severity::ALL
                .iter()
                .map(|severity| (*severity, DEFAULT_UPDATE_INTERVAL_SECS))
                .collect(),
            paged_roles: BTreeMap::from([
                (Severity::Critical, all_roles),
                (Severity::High, always_available),
                (Severity::Medium, Vec::new()),
                (Severity::Low, Vec::new()),
            ]),
            role_mentions: BTreeMap::new(),
            stale_after_secs: DEFAULT_STALE_AFTER_SECS,
        }
    }

    /// The defaults, changed by whatever `lookup` (usually the environment) sets.
    pub fn from_lookup(
        runbook: &Runbook,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<EngineConfig, ConfigError> {
        let mut config = EngineConfig::defaults_for(runbook);
        if let Some(value) = lookup("UPDATE_INTERVAL") {
            let secs = interval("UPDATE_INTERVAL", &value)?;
            for severity in Severity::ALL {
                config.update_interval_secs.insert(severity, secs);
            }
        }
        for severity in Severity::ALL {
            let suffix = severity.as_str().to_uppercase();
            let variable = format!("UPDATE_INTERVAL_{suffix}");
            if let Some(value) = lookup(&variable) {
                config
                    .update_interval_secs
                    .insert(severity, interval(&variable, &value)?);
            }
            if let Some(value) = lookup(&format!("PAGE_{suffix}")) {
                let roles = value
                    .split(',')
                    .map(str::trim)
                    .filter(|role| !role.is_empty())
                    .map(str::to_string)
                    .collect();
                config.paged_roles.insert(severity, roles);
            }
        }
        if let Some(value) = lookup("STALE_AFTER") {
            config.stale_after_secs = parse_duration(&value)
                .filter(|secs| (60..=MAX_STALE_AFTER_SECS).contains(secs))
                .ok_or(ConfigError {
                    variable: "STALE_AFTER".to_string(),
                    value,
                    expected: "a duration from one minute to 7 days, like 2h or 90m",
                })?;
        }
        if let Some(value) = lookup("ROLE_MENTIONS") {
            for pair in value.split(';').filter(|pair| !pair.trim().is_empty()) {
                let Some((role, id)) = pair.split_once('=') else {
                    return Err(ConfigError {
                        variable: "ROLE_MENTIONS".into(),
                        value,
                        expected: "`Role=chat-id` pairs separated by `;`, e.g. `Platform Lead=U024BE7LH; DBA=U0G9QF9C6`",
                    });
                };
                config
                    .role_mentions
                    .insert(role.trim().to_lowercase(), id.trim().to_string());
            }
        }
        Ok(config)
    }

    pub fn update_interval_secs(&self, severity: Severity) -> u64 {
        self.update_interval_secs
            .get(&severity)
            .copied()
            .unwrap_or(DEFAULT_UPDATE_INTERVAL_SECS)
    }

    /// How long an open incident may go without a human command before the bot asks whether
    /// it is still going.
    pub fn stale_after_secs(&self) -> u64 {
        self.stale_after_secs
    }

    /// The roles to page for a severity, with the chat id of each when one is configured.
    pub fn paging(&self, severity: Severity) -> Vec<(String, Option<String>)> {
        self.paged_roles
            .get(&severity)
            .into_iter()
            .flatten()
            .map(|role| {
                (
                    role.clone(),
                    self.role_mentions.get(&role.to_lowercase()).cloned(),
                )
            })
            .collect()
    }
}

fn interval(variable: &str, value: &str) -> Result<u64, ConfigError> {
    parse_duration(value)
        .filter(|secs| *secs >= 60)
        .ok_or_else(|| ConfigError {
            variable: variable.to_string(),
            value: value.to_string(),
            expected: "a duration of at least one minute, like 15m or 1h",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runbook() -> Runbook {
        crate::runbook::parse(
            "## Contacts\n| Role | Contact | Availability |\n|---|---|---|\n\
             | Platform Lead | a@example.com | 24/7 |\n| DevOps Team | d@example.com | Business Hours |\n\
             | Database Admin | dba@example.com | On-call |\n",
        )
    }

    #[test]
    fn defaults_page_by_availability() {
        let config = EngineConfig::defaults_for(&runbook());
        let roles = |severity| -> Vec<String> {
            config
                .paging(severity)
                .into_iter()
                .map(|(r, _)| r)
                .collect()
        };
        assert_eq!(
            roles(Severity::Critical),
            vec!["Platform Lead", "DevOps Team", "Database Admin"]
        );
        assert_eq!(
            roles(Severity::High),
            vec!["Platform Lead", "Database Admin"]
        );
        assert!(roles(Severity::Low).is_empty());
        assert_eq!(config.update_interval_secs(Severity::Low), 900);
    }

    #[test]
    fn environment_overrides_and_clear_errors() {
        let env = |name: &str| match name {
            "UPDATE_INTERVAL" => Some("10m".to_string()),
            "UPDATE_INTERVAL_CRITICAL" => Some("5m".to_string()),
            "ROLE_MENTIONS" => Some("platform lead = U1; Database Admin=U2".to_string()),
            _ => None,
        };
        let config = EngineConfig::from_lookup(&runbook(), env).expect("valid");
        assert_eq!(config.update_interval_secs(Severity::Critical), 300);
        assert_eq!(config.update_interval_secs(Severity::High), 600);
        assert_eq!(
            config.paging(Severity::High),
            vec![
                ("Platform Lead".to_string(), Some("U1".to_string())),
                ("Database Admin".to_string(), Some("U2".to_string()))
            ]
        );
        let error = EngineConfig::from_lookup(&runbook(), |name| {
            (name == "UPDATE_INTERVAL").then(|| "soon".to_string())
        })
        .expect_err("invalid");
        assert_eq!(error.to_string(), "UPDATE_INTERVAL=\"soon\" is not valid: a duration of at least one minute, like 15m or 1h");
    }

    #[test]
    fn stale_after_from_a_minute_to_a_week() {
        let with = |value: &str| {
            EngineConfig::from_lookup(&runbook(), |name| {
                (name == "STALE_AFTER").then(|| value.to_string())
            })
        };
        assert_eq!(
            EngineConfig::defaults_for(&runbook()).stale_after_secs(),
            7_200
        );
        assert_eq!(with("90m").map(|c| c.stale_after_secs()), Ok(5_400));
        assert_eq!(with("1m").map(|c| c.stale_after_secs()), Ok(60));
        for bad in ["30s", "8d", "later"] {
            assert_eq!(
                with(bad).map_err(|e| e.to_string()),
                Err(format!("STALE_AFTER=\"{bad}\" is not valid: a duration from one minute to 7 days, like 2h or 90m"))
            );
        }
    }
}
