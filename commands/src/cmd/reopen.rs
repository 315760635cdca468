//! `/incident reopen`: reopen an incident closed in the last days.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "reopen",
    usage: "/incident reopen [INC-n] [reason]",
    summary: "Reopen an incident resolved or cancelled in the last 7 days.",
    help: concat!(
        "Updates, RTO warnings and nudges resume where they were; the follow-ups scheduled at ",
        "resolve are withdrawn. The reason is the rest of the line, kept on the timeline. ",
        "INC-n can be written as its number when nothing follows it (reopen 3), or left out ",
        "when the incident is the channel's latest.\n",
        "Example: /incident reopen INC-3 errors are back after the failover",
    ),
};

/// Reopen a closed incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reopen {
    pub incident: Option<IncidentRef>,
    pub reason: Option<String>,
}

impl Reopen {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Reopen, ErrorKind> {
        Ok(Reopen {
            incident: cursor.optional_incident_or_lone_number()?,
            reason: cursor.rest_of_line(),
        })
    }
}

impl fmt::Display for Reopen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            SPEC.invocation(),
            Optional(self.incident),
            Optional(
                self.reason
                    .as_deref()
                    .map(canonical::free_text_after_incident)
            )
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn reopen(incident: Option<u64>, reason: Option<&str>) -> Result<Command, crate::ParseError> {
        Ok(Command::Reopen(Reopen {
            incident: incident.map(IncidentRef),
            reason: reason.map(str::to_string),
        }))
    }

    #[test]
    fn incident_and_reason_are_optional() {
        assert_eq!(parse_incident("reopen"), reopen(None, None));
        assert_eq!(parse_incident("REOPEN inc-3"), reopen(Some(3), None));
        assert_eq!(parse_incident("reopen 3"), reopen(Some(3), None));
        assert_eq!(
            parse_incident("reopen 2 services still fail"),
            reopen(None, Some("2 services still fail"))
        );
        assert_eq!(
            parse_incident("reopen INC-3 errors are back"),
            reopen(Some(3), Some("errors are back"))
        );
        assert_eq!(
            parse_incident("reopen errors are back"),
            reopen(None, Some("errors are back"))
        );
    }

    #[test]
    fn prints_the_canonical_form() {
        assert_eq!(
            parse_incident("reopen inc-3 \"INC-4 was not the cause\"")
                .unwrap()
                .to_string(),
            "/incident reopen INC-3 \"INC-4 was not the cause\""
        );
    }

    #[test]
    fn explains_a_bad_reference() {
        assert_eq!(
            parse_incident("reopen INC-x").unwrap_err().to_string(),
            "`INC-x` is not an incident: use INC- and a number from 1, e.g. INC-3 \
             — usage: /incident reopen [INC-n] [reason]"
        );
    }
}
