//! `/incident resolve`: mark an incident resolved.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "resolve",
    usage: "/incident resolve [INC-n] [root cause]",
    summary: "Mark an incident resolved, with its root cause if known.",
    help: concat!(
        "The root cause is the rest of the line. ",
        "INC-n can be written as its number when nothing follows it (resolve 3), or left out ",
        "where the incident is clear, such as in its own channel.\n",
        "Example: /incident resolve Expired TLS certificate on the primary",
    ),
};

/// Mark an incident resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolve {
    pub incident: Option<IncidentRef>,
    pub root_cause: Option<String>,
}

impl Resolve {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Resolve, ErrorKind> {
        Ok(Resolve {
            incident: cursor.optional_incident_or_lone_number()?,
            root_cause: cursor.rest_of_line(),
        })
    }
}

impl fmt::Display for Resolve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            SPEC.invocation(),
            Optional(self.incident),
            Optional(
                self.root_cause
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

    fn resolve(
        incident: Option<u64>,
        root_cause: Option<&str>,
    ) -> Result<Command, crate::ParseError> {
        Ok(Command::Resolve(Resolve {
            incident: incident.map(IncidentRef),
            root_cause: root_cause.map(str::to_string),
        }))
    }

    #[test]
    fn root_cause_is_optional() {
        assert_eq!(parse_incident("resolve"), resolve(None, None));
        assert_eq!(parse_incident("resolve INC-9"), resolve(Some(9), None));
        assert_eq!(parse_incident("resolve 9"), resolve(Some(9), None));
        assert_eq!(
            parse_incident("resolve 3 disks failed at once"),
            resolve(None, Some("3 disks failed at once"))
        );
        assert_eq!(
            parse_incident("resolve INC-9 Expired TLS certificate"),
            resolve(Some(9), Some("Expired TLS certificate"))
        );
    }

    #[test]
    fn prints_the_canonical_form() {
        assert_eq!(
            parse_incident("resolve inc-9 “--force was used”")
                .unwrap()
                .to_string(),
            "/incident resolve INC-9 \"--force was used\""
        );
        assert_eq!(
            parse_incident("resolve \"9\"").unwrap().to_string(),
            "/incident resolve \"9\""
        );
    }

    #[test]
    fn explains_a_bad_reference() {
        assert_eq!(
            parse_incident("resolve INC-nine").unwrap_err().to_string(),
            "`INC-nine` is not an incident: use INC- and a number from 1, e.g. INC-3 \
             — usage: /incident resolve [INC-n] [root cause]"
        );
    }
}
