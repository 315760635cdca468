//! The rules of what people record: whether a confirmation, failure, retry or choice is allowed
//! right now, a note, an assignment, a severity, the last good data or the resolution, and which
//! event each records. Pure: state (and the time) in, event or a refusal out. A note, an
//! assignment and the last good data also amend a resolved incident, by `correction`'s rules.

use chrono::{DateTime, Duration, Utc};
use commands::{RpoPoint, Severity, StepAction};

use super::correction::{ensure_amendable, ensure_not_cancelled};
use super::error::DomainError;
use super::event::Event;
use super::model::{Incident, Outcome, Person};
use super::options::{self, OptionMatch};

/// Which step someone means: the one they were looking at (a 0-based index), which must be
/// current (any track, when several run in parallel); or, without one, the current step, when
/// only one is current.
fn target_step(
    incident: &Incident,
    asked: Option<usize>,
    action: StepAction,
) -> Result<usize, DomainError> {
    ensure_open(incident)?;
    let current = incident.current_steps();
    if current.is_empty() {
        if let Some(asked) = asked {
            return Err(already_confirmed(incident, asked));
        }
        return Err(DomainError::ChecklistComplete {
            incident: incident.reference(),
        });
    }
    match asked {
        None => match current.as_slice() {
            [only] => Ok(*only),
            _ => Err(DomainError::WhichStep {
                action,
                current: numbered(incident, &current),
            }),
        },
        Some(asked) if asked >= incident.steps.len() => Err(DomainError::NoSuchStep {
            asked: asked + 1,
            count: incident.steps.len(),
        }),
        Some(asked) if incident.steps[asked].confirmation.is_some() => {
            Err(already_confirmed(incident, asked))
        }
        Some(asked) if !current.contains(&asked) => Err(DomainError::NotCurrent {
            asked: asked + 1,
            current: numbered(incident, &current),
        }),
        Some(asked) => Ok(asked),
    }
}

/// Steps as people see them: (1-based number, title).
fn numbered(incident: &Incident, steps: &[usize]) -> Vec<(usize, String)> {
    steps
        .iter()
        .map(|&index| (index + 1, incident.steps[index].title.clone()))
        .collect()
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
            now_at: numbered(incident, &incident.current_steps()),
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
    let action = match outcome {
        Outcome::Done => StepAction::Done,
        Outcome::Skipped => StepAction::Skip,
    };
    let step = target_step(incident, asked, action)?;
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
    let step = target_step(incident, asked, StepAction::Fail)?;
    Ok(Event::StepFailed { step, note })
}

pub fn retry(
    incident: &Incident,
    asked: Option<usize>,
    note: Option<String>,
) -> Result<Event, DomainError> {
    let step = target_step(incident, asked, StepAction::Retry)?;
    if incident.steps[step].failure.is_none() {
        return Err(DomainError::NothingToRetry {
            step: step + 1,
            title: incident.steps[step].title.clone(),
        });
    }
    Ok(Event::StepRetried { step, note })
}

/// Picks an option of the current choice step by its key (`A`, `b`) or words of its title
/// (`options`).
/// With tracks running, the choice is the first current track (by priority) that is a choice
/// still to make, else the first that is a choice.
pub fn choose(incident: &Incident, typed: &str) -> Result<Event, DomainError> {
    ensure_open(incident)?;
    let current = incident.current_steps();
    let choices = || {
        current
            .iter()
            .filter(|&&index| incident.steps[index].is_choice())
    };
    let Some(&step) = choices()
        .find(|&&index| incident.steps[index].chosen.is_none())
        .or_else(|| choices().next())
        .or_else(|| current.first())
    else {
        return Err(DomainError::ChecklistComplete {
            incident: incident.reference(),
        });
    };
    let state = &incident.steps[step];
    if !state.is_choice() {
        return Err(DomainError::NotAChoice {
            step: step + 1,
            title: state.title.clone(),
        });
    }
    match options::match_option(&state.options, typed) {
        OptionMatch::One((key, _)) => Ok(Event::OptionChosen {
            step,
            key: key.clone(),
        }),
        OptionMatch::Several(fitting) => Err(DomainError::AmbiguousOption {
            typed: typed.trim().to_string(),
            fitting: fitting.into_iter().cloned().collect(),
        }),
        OptionMatch::None => Err(DomainError::UnknownOption {
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
mod tests {
    use super::*;
    use crate::incident::model::{Confirmation, Remark};
    use crate::incident::test_support::{choice, confirm as confirmed, incident, step, track};

    #[test]
    fn a_step_is_confirmed_once() {
        let mut incident = incident(vec![step("Isolate"), step("Assess")]);
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
                now_at: vec![(2, "Assess".into())],
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
        let incident = incident(vec![choice(
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
        let mut incident = incident(vec![step("Restore")]);
        incident.steps[0].failure = Some(Remark {
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

    /// Scenario 5's shape: one step, then four tracks, then one more step.
    fn infrastructure_loss() -> Incident {
        let mut incident = incident(vec![
            step("Activate full DR plan"),
            track(step("Database recovery"), 1, Some(1)),
            track(step("Application deployment"), 1, Some(2)),
            track(step("DNS and networking"), 1, Some(3)),
            track(step("Verification"), 1, Some(4)),
            step("Announce"),
        ]);
        confirmed(&mut incident, 0, 60_000);
        incident
    }

    fn apply(incident: &mut Incident, event: Event) {
        incident.apply(&crate::incident::Recorded {
            at_ms: 120_000,
            by: incident.opened_by.clone(),
            event,
        });
    }

    #[test]
    fn any_current_track_may_be_confirmed_and_without_a_number_the_answer_is_which() {
        let mut incident = infrastructure_loss();
        let tracks = vec![
            (2, "Database recovery".to_string()),
            (3, "Application deployment".to_string()),
            (4, "DNS and networking".to_string()),
            (5, "Verification".to_string()),
        ];
        for (action, decided) in [
            (
                StepAction::Done,
                confirm(&incident, None, Outcome::Done, None),
            ),
            (
                StepAction::Skip,
                confirm(&incident, None, Outcome::Skipped, Some("n/a".into())),
            ),
            (StepAction::Fail, fail(&incident, None, "broke".into())),
            (StepAction::Retry, retry(&incident, None, None)),
        ] {
            assert_eq!(
                decided,
                Err(DomainError::WhichStep {
                    action,
                    current: tracks.clone()
                })
            );
        }
        assert_eq!(
            confirm(&incident, Some(5), Outcome::Done, None),
            Err(DomainError::NotCurrent {
                asked: 6,
                current: tracks.clone()
            }),
            "the step after the group waits for it"
        );
        let event = confirm(&incident, Some(3), Outcome::Done, None).expect("a track");
        apply(&mut incident, event);
        assert_eq!(
            confirm(&incident, Some(3), Outcome::Done, None),
            Err(DomainError::AlreadyConfirmed {
                step: 4,
                title: "DNS and networking".into(),
                outcome: Outcome::Done,
                by: "alice".into(),
                at_ms: 120_000,
                now_at: vec![tracks[0].clone(), tracks[1].clone(), tracks[3].clone()],
            }),
            "a track is confirmed once"
        );
    }

    #[test]
    fn a_failed_track_blocks_only_itself_and_the_steps_after_the_group() {
        let mut incident = infrastructure_loss();
        let failed = fail(&incident, Some(1), "restore.sh exits 1".into()).expect("fails");
        apply(&mut incident, failed);
        assert!(matches!(
            confirm(&incident, Some(1), Outcome::Done, None),
            Err(DomainError::Blocked { step: 2, .. })
        ));
        assert!(matches!(
            retry(&incident, Some(2), None),
            Err(DomainError::NothingToRetry { step: 3, .. })
        ));
        for track in [2, 3, 4] {
            let event = confirm(&incident, Some(track), Outcome::Done, None).expect("not blocked");
            apply(&mut incident, event);
        }
        assert_eq!(
            incident.current_steps(),
            vec![1],
            "the group waits for its failed track"
        );
        assert!(matches!(
            confirm(&incident, Some(5), Outcome::Done, None),
            Err(DomainError::NotCurrent { asked: 6, .. })
        ));
        assert_eq!(
            confirm(
                &incident,
                None,
                Outcome::Done,
                Some("restored by hand".into())
            ),
            Ok(Event::StepConfirmed {
                step: 1,
                outcome: Outcome::Done,
                note: Some("restored by hand".into())
            }),
            "with one track left, no number is needed"
        );
    }

    #[test]
    fn a_choice_among_tracks_is_the_first_still_to_make() {
        let incident = incident(vec![
            track(step("Restore cache"), 0, Some(1)),
            track(
                choice("Rebuild index", &[("A", "Full"), ("B", "Partial")]),
                0,
                Some(2),
            ),
        ]);
        assert_eq!(
            choose(&incident, "b"),
            Ok(Event::OptionChosen {
                step: 1,
                key: "B".into()
            })
        );
    }
}
