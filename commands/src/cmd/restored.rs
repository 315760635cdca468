//! `/incident restored`: mark services restored (service is back), which stops their RTO clocks.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "restored",
    usage: "/incident restored [INC-n] [service…]",
    summary: "Mark services restored: their RTO clocks stop; resolve the incident later.",
    help: concat!(
        "Name the services that are back (separated by commas or spaces, as the incident lists ",
        "them or abbreviated: db for Database); with none, every service of the incident. ",
        "Once every service is restored the incident is Monitoring. ",
        "INC-n can be left out where the incident is clear, such as in its own channel.\n",
        "Example: /incident restored Database",
    ),
};

/// Mark services restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub incident: Option<IncidentRef>,
    /// The services as typed, one per comma-separated part (`db`, `api gateway`); empty for all
    /// of the incident's services. The bot matches them against the incident's.
    pub services: Vec<String>,
}

impl Restored {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Restored, ErrorKind> {
        let incident = cursor.optional_incident()?;
        let services = cursor
            .rest_of_line()
            .map(|text| {
                text.split(',')
                    .map(str::trim)
                    .filter(|part| !part.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Restored { incident, services })
    }
}

impl fmt::Display for Restored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let services = self.services.join(", ");
        write!(
            f,
            "{}{}{}",
            SPEC.invocation(),
            Optional(self.incident),
            Optional((!services.is_empty()).then(|| canonical::free_text(&services)))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn restored(incident: Option<u64>, services: &[&str]) -> Result<Command, crate::ParseError> {
        Ok(Command::Restored(Restored {
            incident: incident.map(IncidentRef),
            services: services.iter().map(|s| s.to_string()).collect(),
        }))
    }

    #[test]
    fn services_are_optional_and_split_at_commas() {
        assert_eq!(parse_incident("restored"), restored(None, &[]));
        assert_eq!(parse_incident("restored INC-5"), restored(Some(5), &[]));
        assert_eq!(
            parse_incident("restored INC-5 db, api gateway ,"),
            restored(Some(5), &["db", "api gateway"])
        );
        assert_eq!(
            parse_incident("restored db api"),
            restored(None, &["db api"])
        );
    }

    #[test]
    fn prints_the_canonical_form() {
        assert_eq!(
            parse_incident("RESTORED inc-5 db,api").unwrap().to_string(),
            "/incident restored INC-5 db, api"
        );
        assert_eq!(
            parse_incident("restored").unwrap().to_string(),
            "/incident restored"
        );
    }

    #[test]
    fn explains_a_bad_reference() {
        assert_eq!(
            parse_incident("restored INC-x db").unwrap_err().to_string(),
            "`INC-x` is not an incident: use INC- and a number from 1, e.g. INC-3 \
             — usage: /incident restored [INC-n] [service…]"
        );
    }
}
