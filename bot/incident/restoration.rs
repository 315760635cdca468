//! Restoration before resolution: each affected service keeps its own RTO and RPO (from the
//! runbook's table) and the moment it came back. `/incident restored [service…]` stops the RTO
//! clocks of the services named (all of the incident's when none is named); once every service
//! is back, the incident is restored: its status is Monitoring, no RTO warning follows, and its
//! time to restore is when its last service came back. Resolution still ends the incident, and
//! its time to resolve is counted separately.
//!
//! RTO warnings follow the tightest RTO among the services not yet restored ([`RtoWatch`]).
//! An incident without per-service objectives (one that lists no service, or one stored before
//! services had their own) is measured as one unit against its own `rto_secs`, as before.
//!
//! What people type is matched against the incident's services without regard to case, with
//! the runbook's abbreviations written out (`db` → Database, `prod sites` → Production Sites),
//! or by words that name only one of them (`api` → API Gateway); `all` means every service.
//! Without commas, `db api` is read as the longest runs of words that name a service. The
//! services typed with `/incident open --services` are read the same way against the runbook's
//! RTO/RPO table ([`table_services`]).

use serde::{Deserialize, Serialize};

use super::decide::ensure_open;
use super::error::DomainError;
use super::event::Event;
use super::model::{Incident, Person};
use crate::runbook::Runbook;

/// One affected service of an incident: its objectives from the runbook's table (none for a
/// service the table does not list) and, once it is back, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceObjective {
    pub service: String,
    pub rto_secs: Option<u64>,
    pub rpo_secs: Option<u64>,
    #[serde(default)]
    pub restored: Option<Restored>,
    /// The highest RTO warning given about this service, in percent of its RTO.
    #[serde(default)]
    pub rto_warned_percent: u8,
}

/// When something came back, and who said so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restored {
    pub at_ms: i64,
    pub by: Person,
}

/// What the next RTO warnings are about: the services not yet restored that have the tightest
/// RTO (several when they share it), that RTO, and the highest warning given about them.
/// `services` is empty for an incident measured as one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtoWatch {
    pub services: Vec<String>,
    pub rto_secs: u64,
    pub warned_percent: u8,
}

/// One clock measured against an RTO: a service, or the whole incident when it has no
/// per-service objectives (`service` is then `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock<'a> {
    pub service: Option<&'a str>,
    pub rto_secs: Option<u64>,
    pub rpo_secs: Option<u64>,
    pub restored: Option<&'a Restored>,
}

/// How a time to restore was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    /// To when it was marked restored.
    Restored,
    /// Never marked restored: to the resolution.
    ToResolve,
    /// Still running: to now.
    SoFar,
}

impl Clock<'_> {
    /// Seconds from the incident's opening to the service's restoration (else the resolution,
    /// else `now_ms`), and which of them it was measured to.
    pub fn time_to_restore(&self, incident: &Incident, now_ms: i64) -> (u64, Measured) {
        let (end, measured) = match (self.restored, &incident.resolution) {
            (Some(restored), _) => (restored.at_ms, Measured::Restored),
            (None, Some(resolution)) => (resolution.at_ms, Measured::ToResolve),
            (None, None) => (now_ms, Measured::SoFar),
        };
        let secs = end.saturating_sub(incident.opened_at_ms).max(0) / 1000;
        (u64::try_from(secs).unwrap_or_default(), measured)
    }
}

impl Incident {
    /// Whether every service is back (or the incident, when it lists none).
    pub fn is_restored(&self) -> bool {
        self.restored.is_some()
    }

    /// The clocks the incident is measured by: one per service with objectives, else one for the
    /// whole incident.
    pub fn clocks(&self) -> Vec<Clock<'_>> {
        if self.objectives.is_empty() {
            return vec![Clock {
                service: None,
                rto_secs: self.rto_secs,
                rpo_secs: self.rpo_secs,
                restored: self.restored.as_ref(),
            }];
        }
        self.objectives
            .iter()
            .map(|objective| Clock {
                service: Some(&objective.service),
                rto_secs: objective.rto_secs,
                rpo_secs: objective.rpo_secs,
                restored: objective.restored.as_ref(),
            })
            .collect()
    }

    /// What RTO warnings are about now; `None` once nothing with an RTO is left to restore.
    pub fn rto_watch(&self) -> Option<RtoWatch> {
        if self.objectives.is_empty() {
            return match (self.restored.is_none(), self.rto_secs) {
                (true, Some(rto_secs)) => Some(RtoWatch {
                    services: Vec::new(),
                    rto_secs,
                    warned_percent: self.rto_warned_percent,
                }),
                _ => None,
            };
        }
        let waiting = || {
            self.objectives
                .iter()
                .filter(|objective| objective.restored.is_none())
        };
        let tightest = waiting().filter_map(|objective| objective.rto_secs).min()?;
        let watched: Vec<&ServiceObjective> = waiting()
            .filter(|objective| objective.rto_secs == Some(tightest))
            .collect();
        Some(RtoWatch {
            services: watched.iter().map(|o| o.service.clone()).collect(),
            rto_secs: tightest,
            warned_percent: watched
                .iter()
                .map(|o| o.rto_warned_percent)
                .min()
                .unwrap_or_default(),
        })
    }

    /// Records an RTO warning about what [`Incident::rto_watch`] watches now.
    pub(super) fn record_rto_warning(&mut self, percent: u8) {
        let watched = self.rto_watch().map(|watch| watch.services);
        for objective in &mut self.objectives {
            if watched
                .as_ref()
                .is_some_and(|services| services.contains(&objective.service))
            {
                objective.rto_warned_percent = objective.rto_warned_percent.max(percent);
            }
        }
        if self.objectives.is_empty() {
            self.rto_warned_percent = percent;
        } else {
            self.rto_warned_percent = self.rto_warned_percent.max(percent);
        }
    }

    /// Records services back at `at_ms` (every service of an incident measured as one unit);
    /// once none is left, the incident is restored.
    pub(super) fn record_restored(&mut self, services: &[String], at_ms: i64, by: &Person) {
        let restored = Restored {
            at_ms,
            by: by.clone(),
        };
        for objective in &mut self.objectives {
            if objective.restored.is_none() && services.contains(&objective.service) {
                objective.restored = Some(restored.clone());
            }
        }
        let all_back = self.objectives.iter().all(|o| o.restored.is_some());
        if all_back && self.restored.is_none() {
            self.restored = Some(restored);
        }
    }

    /// Whether every recovery step is confirmed: every step outside the phases that come after
    /// recovery (a phase whose name starts with `Post`, such as Post-Recovery, or that says
    /// follow-up, cleanup, aftermath or lessons).
    pub fn recovery_steps_done(&self) -> bool {
        self.steps
            .iter()
            .filter(|step| !is_after_recovery(&step.phase))
            .all(|step| step.confirmation.is_some())
    }

    /// The services not yet back, by name.
    pub fn services_to_restore(&self) -> Vec<&str> {
        self.objectives
            .iter()
            .filter(|objective| objective.restored.is_none())
            .map(|objective| objective.service.as_str())
            .collect()
    }
}

/// Whether a phase comes after recovery: `Post-Recovery`, `Post-incident`, `Follow-up`, …
pub fn is_after_recovery(phase: &str) -> bool {
    let phase = phase.to_lowercase();
    phase.starts_with("post")
        || [
            "follow-up",
            "follow up",
            "followup",
            "cleanup",
            "clean-up",
            "aftermath",
            "lessons",
        ]
        .iter()
        .any(|word| phase.contains(word))
}

/// `/incident restored [service…]`: which services come back now. Every service of the incident
/// when none is named; names it does not list are refused with its list; a service already
/// back is left as it was, and when every one named is, the refusal says when and by whom.
pub fn restore(incident: &Incident, typed: &[String]) -> Result<Event, DomainError> {
    ensure_open(incident)?;
    let named = named(incident, typed)?;
    let fresh: Vec<String> = incident
        .objectives
        .iter()
        .filter(|o| o.restored.is_none() && named.contains(&o.service))
        .map(|o| o.service.clone())
        .collect();
    let nothing_new = if incident.objectives.is_empty() {
        incident.restored.is_some()
    } else {
        fresh.is_empty()
    };
    if nothing_new {
        let whole = incident
            .restored
            .as_ref()
            .map(|r| (r.by.name.clone(), r.at_ms));
        return Err(DomainError::AlreadyRestored {
            incident: incident.reference(),
            opened_at_ms: incident.opened_at_ms,
            services: already_back(incident, &named),
            whole: whole.filter(|_| incident.objectives.is_empty()),
        });
    }
    Ok(Event::ServicesRestored { services: fresh })
}

/// The incident's services that `typed` names (every one when nothing is typed).
pub fn named(incident: &Incident, typed: &[String]) -> Result<Vec<String>, DomainError> {
    // An incident measured as one unit is restored whole, whichever of its services is named.
    let names: Vec<String> = if incident.objectives.is_empty() {
        incident.services.clone()
    } else {
        incident
            .objectives
            .iter()
            .map(|o| o.service.clone())
            .collect()
    };
    if typed.is_empty() {
        return Ok(names);
    }
    let mut named = Vec::new();
    for part in typed {
        let services = match_services(&names, part).ok_or_else(|| DomainError::UnknownService {
            incident: incident.reference(),
            typed: part.clone(),
            services: names.clone(),
        })?;
        for service in services {
            if !named.contains(&service) {
                named.push(service);
            }
        }
    }
    Ok(named)
}

/// The services of the runbook's RTO/RPO table that `--services` names, each by its name, an
/// abbreviation or words only it has (as `/incident restored` reads them), in the table's
/// spelling. A name the table does not list is refused with the table's services; a runbook
/// without a table takes the names as typed, since there is nothing to check them against.
pub fn table_services(runbook: &Runbook, typed: &[String]) -> Result<Vec<String>, DomainError> {
    let table: Vec<String> = runbook
        .objectives
        .iter()
        .map(|objective| objective.service.clone())
        .collect();
    if table.is_empty() {
        return Ok(typed.to_vec());
    }
    let mut services = Vec::new();
    for part in typed {
        let named = match_services(&table, part).ok_or_else(|| DomainError::NotInTable {
            typed: part.clone(),
            services: table.clone(),
        })?;
        for service in named {
            if !services.contains(&service) {
                services.push(service);
            }
        }
    }
    Ok(services)
}

/// Of the services `named`, those already back: (service, by, at) each.
pub fn already_back(incident: &Incident, named: &[String]) -> Vec<(String, String, i64)> {
    incident
        .objectives
        .iter()
        .filter(|o| named.contains(&o.service))
        .filter_map(|o| {
            let restored = o.restored.as_ref()?;
            Some((o.service.clone(), restored.by.name.clone(), restored.at_ms))
        })
        .collect()
}

/// The services of `names` that `typed` means: `all`; one service by its name or abbreviation,
/// or by words only it has; else the longest runs of words that each name one. `None` when
/// some words name none.
fn match_services(names: &[String], typed: &str) -> Option<Vec<String>> {
    if typed.trim().eq_ignore_ascii_case("all") {
        return Some(names.to_vec());
    }
    if let Some(one) = match_one(names, &crate::runbook::title_words(typed)) {
        return Some(vec![one]);
    }
    let words = crate::runbook::title_words(typed);
    let mut found = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let end = (start + 1..=words.len())
            .rev()
            .find(|&end| match_one(names, &words[start..end]).is_some())?;
        found.extend(match_one(names, &words[start..end]));
        start = end;
    }
    (!found.is_empty()).then_some(found)
}

/// The one service whose words are exactly `words`, else the only one that has all of them.
fn match_one(names: &[String], words: &[String]) -> Option<String> {
    if words.is_empty() {
        return None;
    }
    let words_of = |name: &String| crate::runbook::title_words(name);
    if let Some(exact) = names.iter().find(|name| words_of(name) == words) {
        return Some(exact.clone());
    }
    let mut containing = names
        .iter()
        .filter(|name| words.iter().all(|word| words_of(name).contains(word)));
    match (containing.next(), containing.next()) {
        (Some(only), None) => Some(only.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        ["Production Sites", "Database", "API Gateway", "Analytics"]
            .map(String::from)
            .to_vec()
    }

    fn matched(typed: &str) -> Option<Vec<String>> {
        match_services(&names(), typed)
    }

    #[test]
    fn services_by_name_abbreviation_or_distinctive_words() {
        assert_eq!(matched("DATABASE"), Some(vec!["Database".into()]));
        assert_eq!(matched("db"), Some(vec!["Database".into()]));
        assert_eq!(matched("prod sites"), Some(vec!["Production Sites".into()]));
        assert_eq!(matched("api"), Some(vec!["API Gateway".into()]));
        assert_eq!(
            matched("db api gateway"),
            Some(vec!["Database".into(), "API Gateway".into()])
        );
        assert_eq!(matched("all").map(|all| all.len()), Some(4));
        assert_eq!(matched("badge readers"), None);
        assert_eq!(matched("db badge"), None);
        assert_eq!(matched(""), None);
    }

    #[test]
    fn open_takes_the_tables_services_by_their_names_and_refuses_others() {
        let runbook = crate::runbook::parse(
            "## RTO\n| Service | RTO | RPO |\n|---|---|---|\n\
             | Database | 30 minutes | 5 minutes |\n| API Gateway | 1 hour | 15 minutes |\n",
        );
        let typed = |names: &[&str]| {
            names
                .iter()
                .map(|name| name.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            table_services(&runbook, &typed(&["DB", "api", "database"])),
            Ok(vec!["Database".to_string(), "API Gateway".to_string()])
        );
        assert_eq!(
            table_services(&runbook, &typed(&["database", "Nope"])),
            Err(DomainError::NotInTable {
                typed: "Nope".to_string(),
                services: vec!["Database".to_string(), "API Gateway".to_string()],
            })
        );
        let without_table = crate::runbook::parse("## Scenario 1: Fire\n1. Leave\n");
        assert_eq!(
            table_services(&without_table, &typed(&["Badge Readers"])),
            Ok(typed(&["Badge Readers"]))
        );
    }

    /// An incident as stored before services had their own objectives.
    fn stored_before_objectives(incident: &Incident) -> Incident {
        let mut json = serde_json::to_value(incident).expect("serialises");
        let fields = json.as_object_mut().expect("an object");
        fields.remove("objectives");
        fields.remove("restored");
        serde_json::from_value(json).expect("an old incident still loads")
    }

    #[test]
    fn incidents_stored_before_objectives_are_measured_by_their_rto_as_before() {
        use crate::notify::test_support::{at, db_loss};
        let open = stored_before_objectives(&db_loss(at(3, 27, 0)).incident);
        assert!(open.objectives.is_empty() && open.restored.is_none());
        assert_eq!(
            open.rto_watch(),
            Some(RtoWatch {
                services: vec![],
                rto_secs: 1_800,
                warned_percent: 50
            })
        );
        let clocks = open.clocks();
        assert_eq!(clocks.len(), 1);
        assert_eq!(clocks[0].rto_secs, Some(1_800));
        assert_eq!(
            clocks[0].time_to_restore(&open, at(3, 27, 0)),
            (23 * 60, Measured::SoFar)
        );
        let resolved = stored_before_objectives(&db_loss(at(4, 10, 0)).incident);
        assert_eq!(
            resolved.clocks()[0].time_to_restore(&resolved, at(5, 0, 0)),
            (66 * 60, Measured::ToResolve)
        );
        // `/incident restored` restores it whole, with or without naming its service.
        for typed in [vec![], vec!["db".to_string()]] {
            assert_eq!(
                restore(&open, &typed),
                Ok(Event::ServicesRestored { services: vec![] })
            );
        }
        assert!(matches!(
            restore(&open, &["api".to_string()]),
            Err(DomainError::UnknownService { .. })
        ));
    }
}
