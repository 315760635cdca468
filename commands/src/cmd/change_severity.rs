//! `/incident severity`: raise or lower an incident's severity.

use std::fmt;

use crate::canonical::Optional;
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::severity::Severity;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "severity",
    usage: "/incident severity [INC-n] <severity>",
    summary: "Raise or lower an incident's severity.",
    help: concat!(
        "The severity is critical, high, medium or low (sev1 to sev4 and p1 to p4 work too). ",
        "INC-n can be left out where the incident is clear, such as in its own channel. ",
        "The new severity pages the roles it calls for, and status updates follow its cadence ",
        "(UPDATE_INTERVAL_<SEVERITY>): the post says so, with the next update's time.\n",
        "Example: /incident severity INC-3 high",
    ),
};

/// Change an incident's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeSeverity {
    pub incident: Option<IncidentRef>,
    pub severity: Severity,
}

impl ChangeSeverity {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<ChangeSeverity, ErrorKind> {
        let incident = cursor.optional_incident()?;
        let severity = cursor.severity()?;
        cursor.finish("only an incident and a severity")?;
        Ok(ChangeSeverity { incident, severity })
    }
}

impl fmt::Display for ChangeSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} {}",
            SPEC.invocation(),
            Optional(self.incident),
            self.severity
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    const USAGE: &str = " — usage: /incident severity [INC-n] <severity>";

    #[test]
    fn reads_an_optional_incident_and_a_severity() {
        assert_eq!(
            parse_incident("severity INC-3 P2"),
            Ok(Command::Severity(ChangeSeverity {
                incident: Some(IncidentRef(3)),
                severity: Severity::High
            }))
        );
        assert_eq!(
            parse_incident("severity low").unwrap().to_string(),
            "/incident severity low"
        );
    }

    #[test]
    fn explains_mistakes() {
        let error = |text| parse_incident(text).unwrap_err().to_string();
        assert_eq!(
            error("severity INC-3"),
            format!("`/incident severity` needs a severity{USAGE}")
        );
        assert_eq!(
            error("severity urgent"),
            format!("`urgent` is not a severity: use critical, high, medium or low{USAGE}")
        );
        assert_eq!(
            error("severity high now"),
            format!("`severity` takes only an incident and a severity, but got `now`{USAGE}")
        );
    }
}
