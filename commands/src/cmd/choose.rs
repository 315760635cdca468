//! `/incident choose`: pick an option at a decision point of the runbook.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "choose",
    usage: "/incident choose [INC-n] <option>",
    summary: "Pick an option at a decision point of the runbook.",
    help: concat!(
        "The option is its letter or its words, as the checklist shows them. ",
        "INC-n can be left out where the incident is clear, such as in its own channel.\n",
        "Example: /incident choose B",
    ),
};

/// Pick an option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choose {
    pub incident: Option<IncidentRef>,
    /// The option as typed (`A`, `point-in-time recovery`); the bot matches it.
    pub option: String,
}

impl Choose {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Choose, ErrorKind> {
        Ok(Choose {
            incident: cursor.optional_incident()?,
            option: cursor.required_rest("an option, e.g. A")?,
        })
    }
}

impl fmt::Display for Choose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} {}",
            SPEC.invocation(),
            Optional(self.incident),
            canonical::free_text(&self.option)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn choose(incident: Option<u64>, option: &str) -> Result<Command, crate::ParseError> {
        Ok(Command::Choose(Choose {
            incident: incident.map(IncidentRef),
            option: option.to_string(),
        }))
    }

    #[test]
    fn reads_the_option_as_the_rest_of_the_line() {
        assert_eq!(parse_incident("choose b"), choose(None, "b"));
        assert_eq!(
            parse_incident("choose INC-4  point-in-time recovery "),
            choose(Some(4), "point-in-time recovery")
        );
        assert_eq!(
            parse_incident("choose INC-4 b").unwrap().to_string(),
            "/incident choose INC-4 b"
        );
    }

    #[test]
    fn needs_an_option() {
        assert_eq!(
            parse_incident("choose INC-4").unwrap_err().to_string(),
            "`/incident choose` needs an option, e.g. A — usage: /incident choose [INC-n] <option>"
        );
    }
}
