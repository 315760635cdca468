//! A drill's report, made when the drill is resolved and kept (as an event) for the drill
//! history: who ran it, the time to restore of each service against its RTO, the checklist's
//! tally, the steps over budget, and the verdict.
//!
//! [`report`] takes the restore times as numbers ([`ServiceRestore`]), so the report does not
//! depend on how they were measured. [`restore_times`] reads them from the drill: each service's
//! time from the start to when someone marked it restored (`/incident restored`), against its own
//! RTO; a service never marked restored is not restored, whatever the resolution says — so a
//! drill closed with 0 of 4 steps claims no time to recovery.

use serde::{Deserialize, Serialize};

use super::model::{Incident, Outcome, ScenarioRef};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillReport {
    pub scenario: ScenarioRef,
    /// Who ran it: the person who started it first, then everyone who recorded a step.
    pub ran_by: Vec<String>,
    pub started_at_ms: i64,
    pub ended_at_ms: i64,
    pub services: Vec<ServiceRestore>,
    pub steps: StepTally,
    pub over_budget: Vec<OverBudget>,
    pub verdict: Verdict,
}

/// One service's time to restore against its own RTO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRestore {
    pub service: String,
    pub rto_secs: Option<u64>,
    /// Seconds from the start of the drill; `None` while not restored.
    pub restored_secs: Option<u64>,
}

impl ServiceRestore {
    /// Whether it came back later than its RTO.
    pub fn missed(&self) -> bool {
        matches!((self.restored_secs, self.rto_secs), (Some(actual), Some(rto)) if actual > rto)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StepTally {
    pub total: usize,
    pub done: usize,
    pub skipped: usize,
    /// Failed and still blocking.
    pub failed: usize,
    /// Neither confirmed nor failed.
    pub unconfirmed: usize,
}

/// A step done later than its budget allowed (1-based `step`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverBudget {
    pub step: usize,
    pub title: String,
    pub actual_secs: u64,
    pub budget_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every service restored within its RTO.
    RtoMet,
    /// Every service restored, at least one later than its RTO.
    RtoMissed,
    /// A service was not restored (or, with no service named, the checklist was not finished):
    /// no time to recovery is claimed.
    NotRestored,
    /// Restored, with no RTO to measure against.
    NoTarget,
}

/// The report of `drill`, ended at `ended_at_ms`, with its services' restore times.
pub fn report(drill: &Incident, services: Vec<ServiceRestore>, ended_at_ms: i64) -> DrillReport {
    let steps = tally(drill);
    let finished = drill.current_steps().is_empty();
    let verdict = if services.iter().any(|s| s.restored_secs.is_none())
        || (services.is_empty() && !finished)
    {
        Verdict::NotRestored
    } else if services.iter().all(|s| s.rto_secs.is_none()) {
        Verdict::NoTarget
    } else if services.iter().any(ServiceRestore::missed) {
        Verdict::RtoMissed
    } else {
        Verdict::RtoMet
    };
    DrillReport {
        scenario: drill.scenario.clone(),
        ran_by: ran_by(drill),
        started_at_ms: drill.opened_at_ms,
        ended_at_ms,
        services,
        steps,
        over_budget: over_budget(drill),
        verdict,
    }
}

/// Each service's time to restore as the drill recorded it: from the start to its restoration,
/// against its own RTO; `None` for a service never marked restored. A drill that lists no
/// service is one clock, named after its scenario.
pub fn restore_times(drill: &Incident) -> Vec<ServiceRestore> {
    drill
        .clocks()
        .into_iter()
        .map(|clock| ServiceRestore {
            service: clock.service.unwrap_or(&drill.scenario.title).to_string(),
            rto_secs: clock.rto_secs,
            restored_secs: clock.restored.map(|restored| {
                u64::try_from(restored.at_ms.saturating_sub(drill.opened_at_ms) / 1000)
                    .unwrap_or_default()
            }),
        })
        .collect()
}

fn tally(drill: &Incident) -> StepTally {
    let mut tally = StepTally {
        total: drill.steps.len(),
        ..StepTally::default()
    };
    for step in &drill.steps {
        match (&step.confirmation, &step.failure) {
            (Some(c), _) if c.outcome == Outcome::Done => tally.done += 1,
            (Some(_), _) => tally.skipped += 1,
            (None, Some(_)) => tally.failed += 1,
            (None, None) => tally.unconfirmed += 1,
        }
    }
    tally
}

fn over_budget(drill: &Incident) -> Vec<OverBudget> {
    drill
        .steps
        .iter()
        .enumerate()
        .filter(|(_, step)| {
            step.confirmation
                .as_ref()
                .is_some_and(|c| c.outcome == Outcome::Done)
        })
        .filter_map(|(index, step)| {
            let actual_secs = step.actual_secs()?;
            let budget_secs = step.budget?.max_secs;
            (actual_secs > budget_secs).then(|| OverBudget {
                step: index + 1,
                title: step.title.clone(),
                actual_secs,
                budget_secs,
            })
        })
        .collect()
}

fn ran_by(drill: &Incident) -> Vec<String> {
    let mut names = vec![drill.opened_by.name.clone()];
    let people = drill.steps.iter().flat_map(|step| {
        step.confirmation
            .as_ref()
            .map(|c| &c.by)
            .into_iter()
            .chain(step.failure.as_ref().map(|f| &f.by))
    });
    for person in people {
        if !person.is_bot() && !names.contains(&person.name) {
            names.push(person.name.clone());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::test_support::{at, db_loss_drill, MIN};

    #[test]
    fn a_drill_closed_unfinished_claims_no_time_to_recovery() {
        let drill = db_loss_drill(at(14, 16, 0)).incident;
        let services = restore_times(&drill);
        assert_eq!(services[0].restored_secs, None);
        let report = report(&drill, services, at(14, 16, 0));
        assert_eq!(report.verdict, Verdict::NotRestored);
        assert_eq!(report.steps.unconfirmed + report.steps.done, 11);
    }

    #[test]
    fn a_finished_drill_is_measured_per_service() {
        let drill = db_loss_drill(at(15, 0, 0)).incident;
        let services = restore_times(&drill);
        assert_eq!(services[0].restored_secs, Some(41 * 60));
        let report = report(&drill, services, at(15, 0, 0));
        assert_eq!(report.verdict, Verdict::RtoMissed);
        assert_eq!(report.ran_by, vec!["carol", "bob"]);
        assert_eq!(
            report.over_budget.first().map(|o| (o.step, o.actual_secs)),
            Some((3, 8 * MIN as u64 / 1000))
        );
    }
}
