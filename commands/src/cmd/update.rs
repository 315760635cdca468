//! `/incident update`: post a status update to the incident timeline.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "update",
    usage: "/incident update [INC-n] <text>",
    summary: "Post a status update to the incident timeline.",
    help: concat!(
        "The text is the rest of the line; quote it if it starts with INC-. ",
        "INC-n can be left out where the incident is clear, such as in its own channel.\n",
        "Example: /incident update Failover to the replica is under way",
    ),
};

/// Post a status update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub incident: Option<IncidentRef>,
    pub text: String,
}

impl Update {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Update, ErrorKind> {
        Ok(Update {
            incident: cursor.optional_incident()?,
            text: cursor.required_rest("the text of the update")?,
        })
    }
}

impl fmt::Display for Update {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} {}",
            SPEC.invocation(),
            Optional(self.incident),
            canonical::free_text(&self.text)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn update(incident: Option<u64>, text: &str) -> Result<Command, crate::ParseError> {
        Ok(Command::Update(Update {
            incident: incident.map(IncidentRef),
            text: text.to_string(),
        }))
    }

    #[test]
    fn reads_the_text_as_typed() {
        assert_eq!(
            parse_incident("update INC-1 Failover  under way, \"ETA\" 10m"),
            update(Some(1), "Failover  under way, \"ETA\" 10m")
        );
        assert_eq!(
            parse_incident("update \"INC-2 is related\""),
            update(None, "INC-2 is related")
        );
    }

    #[test]
    fn quotes_text_that_would_read_as_an_incident() {
        let command = parse_incident("update \"INC-2 is related\"").unwrap();
        assert_eq!(command.to_string(), "/incident update \"INC-2 is related\"");
    }

    #[test]
    fn needs_text() {
        assert_eq!(
            parse_incident("update INC-1  ").unwrap_err().to_string(),
            "`/incident update` needs the text of the update — usage: /incident update [INC-n] <text>"
        );
    }
}
