//! `/incident status`: where an incident stands.

use std::fmt;

use crate::canonical::Optional;
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "status",
    usage: "/incident status [INC-n]",
    summary: "Show an incident's checklist, timers and roles.",
    help: concat!(
        "INC-n can be written as its number (3 for INC-3), or left out where the incident is ",
        "clear, such as in its own channel.\n",
        "Example: /incident status INC-3",
    ),
};

/// Show where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub incident: Option<IncidentRef>,
}

impl Status {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Status, ErrorKind> {
        let incident = cursor.only_optional_incident()?;
        Ok(Status { incident })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", SPEC.invocation(), Optional(self.incident))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn status(incident: Option<u64>) -> Result<Command, crate::ParseError> {
        Ok(Command::Status(Status {
            incident: incident.map(IncidentRef),
        }))
    }

    #[test]
    fn takes_an_optional_incident() {
        assert_eq!(parse_incident("status"), status(None));
        assert_eq!(parse_incident("status inc-3"), status(Some(3)));
        assert_eq!(parse_incident("status 3"), status(Some(3)));
        assert_eq!(
            parse_incident("status INC-3").unwrap().to_string(),
            "/incident status INC-3"
        );
    }

    #[test]
    fn explains_bad_references_and_extra_words() {
        assert_eq!(
            parse_incident("status INC-0").unwrap_err().to_string(),
            "`INC-0` is not an incident: use INC- and a number from 1, e.g. INC-3 \
             — usage: /incident status [INC-n]"
        );
        assert_eq!(
            parse_incident("status 0").unwrap_err().to_string(),
            "`0` is not an incident: use INC- and a number from 1, e.g. INC-3 \
             — usage: /incident status [INC-n]"
        );
        assert_eq!(
            parse_incident("status 3 now").unwrap_err().to_string(),
            "`status` takes at most an incident like INC-3, but got `now` \
             — usage: /incident status [INC-n]"
        );
    }
}
