//! `/incident rpo`: record when the last good data was written.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::rpo_point::RpoPoint;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "rpo",
    usage: "/incident rpo [INC-n] <time of last good data>",
    summary: "Record when the last good data was written, to measure data loss.",
    help: concat!(
        "Give a UTC time of day (14:30), a UTC date and time (2026-11-25 14:30), ",
        "a time with an offset (2026-11-25T14:30:00+01:00) or a span before now (10m ago). ",
        "INC-n can be left out where the incident is clear, such as in its own channel.\n",
        "Example: /incident rpo 10 minutes ago",
    ),
};

/// Record the recovery point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rpo {
    pub incident: Option<IncidentRef>,
    pub last_good_data: RpoPoint,
}

impl Rpo {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Rpo, ErrorKind> {
        let incident = cursor.optional_incident()?;
        let text = cursor.required_rest("the time of the last good data, e.g. 14:30 or 10m ago")?;
        let last_good_data = RpoPoint::parse(&text).ok_or(ErrorKind::NotA {
            word: text,
            what: "a time of last good data",
            choices: RpoPoint::FORMS,
        })?;
        Ok(Rpo {
            incident,
            last_good_data,
        })
    }
}

impl fmt::Display for Rpo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} {}",
            SPEC.invocation(),
            Optional(self.incident),
            canonical::free_text(&self.last_good_data.to_string())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn point(text: &str) -> RpoPoint {
        match parse_incident(text) {
            Ok(Command::Rpo(rpo)) => rpo.last_good_data,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn reads_the_rest_of_the_line_as_a_time() {
        assert_eq!(point("rpo INC-2 10 minutes ago"), RpoPoint::Ago(600));
        assert_eq!(point("rpo \"14:30\""), RpoPoint::parse("14:30").unwrap());
        assert_eq!(
            parse_incident("rpo INC-2 2026-11-25T14:30:00+01:00")
                .unwrap()
                .to_string(),
            "/incident rpo INC-2 2026-11-25 13:30:00"
        );
    }

    #[test]
    fn explains_what_times_it_accepts() {
        assert_eq!(
            parse_incident("rpo yesterday").unwrap_err().to_string(),
            "`yesterday` is not a time of last good data: use a UTC time such as 14:30, \
             2026-11-25 14:30 or 2026-11-25T14:30:00+01:00, or a span such as 10m ago \
             — usage: /incident rpo [INC-n] <time of last good data>"
        );
        assert_eq!(
            parse_incident("rpo INC-2").unwrap_err().to_string(),
            "`/incident rpo` needs the time of the last good data, e.g. 14:30 or 10m ago \
             — usage: /incident rpo [INC-n] <time of last good data>"
        );
    }
}
