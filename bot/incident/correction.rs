//! Corrections: reopening a closed incident, cancelling one that is not an incident (a false
//! alarm, a duplicate), and amending a resolved one (its root cause, last good data, roles and
//! notes) until its post-mortem is marked final or [`AMEND_FOR_MS`] have passed. The rules, the
//! events they record, and how those events change the state. Pure, like `decide`.
//!
//! A cancelled incident is closed without being resolved: it has no resolution, so no RTO is
//! measured and no follow-ups are due, and it takes no amendments (reopen it first).

use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::event::{Event, Recorded};
use super::model::{Incident, Person, Status};
use super::IncidentId;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How long after its close an incident may be reopened.
pub const REOPEN_FOR_MS: i64 = 7 * DAY_MS;

/// How long after its resolution an incident takes amendments, unless its post-mortem is final.
pub const AMEND_FOR_MS: i64 = 30 * DAY_MS;

/// Who closed an incident as not one, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    pub at_ms: i64,
    pub by: Person,
    /// Why (a false alarm's reason, or a note on the duplicate).
    pub reason: Option<String>,
    /// The incident this one duplicates, which is the one to work on.
    pub duplicate_of: Option<IncidentId>,
}

/// Who did something, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub at_ms: i64,
    pub by: Person,
}

impl Incident {
    /// When the incident was resolved or cancelled; `None` while open.
    pub fn closed_at_ms(&self) -> Option<i64> {
        match (&self.resolution, &self.cancellation) {
            (Some(resolution), _) => Some(resolution.at_ms),
            (None, Some(cancellation)) => Some(cancellation.at_ms),
            (None, None) => None,
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_some()
    }

    /// Applies a correction's event (see [`Incident::apply`]).
    pub(super) fn apply_correction(&mut self, recorded: &Recorded) {
        match &recorded.event {
            Event::Reopened { .. } => {
                self.resolution = None;
                self.cancellation = None;
                self.postmortem_final = None;
            }
            Event::Cancelled {
                reason,
                duplicate_of,
            } => {
                self.cancellation = Some(Cancellation {
                    at_ms: recorded.at_ms,
                    by: recorded.by.clone(),
                    reason: reason.clone(),
                    duplicate_of: *duplicate_of,
                })
            }
            Event::RootCauseAmended { root_cause } => {
                if let Some(resolution) = &mut self.resolution {
                    resolution.root_cause = Some(root_cause.clone());
                }
            }
            Event::PostmortemFinalized => {
                self.postmortem_final = Some(Stamp {
                    at_ms: recorded.at_ms,
                    by: recorded.by.clone(),
                })
            }
            _ => {}
        }
    }
}

/// Whether an event amends a resolved incident (rather than running or closing one): what the
/// post-mortem lists as amended after resolve when it comes after the resolution.
pub fn amends(event: &Event) -> bool {
    matches!(
        event,
        Event::NoteAdded { .. }
            | Event::RoleAssigned { .. }
            | Event::LastGoodDataRecorded { .. }
            | Event::RootCauseAmended { .. }
    )
}

/// The refusal for changing a cancelled incident, if it is one.
pub(super) fn ensure_not_cancelled(incident: &Incident) -> Result<(), DomainError> {
    match &incident.cancellation {
        Some(cancellation) => Err(DomainError::Cancelled {
            incident: incident.reference(),
            at_ms: cancellation.at_ms,
            duplicate_of: cancellation.duplicate_of,
        }),
        None => Ok(()),
    }
}

/// Whether the incident takes an amendment (a note, a role, the last good data, the root cause)
/// at `now_ms`: an open one does; a resolved one until its post-mortem is final or for
/// [`AMEND_FOR_MS`] after its resolution; a cancelled one does not.
pub fn ensure_amendable(incident: &Incident, now_ms: i64) -> Result<(), DomainError> {
    ensure_not_cancelled(incident)?;
    let Some(resolution) = &incident.resolution else {
        return Ok(());
    };
    if let Some(stamp) = &incident.postmortem_final {
        return Err(DomainError::PostmortemFinal {
            incident: incident.reference(),
            at_ms: stamp.at_ms,
            by: stamp.by.name.clone(),
        });
    }
    if now_ms.saturating_sub(resolution.at_ms) > AMEND_FOR_MS {
        return Err(DomainError::AmendmentsClosed {
            incident: incident.reference(),
            resolved_at_ms: resolution.at_ms,
            now_ms,
        });
    }
    Ok(())
}

/// Reopens a resolved or cancelled incident, closed at most [`REOPEN_FOR_MS`] ago.
pub fn reopen(
    incident: &Incident,
    reason: Option<String>,
    now_ms: i64,
) -> Result<Event, DomainError> {
    let Some(closed_at_ms) = incident.closed_at_ms() else {
        return Err(DomainError::NotClosed {
            incident: incident.reference(),
        });
    };
    if now_ms.saturating_sub(closed_at_ms) > REOPEN_FOR_MS {
        return Err(DomainError::ReopenTooLate {
            incident: incident.reference(),
            closed: incident.status(),
            closed_at_ms,
            now_ms,
        });
    }
    Ok(Event::Reopened { reason })
}

/// Cancels an open incident: a false alarm with its reason, or a duplicate of another incident.
pub fn cancel(
    incident: &Incident,
    reason: Option<String>,
    duplicate_of: Option<IncidentId>,
) -> Result<Event, DomainError> {
    super::decide::ensure_open(incident)?;
    if duplicate_of == Some(incident.id) {
        return Err(DomainError::DuplicateOfItself {
            incident: incident.reference(),
        });
    }
    Ok(Event::Cancelled {
        reason,
        duplicate_of,
    })
}

/// `/incident resolve <root cause>` on a resolved incident: the root cause, amended. Without a
/// root cause, or with the one it has, there is nothing to amend.
pub fn amend_root_cause(
    incident: &Incident,
    root_cause: Option<&str>,
    now_ms: i64,
) -> Result<Event, DomainError> {
    ensure_amendable(incident, now_ms)?;
    let already_resolved = || DomainError::AlreadyResolved {
        incident: incident.reference(),
        at_ms: incident.closed_at_ms().unwrap_or(now_ms),
    };
    let (Some(resolution), Some(root_cause)) = (&incident.resolution, root_cause) else {
        return Err(already_resolved());
    };
    if resolution.root_cause.as_deref().map(str::trim) == Some(root_cause.trim()) {
        return Err(already_resolved());
    }
    Ok(Event::RootCauseAmended {
        root_cause: root_cause.to_string(),
    })
}

/// Marks the post-mortem of a resolved incident final, once.
pub fn finalize_postmortem(incident: &Incident) -> Result<Event, DomainError> {
    ensure_not_cancelled(incident)?;
    if incident.status() != Status::Resolved {
        return Err(DomainError::StillOpen {
            incident: incident.reference(),
        });
    }
    if let Some(stamp) = &incident.postmortem_final {
        return Err(DomainError::PostmortemFinal {
            incident: incident.reference(),
            at_ms: stamp.at_ms,
            by: stamp.by.name.clone(),
        });
    }
    Ok(Event::PostmortemFinalized)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::decide::{self, tests::incident, tests::step};

    const HOUR_MS: i64 = 60 * 60 * 1000;

    fn alice() -> Person {
        Person {
            id: "U1".into(),
            name: "alice".into(),
        }
    }

    fn applied(mut incident: Incident, at_ms: i64, event: Event) -> Incident {
        incident.apply(&Recorded {
            at_ms,
            by: alice(),
            event,
        });
        incident
    }

    fn resolved_at(at_ms: i64) -> Incident {
        let open = incident(vec![step("Isolate", &[])]);
        applied(
            open,
            at_ms,
            Event::Resolved {
                root_cause: Some("bad migration".into()),
            },
        )
    }

    #[test]
    fn reopening_is_for_seven_days_after_the_close() {
        let resolved = resolved_at(HOUR_MS);
        assert_eq!(
            reopen(
                &resolved,
                Some("errors again".into()),
                HOUR_MS + REOPEN_FOR_MS
            ),
            Ok(Event::Reopened {
                reason: Some("errors again".into())
            })
        );
        assert_eq!(
            reopen(&resolved, None, HOUR_MS + REOPEN_FOR_MS + 1),
            Err(DomainError::ReopenTooLate {
                incident: "INC-7".into(),
                closed: Status::Resolved,
                closed_at_ms: HOUR_MS,
                now_ms: HOUR_MS + REOPEN_FOR_MS + 1,
            })
        );
        let open = incident(vec![step("Isolate", &[])]);
        assert_eq!(
            reopen(&open, None, HOUR_MS),
            Err(DomainError::NotClosed {
                incident: "INC-7".into()
            })
        );
    }

    #[test]
    fn a_reopened_incident_is_open_again_and_its_post_mortem_no_longer_final() {
        let resolved = resolved_at(HOUR_MS);
        let finalized = applied(resolved, 2 * HOUR_MS, Event::PostmortemFinalized);
        assert!(finalized.postmortem_final.is_some());
        let reopened = applied(finalized, 3 * HOUR_MS, Event::Reopened { reason: None });
        assert!(reopened.is_open());
        assert_eq!(reopened.status(), Status::Investigating);
        assert_eq!(reopened.postmortem_final, None);
        assert_eq!(reopened.closed_at_ms(), None);
    }

    #[test]
    fn a_cancelled_incident_is_closed_unresolved_and_takes_nothing_more() {
        let open = incident(vec![step("Isolate", &[])]);
        let event = cancel(&open, None, Some(IncidentId::new(3))).expect("cancelled");
        let cancelled = applied(open, HOUR_MS, event);
        assert!(!cancelled.is_open());
        assert_eq!(cancelled.status(), Status::Cancelled);
        assert_eq!(cancelled.resolution, None);
        assert_eq!(cancelled.closed_at_ms(), Some(HOUR_MS));
        assert_eq!(cancelled.elapsed_ms(10 * HOUR_MS), HOUR_MS);
        let refusal = DomainError::Cancelled {
            incident: "INC-7".into(),
            at_ms: HOUR_MS,
            duplicate_of: Some(IncidentId::new(3)),
        };
        assert_eq!(decide::note(&cancelled, "x", HOUR_MS), Err(refusal.clone()));
        assert_eq!(decide::resolve(&cancelled, None), Err(refusal.clone()));
        assert_eq!(cancel(&cancelled, Some("again".into()), None), Err(refusal));
        assert!(reopen(&cancelled, None, 2 * HOUR_MS).is_ok());
    }

    #[test]
    fn an_incident_cannot_duplicate_itself() {
        let open = incident(vec![step("Isolate", &[])]);
        assert_eq!(
            cancel(&open, None, Some(IncidentId::new(7))),
            Err(DomainError::DuplicateOfItself {
                incident: "INC-7".into()
            })
        );
    }

    #[test]
    fn amendments_for_thirty_days_or_until_the_post_mortem_is_final() {
        let resolved = resolved_at(HOUR_MS);
        let late = HOUR_MS + AMEND_FOR_MS;
        assert!(decide::note(&resolved, "found the cause", late).is_ok());
        assert_eq!(
            amend_root_cause(&resolved, Some("expired certificate"), late),
            Ok(Event::RootCauseAmended {
                root_cause: "expired certificate".into()
            })
        );
        assert_eq!(
            decide::assign(&resolved, "scribe", &alice(), late + 1),
            Err(DomainError::AmendmentsClosed {
                incident: "INC-7".into(),
                resolved_at_ms: HOUR_MS,
                now_ms: late + 1,
            })
        );
        let finalized = applied(resolved, 2 * HOUR_MS, Event::PostmortemFinalized);
        assert_eq!(
            amend_root_cause(&finalized, Some("expired certificate"), 3 * HOUR_MS),
            Err(DomainError::PostmortemFinal {
                incident: "INC-7".into(),
                at_ms: 2 * HOUR_MS,
                by: "alice".into(),
            })
        );
        assert!(finalize_postmortem(&finalized).is_err());
    }

    #[test]
    fn amending_the_root_cause_needs_a_new_one() {
        let resolved = resolved_at(HOUR_MS);
        let refusal = Err(DomainError::AlreadyResolved {
            incident: "INC-7".into(),
            at_ms: HOUR_MS,
        });
        assert_eq!(amend_root_cause(&resolved, None, HOUR_MS), refusal);
        assert_eq!(
            amend_root_cause(&resolved, Some(" bad migration "), HOUR_MS),
            refusal
        );
        let amended = applied(
            resolved,
            2 * HOUR_MS,
            Event::RootCauseAmended {
                root_cause: "expired certificate".into(),
            },
        );
        assert_eq!(
            amended.resolution.and_then(|r| r.root_cause).as_deref(),
            Some("expired certificate")
        );
    }

    #[test]
    fn only_a_resolved_incident_gets_a_final_post_mortem() {
        let open = incident(vec![step("Isolate", &[])]);
        assert_eq!(
            finalize_postmortem(&open),
            Err(DomainError::StillOpen {
                incident: "INC-7".into()
            })
        );
        assert_eq!(
            finalize_postmortem(&resolved_at(HOUR_MS)),
            Ok(Event::PostmortemFinalized)
        );
    }

    #[test]
    fn amendments_are_the_events_that_change_what_a_post_mortem_reports() {
        assert!(amends(&Event::NoteAdded { text: "x".into() }));
        assert!(amends(&Event::RootCauseAmended {
            root_cause: "x".into()
        }));
        assert!(!amends(&Event::PostmortemPosted));
        assert!(!amends(&Event::Reopened { reason: None }));
    }
}
