//! How the engine behaves where teams differ: update cadence per severity, who is paged for which
//! severity, and how runbook roles map to chat mentions. Read from environment variables.
//!
//! - `UPDATE_INTERVAL` (`15m`): the status-update cadence for every severity;
//!   `UPDATE_INTERVAL_CRITICAL`, `…_HIGH`, `…_MEDIUM`, `…_LOW` override one severity. Posts
//!   render the template's `Updates: Every …` line with it.
//! - `PAGE_*` and `ROLE_MENTIONS`: who is paged, checked against the runbook's contacts table
//!   (`paging`).
//! - `STALE_AFTER` (`2h`, from 1 minute to 7 days): how long an open incident may go without a
//!   human command before the bot asks whether it is still going, and slows its updates to
//!   hourly until someone acts.
//! - `INCIDENT_CHANNELS`, `RESPONDERS` and `RESPONDERS_<COMMAND>`: who may act, and where
//!   (`access`).

use std::collections::BTreeMap;

use commands::duration::parse_duration;
use commands::Severity;

use super::paging::Paging;
use crate::access::AccessPolicy;
use crate::mention::MentionId;
use crate::platform::Platform;
use crate::runbook::Runbook;

pub const DEFAULT_UPDATE_INTERVAL_SECS: u64 = 15 * 60;
pub const DEFAULT_STALE_AFTER_SECS: u64 = 2 * 60 * 60;
/// The longest `STALE_AFTER`: a week.
const MAX_STALE_AFTER_SECS: u64 = 7 * 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineConfig {
    update_interval_secs: BTreeMap<Severity, u64>,
    paging: Paging,
    stale_after_secs: u64,
    access: AccessPolicy,
}

/// A setting that could not be read, for a clear start-up error on one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?} is not valid: {problem}")]
pub struct ConfigError {
    pub variable: String,
    pub value: String,
    pub problem: String,
}

impl ConfigError {
    pub fn new(variable: &str, value: &str, problem: impl Into<String>) -> ConfigError {
        ConfigError {
            variable: variable.to_string(),
            value: value.to_string(),
            problem: problem.into(),
        }
    }
}

impl EngineConfig {
    /// The defaults for a runbook: 15-minute updates, paging by the contacts table.
    pub fn defaults_for(runbook: &Runbook) -> EngineConfig {
        EngineConfig {
            update_interval_secs: Severity::ALL
                .iter()
                .map(|severity| (*severity, DEFAULT_UPDATE_INTERVAL_SECS))
                .collect(),
            paging: Paging::defaults_for(runbook),
            stale_after_secs: DEFAULT_STALE_AFTER_SECS,
            access: AccessPolicy::default(),
        }
    }

    /// The defaults, changed by whatever `lookup` (usually the environment) sets; the first
    /// mistake, if any. Chat ids of any platform are accepted.
    pub fn from_lookup(
        runbook: &Runbook,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<EngineConfig, ConfigError> {
        let (config, problems) = EngineConfig::check(runbook, lookup, &[]);
        match problems.into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(config),
        }
    }

    /// The configuration `lookup` sets, and every mistake in it (an interval with a mistake
    /// keeps its default, a role or mapping with one is left out). Chat ids must be of one of `platforms`, any when there is none.
    pub fn check(
        runbook: &Runbook,
        lookup: impl Fn(&str) -> Option<String>,
        platforms: &[Platform],
    ) -> (EngineConfig, Vec<ConfigError>) {
        let mut problems = Vec::new();
        let mut config = EngineConfig::defaults_for(runbook);
        if let Some(value) = lookup("UPDATE_INTERVAL") {
            match interval("UPDATE_INTERVAL", &value) {
                Ok(secs) => Severity::ALL.iter().for_each(|severity| {
                    config.update_interval_secs.insert(*severity, secs);
                }),
                Err(problem) => problems.push(problem),
            }
        }
        for severity in Severity::ALL {
            let variable = format!("UPDATE_INTERVAL_{}", severity.as_str().to_uppercase());
            if let Some(value) = lookup(&variable) {
                match interval(&variable, &value) {
                    Ok(secs) => {
                        config.update_interval_secs.insert(severity, secs);
                    }
                    Err(problem) => problems.push(problem),
                }
            }
        }
        if let Some(value) = lookup("STALE_AFTER") {
            match parse_duration(&value).filter(|secs| (60..=MAX_STALE_AFTER_SECS).contains(secs)) {
                Some(secs) => config.stale_after_secs = secs,
                None => problems.push(ConfigError::new(
                    "STALE_AFTER",
                    &value,
                    "a duration from one minute to 7 days, like 2h or 90m",
                )),
            }
        }
        config.paging = Paging::read(runbook, &lookup, platforms, &mut problems);
        config.access = AccessPolicy::read(&lookup, &mut problems);
        (config, problems)
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

    /// Who may act, and where.
    pub fn access(&self) -> &AccessPolicy {
        &self.access
    }

    /// The chat id `ROLE_MENTIONS` gives a role (any case), if any.
    pub fn mention_of(&self, role: &str) -> Option<String> {
        self.paging.mention_of(role).map(|id| id.to_string())
    }

    /// The id a person gave (`/incident assign`), when it may be pinged ([`Paging::may_ping`]):
    /// a user's, or a user group's that `ROLE_MENTIONS` gives to a role.
    pub fn ping_for(&self, typed: &str) -> Option<String> {
        MentionId::parse(typed)
            .filter(|id| self.paging.may_ping(id))
            .map(|_| typed.to_string())
    }

    /// The roles to page for a severity, with the chat id of each when one is configured.
    pub fn paging(&self, severity: Severity) -> Vec<(String, Option<String>)> {
        self.paging
            .paging(severity)
            .into_iter()
            .map(|(role, id)| (role, id.map(|id| id.to_string())))
            .collect()
    }
}

fn interval(variable: &str, value: &str) -> Result<u64, ConfigError> {
    parse_duration(value)
        .filter(|secs| *secs >= 60)
        .ok_or_else(|| {
            ConfigError::new(
                variable,
                value,
                "a duration of at least one minute, like 15m or 1h",
            )
        })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A contacts table with three roles: one 24/7, one in business hours, one on call.
    pub(in crate::engine) fn runbook() -> Runbook {
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
            "ROLE_MENTIONS" => {
                Some("platform lead = U0LEAD; Database Admin=<!subteam^S0DBA|@dba>".to_string())
            }
            _ => None,
        };
        let config = EngineConfig::from_lookup(&runbook(), env).expect("valid");
        assert_eq!(config.update_interval_secs(Severity::Critical), 300);
        assert_eq!(config.update_interval_secs(Severity::High), 600);
        assert_eq!(
            config.paging(Severity::High),
            vec![
                ("Platform Lead".to_string(), Some("U0LEAD".to_string())),
                ("Database Admin".to_string(), Some("S0DBA".to_string()))
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
