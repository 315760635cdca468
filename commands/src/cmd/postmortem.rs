//! `/postmortem` (also `/incident postmortem`): draft an incident's postmortem.

use std::fmt;

use crate::canonical::Optional;
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "postmortem",
    usage: "/postmortem [INC-n]",
    summary: "Draft the postmortem of an incident from its timeline.",
    help: concat!(
        "Also accepted as /incident postmortem [INC-n]. ",
        "INC-n can be left out where the incident is clear, such as in its own channel.\n",
        "Example: /postmortem INC-3",
    ),
};

/// Draft a postmortem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Postmortem {
    pub incident: Option<IncidentRef>,
}

impl Postmortem {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Postmortem, ErrorKind> {
        let incident = cursor.only_optional_incident()?;
        Ok(Postmortem { incident })
    }
}

impl fmt::Display for Postmortem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", SPEC.invocation(), Optional(self.incident))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, parse_line, parse_postmortem, Command};

    fn postmortem(incident: Option<u64>) -> Result<Command, crate::ParseError> {
        Ok(Command::Postmortem(Postmortem {
            incident: incident.map(IncidentRef),
        }))
    }

    #[test]
    fn is_read_after_postmortem_and_after_incident() {
        assert_eq!(parse_postmortem(""), postmortem(None));
        assert_eq!(parse_postmortem(" INC-3 "), postmortem(Some(3)));
        assert_eq!(parse_incident("postmortem INC-3"), postmortem(Some(3)));
        assert_eq!(parse_line("/postmortem INC-3"), postmortem(Some(3)));
    }

    #[test]
    fn prints_the_slash_command() {
        assert_eq!(
            parse_incident("postmortem inc-3").unwrap().to_string(),
            "/postmortem INC-3"
        );
        assert_eq!(parse_postmortem("").unwrap().to_string(), "/postmortem");
    }

    #[test]
    fn explains_extra_words() {
        assert_eq!(
            parse_postmortem("INC-3 now").unwrap_err().to_string(),
            "`postmortem` takes at most an incident like INC-3, but got `now` \
             — usage: /postmortem [INC-n]"
        );
        assert_eq!(
            parse_postmortem("INC-x").unwrap_err().to_string(),
            "`INC-x` is not an incident: use INC- and a number from 1, e.g. INC-3 \
             — usage: /postmortem [INC-n]"
        );
    }
}
