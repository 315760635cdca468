//! `/incident cancel`: close an incident that is not one (a false alarm, or a duplicate of another)
//! without resolving it.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "cancel",
    usage: "/incident cancel [INC-n] <reason>",
    summary: "Cancel a false alarm or a duplicate: closed without RESOLVED, follow-ups or RTO.",
    help: concat!(
        "The reason is the rest of the line. `duplicate of INC-3` (a note may follow) marks it a ",
        "duplicate of INC-3. A cancelled incident is left out of the RTO figures, and can be ",
        "reopened within 7 days. INC-n can be left out where the incident is clear.\n",
        "Example: /incident cancel duplicate of INC-3",
    ),
};

/// The word that starts a duplicate's reason: `duplicate of INC-3`.
const DUPLICATE: &str = "duplicate";

const MISSING_REASON: &str = "a reason, e.g. false alarm: the probe was misconfigured, or \
                              duplicate of INC-3";
const MISSING_ORIGINAL: &str = "the incident it duplicates, e.g. duplicate of INC-3";

/// Cancel an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancel {
    pub incident: Option<IncidentRef>,
    pub reason: CancelReason,
}

/// Why an incident is cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelReason {
    /// The same incident as another, still the one to work on; with an optional note.
    Duplicate {
        of: IncidentRef,
        note: Option<String>,
    },
    /// Not a real incident (a false alarm, opened by mistake), and why.
    FalseAlarm(String),
}

impl Cancel {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Cancel, ErrorKind> {
        let incident = cursor.optional_incident()?;
        let reason = match duplicate_of(cursor)? {
            Some(of) => CancelReason::Duplicate {
                of,
                note: cursor.rest_of_line(),
            },
            None => CancelReason::FalseAlarm(cursor.required_rest(MISSING_REASON)?),
        };
        Ok(Cancel { incident, reason })
    }
}

/// `duplicate of INC-3` (or `duplicate INC-3`), unquoted, at the start of the reason.
fn duplicate_of(cursor: &mut Cursor<'_>) -> Result<Option<IncidentRef>, ErrorKind> {
    if cursor
        .next_bare_if(|word| word.eq_ignore_ascii_case(DUPLICATE))
        .is_none()
    {
        return Ok(None);
    }
    cursor.next_bare_if(|word| word.eq_ignore_ascii_case("of"));
    cursor
        .optional_incident()?
        .map(Some)
        .ok_or(ErrorKind::Missing {
            what: MISSING_ORIGINAL,
        })
}

/// Whether free text would be read as the start of a duplicate's reason if written bare.
fn starts_like_a_duplicate(text: &str) -> bool {
    text.split_whitespace()
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case(DUPLICATE))
}

impl fmt::Display for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", SPEC.invocation(), Optional(self.incident))?;
        match &self.reason {
            CancelReason::Duplicate { of, note } => write!(
                f,
                " {DUPLICATE} of {of}{}",
                Optional(note.as_deref().map(canonical::free_text))
            ),
            CancelReason::FalseAlarm(reason) if starts_like_a_duplicate(reason) => {
                write!(f, " {}", canonical::quoted(reason))
            }
            CancelReason::FalseAlarm(reason) => write!(f, " {}", canonical::free_text(reason)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn cancel(text: &str) -> Cancel {
        match parse_incident(text) {
            Ok(Command::Cancel(cancel)) => cancel,
            other => panic!("{text}: {other:?}"),
        }
    }

    const USAGE: &str = " — usage: /incident cancel [INC-n] <reason>";

    #[test]
    fn reads_a_false_alarm_with_its_reason() {
        assert_eq!(
            cancel("cancel INC-4 false alarm: the probe was misconfigured"),
            Cancel {
                incident: Some(IncidentRef(4)),
                reason: CancelReason::FalseAlarm(
                    "false alarm: the probe was misconfigured".to_string()
                ),
            }
        );
        assert_eq!(cancel("cancel test page").incident, None);
    }

    #[test]
    fn reads_a_duplicate_and_its_original() {
        for text in [
            "cancel duplicate of INC-3",
            "CANCEL Duplicate Of inc-3",
            "cancel duplicate INC-3",
        ] {
            assert_eq!(
                cancel(text).reason,
                CancelReason::Duplicate {
                    of: IncidentRef(3),
                    note: None
                },
                "{text}"
            );
        }
        assert_eq!(
            cancel("cancel INC-4 duplicate of INC-3 opened from the second alert"),
            Cancel {
                incident: Some(IncidentRef(4)),
                reason: CancelReason::Duplicate {
                    of: IncidentRef(3),
                    note: Some("opened from the second alert".to_string())
                },
            }
        );
    }

    #[test]
    fn a_quoted_reason_is_never_a_duplicate() {
        let text = "cancel \"duplicate of INC-3\"";
        let read = cancel(text);
        assert_eq!(
            read.reason,
            CancelReason::FalseAlarm("duplicate of INC-3".to_string())
        );
        assert_eq!(read.to_string(), "/incident cancel \"duplicate of INC-3\"");
    }

    #[test]
    fn prints_the_canonical_form() {
        assert_eq!(
            cancel("cancel inc-4 duplicate of inc-3 INC-5 too").to_string(),
            "/incident cancel INC-4 duplicate of INC-3 \"INC-5 too\""
        );
        assert_eq!(
            cancel("cancel opened by mistake").to_string(),
            "/incident cancel opened by mistake"
        );
    }

    #[test]
    fn explains_what_is_missing() {
        assert_eq!(
            parse_incident("cancel INC-4").unwrap_err().to_string(),
            format!("`/incident cancel` needs {MISSING_REASON}{USAGE}")
        );
        assert_eq!(
            parse_incident("cancel duplicate of the breach")
                .unwrap_err()
                .to_string(),
            format!("`/incident cancel` needs {MISSING_ORIGINAL}{USAGE}")
        );
        assert_eq!(
            parse_incident("cancel duplicate of INC-x")
                .unwrap_err()
                .to_string(),
            format!("`INC-x` is not an incident: use INC- and a number from 1, e.g. INC-3{USAGE}")
        );
    }
}
