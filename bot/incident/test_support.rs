//! Incidents for the domain's unit tests: steps, tracks and confirmations, at instants counted
//! from 0.

use commands::Severity;

use super::model::{ChannelKey, Incident, Outcome, Person, ScenarioRef, StepState};
use super::tracks::Track;
use super::{Event, IncidentId, Opening, Recorded};

pub fn alice() -> Person {
    Person {
        id: "U1".into(),
        name: "alice".into(),
    }
}

/// A step of the Immediate Actions phase; `options` as (key, title) make it a choice.
pub fn choice(title: &str, options: &[(&str, &str)]) -> StepState {
    StepState {
        phase: "Immediate Actions".into(),
        title: title.into(),
        budget: None,
        marker: None,
        role: None,
        options: options
            .iter()
            .map(|(k, t)| (k.to_string(), t.to_string()))
            .collect(),
        chosen: None,
        started_at_ms: None,
        confirmation: None,
        failure: None,
        nudged: false,
        track: None,
    }
}

pub fn step(title: &str) -> StepState {
    choice(title, &[])
}

/// `step` as a track of the group that starts at index `group`.
pub fn track(step: StepState, group: usize, priority: Option<u8>) -> StepState {
    StepState {
        track: Some(Track { group, priority }),
        ..step
    }
}

/// INC-7, opened at 0 by alice with these steps, as `Incident::opened` starts it.
pub fn incident(steps: Vec<StepState>) -> Incident {
    let opening = Opening {
        channel: ChannelKey {
            platform: crate::platform::Platform::Console,
            workspace: "local".into(),
            channel: "incidents".into(),
        },
        drill: false,
        severity: Severity::High,
        scenario: ScenarioRef {
            number: 3,
            slug: "data-corruption".into(),
            title: "Data Corruption".into(),
        },
        description: None,
        services: vec![],
        rto_secs: None,
        rpo_secs: None,
        steps,
        objectives: vec![],
    };
    Incident::opened(IncidentId::new(7), &opening, 0, &alice())
}

/// Alice confirms step `index` as done at `at_ms`, as the event would record it.
pub fn confirm(incident: &mut Incident, index: usize, at_ms: i64) {
    incident.apply(&Recorded {
        at_ms,
        by: alice(),
        event: Event::StepConfirmed {
            step: index,
            outcome: Outcome::Done,
            note: None,
        },
    });
}

/// INC-7 with `phases` phases of `per_phase` steps each, every step with a long title and a
/// budget of 5–10 minutes, the first `confirmed` of them done by alice 6 minutes apart.
pub fn long_checklist(phases: usize, per_phase: usize, confirmed: usize) -> Incident {
    let steps = (0..phases * per_phase)
        .map(|index| StepState {
            phase: format!("Phase {} of the regional failover", index / per_phase + 1),
            budget: Some(commands::duration::DurationRange {
                min_secs: 300,
                max_secs: 600,
            }),
            ..step(&format!(
                "Step {} of the failover: drain, promote and verify the replicas of region eu-west-{}",
                index + 1,
                index % 3 + 1
            ))
        })
        .collect();
    let mut incident = incident(steps);
    for index in 0..confirmed {
        confirm(&mut incident, index, (index as i64 + 1) * 6 * 60_000);
    }
    incident
}
