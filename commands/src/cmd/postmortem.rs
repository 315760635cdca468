//! `/postmortem` (also `/incident postmortem`): draft an incident's postmortem, or mark it final.

use std::fmt;

use crate::canonical::Optional;
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "postmortem",
    usage: "/postmortem [INC-n] [final]",
    summary: "Draft the postmortem of an incident from its timeline.",
    help: concat!(
        "Also accepted as /incident postmortem [INC-n]. ",
        "INC-n can be written as its number (3 for INC-3), or left out where the incident is ",
        "clear, such as in its own channel. ",
        "For 30 days after resolve, rpo, update, assign and resolve <root cause> still amend ",
        "an incident; final marks its postmortem final and ends that.\n",
        "Example: /postmortem INC-3",
    ),
};

/// The word that marks the postmortem final.
pub(crate) const FINAL: &str = "final";

/// Draft a postmortem, or mark it final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Postmortem {
    pub incident: Option<IncidentRef>,
    /// `final`: no more amendments after resolve.
    pub finalize: bool,
}

impl Postmortem {
    /// `[INC-n] [final]`, also written `final INC-n`.
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Postmortem, ErrorKind> {
        let is_final = |word: &str| word.eq_ignore_ascii_case(FINAL);
        let final_first = cursor.next_bare_if(is_final).is_some();
        let incident = cursor.optional_incident_or_number()?;
        let finalize = final_first || cursor.next_bare_if(is_final).is_some();
        cursor.finish("at most an incident like INC-3, and final")?;
        Ok(Postmortem { incident, finalize })
    }
}

impl fmt::Display for Postmortem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{}",
            SPEC.invocation(),
            Optional(self.incident),
            Optional(self.finalize.then_some(FINAL))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, parse_line, parse_postmortem, Command};

    fn postmortem(incident: Option<u64>) -> Result<Command, crate::ParseError> {
        Ok(Command::Postmortem(Postmortem {
            incident: incident.map(IncidentRef),
            finalize: false,
        }))
    }

    fn finalized(incident: Option<u64>) -> Result<Command, crate::ParseError> {
        Ok(Command::Postmortem(Postmortem {
            incident: incident.map(IncidentRef),
            finalize: true,
        }))
    }

    #[test]
    fn is_read_after_postmortem_and_after_incident() {
        assert_eq!(parse_postmortem(""), postmortem(None));
        assert_eq!(parse_postmortem(" INC-3 "), postmortem(Some(3)));
        assert_eq!(parse_incident("postmortem INC-3"), postmortem(Some(3)));
        assert_eq!(parse_line("/postmortem INC-3"), postmortem(Some(3)));
        assert_eq!(parse_line("/postmortem 3"), postmortem(Some(3)));
        assert_eq!(parse_incident("postmortem 3 final"), finalized(Some(3)));
    }

    #[test]
    fn final_goes_before_or_after_the_incident() {
        assert_eq!(parse_postmortem("final"), finalized(None));
        assert_eq!(parse_postmortem("FINAL INC-3"), finalized(Some(3)));
        assert_eq!(parse_line("/postmortem INC-3 final"), finalized(Some(3)));
        assert_eq!(
            parse_incident("postmortem final inc-3")
                .unwrap()
                .to_string(),
            "/postmortem INC-3 final"
        );
        assert_eq!(
            parse_postmortem("\"final\"").unwrap_err().to_string(),
            "`postmortem` takes at most an incident like INC-3, and final, but got `\"final\"` \
             — usage: /postmortem [INC-n] [final]"
        );
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
            "`postmortem` takes at most an incident like INC-3, and final, but got `now` \
             — usage: /postmortem [INC-n] [final]"
        );
        assert_eq!(
            parse_postmortem("INC-x").unwrap_err().to_string(),
            "`INC-x` is not an incident: use INC- and a number from 1, e.g. INC-3 \
             — usage: /postmortem [INC-n] [final]"
        );
    }
}
