//! The monitoring alerts an incident was told of (each by its sender and fingerprint), whether
//! each still fires, and whether all have cleared: when they have, the bot suggests
//! `/incident restored`, and never resolves anything by itself.

use serde::{Deserialize, Serialize};

use crate::alerts::{Alert, AlertSource};

/// An alert as an incident's timeline keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertNote {
    pub source: AlertSource,
    pub fingerprint: String,
    pub name: String,
    pub summary: Option<String>,
    pub link: Option<String>,
}

impl AlertNote {
    /// What the timeline keeps of `alert`.
    pub fn of(alert: &Alert) -> AlertNote {
        AlertNote {
            source: alert.source,
            fingerprint: alert.fingerprint.clone(),
            name: alert.name.clone(),
            summary: alert.summary.clone(),
            link: alert.link.clone(),
        }
    }
}

/// One of an incident's alerts, and whether it still fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentAlert {
    pub note: AlertNote,
    pub firing: bool,
}

impl IncidentAlert {
    pub fn is(&self, note: &AlertNote) -> bool {
        self.note.source == note.source && self.note.fingerprint == note.fingerprint
    }
}

/// Records that `note` fires (again) or, `firing` false, resolved, among `alerts`.
pub(super) fn set_firing(alerts: &mut Vec<IncidentAlert>, note: &AlertNote, firing: bool) {
    match alerts.iter_mut().find(|alert| alert.is(note)) {
        Some(alert) => alert.firing = firing,
        None => alerts.push(IncidentAlert {
            note: note.clone(),
            firing,
        }),
    }
}

/// Whether the incident had alerts and none fires any more.
pub fn all_cleared(alerts: &[IncidentAlert]) -> bool {
    !alerts.is_empty() && alerts.iter().all(|alert| !alert.firing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(fingerprint: &str) -> AlertNote {
        AlertNote {
            source: AlertSource::Alertmanager,
            fingerprint: fingerprint.into(),
            name: "DatabaseConnectionFailures".into(),
            summary: None,
            link: None,
        }
    }

    #[test]
    fn cleared_once_every_alert_that_fired_resolved() {
        let mut alerts = Vec::new();
        assert!(!all_cleared(&alerts));
        set_firing(&mut alerts, &note("a"), true);
        set_firing(&mut alerts, &note("b"), true);
        set_firing(&mut alerts, &note("a"), true);
        assert_eq!(alerts.len(), 2);
        set_firing(&mut alerts, &note("a"), false);
        assert!(!all_cleared(&alerts));
        set_firing(&mut alerts, &note("b"), false);
        assert!(all_cleared(&alerts));
        set_firing(&mut alerts, &note("b"), true);
        assert!(!all_cleared(&alerts));
    }
}
