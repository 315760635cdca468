//! `/incident assign`: give an incident role to one person.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::mention::Mention;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "assign",
    usage: "/incident assign [INC-n] <role> <@user>",
    summary: "Give an incident role to one person.",
    help: concat!(
        "The role, such as commander, comms or scribe, is one word or a quoted phrase. ",
        "Mention one person; @here, @channel and @everyone are not accepted. ",
        "INC-n can be left out where the incident is clear, such as in its own channel.\n",
        "Example: /incident assign commander @alice",
    ),
};

const MISSING_ROLE: &str = "a role before the user, e.g. commander";

/// Give a role to someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    pub incident: Option<IncidentRef>,
    /// The role as typed; the bot matches it to the runbook's roles.
    pub role: String,
    pub assignee: Mention,
}

impl Assign {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Assign, ErrorKind> {
        let incident = cursor.optional_incident()?;
        let role = cursor.required_word(MISSING_ROLE)?;
        if let Some(mention) = role.bare().filter(|word| Mention::looks_like(word)) {
            // The role was left out: report a group ping first, as that is the bigger mistake.
            Mention::parse(mention)?;
            return Err(ErrorKind::Missing { what: MISSING_ROLE });
        }
        let user = cursor.required_word("the user to assign, e.g. @alice")?;
        let assignee = Mention::parse(user.text())?;
        cursor.finish("a role and one user")?;
        Ok(Assign {
            incident,
            role: role.into_text(),
            assignee,
        })
    }
}

impl fmt::Display for Assign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} {} {}",
            SPEC.invocation(),
            Optional(self.incident),
            canonical::word(&self.role),
            self.assignee
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn assign(text: &str) -> Assign {
        match parse_incident(text) {
            Ok(Command::Assign(assign)) => assign,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn error(text: &str) -> String {
        parse_incident(text).unwrap_err().to_string()
    }

    const USAGE: &str = " — usage: /incident assign [INC-n] <role> <@user>";

    #[test]
    fn reads_role_and_mention() {
        assert_eq!(
            assign("assign INC-5 commander <@U024BE7LH|alice>"),
            Assign {
                incident: Some(IncidentRef(5)),
                role: "commander".to_string(),
                assignee: Mention::User("U024BE7LH".to_string())
            }
        );
        let quoted = assign("assign \"comms lead\" @bob");
        assert_eq!(quoted.role, "comms lead");
        assert_eq!(quoted.to_string(), "/incident assign \"comms lead\" @bob");
        assert_eq!(
            assign("assign scribe <@!42>").to_string(),
            "/incident assign scribe <@42>"
        );
    }

    #[test]
    fn refuses_group_pings() {
        for ping in ["@everyone", "<!here>", "<@&123>"] {
            let expected = format!(
                "`{ping}` is not a person: assign the role to one user, e.g. <@U024BE7LH>{USAGE}"
            );
            assert_eq!(error(&format!("assign commander {ping}")), expected);
            assert_eq!(error(&format!("assign {ping}")), expected);
        }
    }

    #[test]
    fn explains_missing_and_extra_arguments() {
        assert_eq!(
            error("assign <@U1>"),
            format!("`/incident assign` needs {MISSING_ROLE}{USAGE}")
        );
        assert_eq!(
            error("assign"),
            format!("`/incident assign` needs {MISSING_ROLE}{USAGE}")
        );
        assert_eq!(
            error("assign commander"),
            format!("`/incident assign` needs the user to assign, e.g. @alice{USAGE}")
        );
        assert_eq!(
            error("assign commander alice"),
            format!(
                "`alice` is not a user mention: use one person, e.g. <@U024BE7LH> or @alice{USAGE}"
            )
        );
        assert_eq!(
            error("assign commander @alice @bob"),
            format!("`assign` takes a role and one user, but got `@bob`{USAGE}")
        );
    }
}
