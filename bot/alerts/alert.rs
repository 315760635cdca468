//! The neutral alert: what every sender's format is decoded into, and what the rest of the bot
//! reads (its name, whether it fires, its identity, labels, texts, link and times).

use std::collections::BTreeMap;

use commands::Severity;
use serde::{Deserialize, Serialize};

/// Which system sent an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSource {
    Alertmanager,
    Grafana,
    PagerDuty,
}

impl AlertSource {
    /// The name stored and shown (`alertmanager`).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertSource::Alertmanager => "alertmanager",
            AlertSource::Grafana => "grafana",
            AlertSource::PagerDuty => "pagerduty",
        }
    }

    /// The name people know it by (`Alertmanager`).
    pub fn display_name(self) -> &'static str {
        match self {
            AlertSource::Alertmanager => "Alertmanager",
            AlertSource::Grafana => "Grafana",
            AlertSource::PagerDuty => "PagerDuty",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Firing,
    Resolved,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Firing => "firing",
            AlertStatus::Resolved => "resolved",
        }
    }
}

/// One alert, firing or resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub source: AlertSource,
    /// `alertname` (Alertmanager, Grafana) or the incident's title (PagerDuty).
    pub name: String,
    pub status: AlertStatus,
    /// The sender's identity of the alert: the same alert firing again, repeated or resolved
    /// has the same fingerprint.
    pub fingerprint: String,
    /// The sender's group (Alertmanager's and Grafana's `groupKey`), when it has one.
    pub group: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Where to look at it (the generator's or the incident's page).
    pub link: Option<String>,
    /// When it started firing, in milliseconds since the Unix epoch: a new firing of the same
    /// alert starts later.
    pub starts_at_ms: i64,
    pub ends_at_ms: Option<i64>,
}

/// A body that is not what the route takes; the reason is shown to the sender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the body is not {format}: {reason}")]
    Malformed {
        format: &'static str,
        reason: String,
    },
    #[error("{what} of alert {index} is empty")]
    Empty { what: &'static str, index: usize },
    #[error("`{value}` is not a time like 2026-11-29T03:12:41Z ({field} of alert {index})")]
    Time {
        field: &'static str,
        index: usize,
        value: String,
    },
    #[error("{count} alerts in one request; at most {most} are taken")]
    TooMany { count: usize, most: usize },
}

impl Alert {
    /// The severity its `severity` label says: critical or page → critical, warning → high,
    /// info → low; `None` for any other value or none (the scenario's then applies).
    pub fn severity(&self) -> Option<Severity> {
        let label = self.labels.get("severity")?.trim().to_ascii_lowercase();
        match label.as_str() {
            "critical" | "page" => Some(Severity::Critical),
            "warning" => Some(Severity::High),
            "info" => Some(Severity::Low),
            _ => None,
        }
    }

    /// What it says about itself, for people and for matching by meaning: the summary, else the
    /// description.
    pub fn headline(&self) -> Option<&str> {
        self.summary.as_deref().or(self.description.as_deref())
    }
}

/// Milliseconds of an RFC 3339 time; `None` for the zero time senders use for "not yet"
/// (`0001-01-01T00:00:00Z`).
pub(super) fn parse_time(
    text: &str,
    field: &'static str,
    index: usize,
) -> Result<Option<i64>, DecodeError> {
    let time =
        chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|_| DecodeError::Time {
            field,
            index,
            value: text.chars().take(40).collect(),
        })?;
    let millis = time.timestamp_millis();
    Ok((millis > 0).then_some(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_severity(value: &str) -> Alert {
        Alert {
            source: AlertSource::Alertmanager,
            name: "X".into(),
            status: AlertStatus::Firing,
            fingerprint: "f".into(),
            group: None,
            labels: [("severity".to_string(), value.to_string())].into(),
            summary: None,
            description: None,
            link: None,
            starts_at_ms: 0,
            ends_at_ms: None,
        }
    }

    #[test]
    fn the_severity_label_maps_to_the_bots_severities() {
        assert_eq!(
            with_severity("critical").severity(),
            Some(Severity::Critical)
        );
        assert_eq!(with_severity("Page").severity(), Some(Severity::Critical));
        assert_eq!(with_severity("warning").severity(), Some(Severity::High));
        assert_eq!(with_severity("info").severity(), Some(Severity::Low));
        assert_eq!(with_severity("P3").severity(), None);
    }

    #[test]
    fn the_zero_time_is_no_time_and_a_bad_one_is_said() {
        assert_eq!(parse_time("0001-01-01T00:00:00Z", "endsAt", 0), Ok(None));
        assert_eq!(
            parse_time("2026-11-29T03:12:41.123Z", "startsAt", 0),
            Ok(Some(1_795_921_961_123))
        );
        assert!(matches!(
            parse_time("yesterday", "startsAt", 2),
            Err(DecodeError::Time { index: 2, .. })
        ));
    }
}
