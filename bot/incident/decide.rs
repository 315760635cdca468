//! The rules of what people record: whether a confirmation, failure, retry or choice is allowed
//! right now, a note, an assignment, a severity, the last good data or the resolution, and which
//! event each records. Pure: state (and the time) in, event or a refusal out. A note, an
//! assignment and the last good data also amend a resolved incident, by `correction`'s rules.

use chrono::{DateTime, Duration, Utc};
use commands::{RpoPoint, Severity};

use super::correction::{ensure_amendable, ensure_not_cancelled};
use super::error::DomainError;
use super::event::Event;
use super::model::{Incident, Outcome, Person};

/// Which step someone means: the one they were looking at (a 0-based index), or the current one.
fn target_step(incident: &Incident, asked: Option<usize>) -> Result<usize, DomainError> {
    ensure_open(incident)?;
    let Some(current) = incident.current_step() else {
        if let Some(asked) = asked {
            return Err(already_confirmed(incident, asked));
        }
        return Err(DomainError::ChecklistComplete {
            incident: incident.reference(),
        });
    };
    match asked {
        None => Ok(current),
        Some(asked) if asked >= incident.steps.len() => Err(DomainError::NoSuchStep {
            asked: asked + 1,
            count: incident.steps.len(),
        }),
        Some(asked) if incident.steps[asked].confirmation.is_some() => {
            Err(already_confirmed(incident, asked))
        }
        Some(asked) if asked != current => Err(DomainError::NotCurrent {
            asked: asked + 1,
            current: current + 1,
            title: incident.steps[current].title.clone(),
        }),
        Some(asked) => Ok(asked),
    }
}

fn already_confirmed(incident: &Incident, step: usize) -> DomainError {
    match incident
        .steps
        .get(step)
        .and_then(|s| s.confirmation.as_ref().map(|c| (s, c)))
    {
        Some((state, confirmation)) => DomainError::AlreadyConfirmed {
            step: step + 1,
            title: state.title.clone(),
            outcome: confirmation.outcome,
            by: confirmation.by.name.clone(),
            at_ms: confirmation.at_ms,
            now_at: incident
                .current_step()
                .map(|current| (current + 1, incident.steps[current].title.clone())),
        },
        None => DomainError::ChecklistComplete {
            incident: incident.reference(),
        },
    }
}

pub(super) fn ensure_open(incident: &Incident) -> Result<(), DomainError> {
    ensure_not_cancelled(incident)?;
    match &incident.resolution {
        Some(resolution) => Err(DomainError::Resolved {
            incident: incident.reference(),
            at_ms: resolution.at_ms,
        }),
        None => Ok(()),
    }
}

/// `done` (optionally with a note: on a failed step, the note is the workaround) or `skip`
/// (reason required, checked by the command parser).
pub fn confirm(
    incident: &Incident,
    asked: Option<usize>,
    outcome: Outcome,
    note: Option<String>,
) -> Result<Event, DomainError> {
    let step = target_step(incident, asked)?;
    let state = &incident.steps[step];
    if outcome == Outcome::Done {
        if state.failure.is_some() && note.is_none() {
            return Err(DomainError::Blocked {
                step: step + 1,
                title: state.title.clone(),
            });
        }
        if state.is_choice() && state.chosen.is_none() {
            return Err(DomainError::ChooseFirst {
                step: step + 1,
                title: state.title.clone(),
                options: state.options.clone(),
            });
        }
    }
    Ok(Event::StepConfirmed {
        step,
        outcome,
        note,
    })
}

pub fn fail(incident: &Incident, asked: Option<usize>, note: String) -> Result<Event, DomainError> {
    let step = target_step(incident, asked)?;
    Ok(Event::StepFailed { step, note })
}

pub fn retry(
    incident: &Incident,
    asked: Option<usize>,
    note: Option<String>,
) -> Result<Event, DomainError> {
    let step = target_step(incident, asked)?;
    if incident.steps[step].failure.is_none() {
        return Err(DomainError::NothingToRetry {
            step: step + 1,
            title: incident.steps[step].title.clone(),
        });
    }
    Ok(Event::StepRetried { step, note })
}

/// Picks an option of the current choice step by its key (`A`, `b`) or words of its title.
pub fn choose(incident: &Incident, typed: &str) -> Result<Event, DomainError> {
    let step = target_step(incident, None)?;
    let state = &incident.steps[step];
    if !state.is_choice() {
        return Err(DomainError::NotAChoice {
            step: step + 1,
            title: state.title.clone(),
        });
    }
    let typed_lower = typed.trim().to_lowercase();
    let typed_key = typed_lower
        .strip_prefix("option ")
        .unwrap_or(&typed_lower)
        .trim();
    let by_key = state
        .options
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(typed_key));
    let by_title = || {
        let matches: Vec<_> = state
            .options
            .iter()
            .filter(|(_, title)| title.to_lowercase().contains(typed_key))
            .collect();
        (matches.len() == 1).then(|| matches[0])
    };
    match by_key.or_else(by_title) {
        Some((key, _)) => Ok(Event::OptionChosen {
            step,
            key: key.clone(),
        }),
        None => Err(DomainError::UnknownOption {
            typed: typed.trim().to_string(),
            options: state.options.clone(),
        }),
    }
}

/// A note for the channel and the status updates (`/incident update`), or on the timeline of a
/// resolved incident.
pub fn note(incident: &Incident, text: &str, now_ms: i64) -> Result<Event, DomainError> {
    ensure_amendable(incident, now_ms)?;
    Ok(Event::NoteAdded {
        text: text.to_string(),
    })
}

/// Someone takes a role (`role` lowercase, `commander`, `scribe`…).
pub fn assign(
    incident: &Incident,
    role: &str,
    person: &Person,
    now_ms: i64,
) -> Result<Event, DomainError> {
    ensure_amendable(incident, now_ms)?;
    Ok(Event::RoleAssigned {
        role: role.to_string(),
        person: person.clone(),
    })
}

/// A new severity; the same one again is refused.
pub fn change_severity(incident: &Incident, severity: Severity) -> Result<Event, DomainError> {
    ensure_open(incident)?;
    if incident.severity == severity {
        return Err(DomainError::SameSeverity {
            incident: incident.reference(),
            severity,
        });
    }
    Ok(Event::SeverityChanged { severity })
}

/// When the last good data was written, as typed at `now_ms`; it cannot be in the future.
pub fn last_good_data(
    incident: &Incident,
    typed: &RpoPoint,
    now_ms: i64,
) -> Result<Event, DomainError> {
    ensure_amendable(incident, now_ms)?;
    let now = DateTime::from_timestamp_millis(now_ms).unwrap_or_default();
    let at_ms = point_in_time(typed, now).timestamp_millis();
    if at_ms > now_ms {
        return Err(DomainError::LastGoodDataInFuture {
            typed: typed.to_string(),
        });
    }
    Ok(Event::LastGoodDataRecorded { at_ms })
}

/// What an RPO point means at `now`. A time of day means the latest such time not after now
/// (UTC).
fn point_in_time(point: &RpoPoint, now: DateTime<Utc>) -> DateTime<Utc> {
    match point {
        RpoPoint::TimeOfDay(time) => {
            let today = now.date_naive().and_time(*time).and_utc();
            if today > now {
                today - Duration::days(1)
            } else {
                today
            }
        }
        RpoPoint::At(at) => at.and_utc(),
        RpoPoint::Ago(secs) => {
            now - Duration::seconds(i64::try_from(*secs).unwrap_or(i64::MAX / 2_000_000))
        }
    }
}

/// The end of the incident, with its root cause when known.
pub fn resolve(incident: &Incident, root_cause: Option<String>) -> Result<Event, DomainError> {
    ensure_open(incident)?;
    Ok(Event::Resolved { root_cause })
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::BTreeMap;

    use commands::Severity;

    use super::*;
    use crate::incident::model::{ChannelKey, Confirmation, Person, ScenarioRef, StepState};
    use crate::incident::IncidentId;

    pub(crate) fn step(title: &str, options: &[(&str, &str)]) -> StepState {
        StepState {
            phase: "Immediate Actions".into(),
            title: title.into(),
            budget: None,
            marker: None,
            options: options
                .iter()
                .map(|(k, t)| (k.to_string(), t.to_string()))
                .collect(),
            chosen: None,
            started_at_ms: Some(0),
            confirmation: None,
            failure: None,
            nudged: false,
        }
    }

    pub(crate) fn incident(steps: Vec<StepState>) -> Incident {
        let alice = Person {
            id: "U1".into(),
            name: "alice".into(),
        };
        Incident {
            id: IncidentId::new(7),
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
            opened_at_ms: 0,
            opened_by: alice.clone(),
            services: vec![],
            rto_secs: None,
            rpo_secs: None,
            roles: BTreeMap::from([("commander".into(), alice)]),
            steps,
            latest_note: None,
            last_good_data_ms: None,
            resolution: None,
            updates_posted: 0,
            rto_warned_percent: 0,
            objectives: vec![],
            restored: None,
            cancellation: None,
            postmortem_final: None,
            last_human_at_ms: None,
            stale_asked_at_ms: None,
            quiet_posts: 0,
            quiet_post_at_ms: None,
            follow_ups: Vec::new(),
        }
    }

    #[test]
    fn a_step_is_confirmed_once() {
        let mut incident = incident(vec![step("Isolate", &[]), step("Assess", &[])]);
        incident.steps[0].confirmation = Some(Confirmation {
            outcome: Outcome::Done,
            by: incident.opened_by.clone(),
            at_ms: 61_000,
            note: None,
        });
        assert_eq!(
            confirm(&incident, Some(0), Outcome::Done, None),
            Err(DomainError::AlreadyConfirmed {
                step: 1,
                title: "Isolate".into(),
                outcome: Outcome::Done,
                by: "alice".into(),
                at_ms: 61_000,
                now_at: Some((2, "Assess".into())),
            })
        );
        assert_eq!(
            confirm(&incident, None, Outcome::Done, None),
            Ok(Event::StepConfirmed {
                step: 1,
                outcome: Outcome::Done,
                note: None
            })
        );
    }

    #[test]
    fn choices_need_an_option_first() {
        let incident = incident(vec![step(
            "Recovery options",
            &[
                ("A", "Point-in-time recovery"),
                ("B", "Selective restoration"),
            ],
        )]);
        assert!(matches!(
            confirm(&incident, None, Outcome::Done, None),
            Err(DomainError::ChooseFirst { step: 1, .. })
        ));
        assert_eq!(
            choose(&incident, "b"),
            Ok(Event::OptionChosen {
                step: 0,
                key: "B".into()
            })
        );
        assert_eq!(
            choose(&incident, "point-in-time"),
            Ok(Event::OptionChosen {
                step: 0,
                key: "A".into()
            })
        );
        assert!(choose(&incident, "Z").is_err());
    }

    #[test]
    fn a_failed_step_blocks_until_retried_skipped_or_worked_around() {
        let mut incident = incident(vec![step("Restore", &[])]);
        incident.steps[0].failure = Some(crate::incident::model::Remark {
            text: "restore.sh exits 1".into(),
            by: incident.opened_by.clone(),
            at_ms: 0,
        });
        assert!(matches!(
            confirm(&incident, None, Outcome::Done, None),
            Err(DomainError::Blocked { .. })
        ));
        assert!(confirm(
            &incident,
            None,
            Outcome::Done,
            Some("restored by hand".into())
        )
        .is_ok());
        assert!(confirm(&incident, None, Outcome::Skipped, Some("not needed".into())).is_ok());
        assert!(retry(&incident, None, None).is_ok());
    }
}
