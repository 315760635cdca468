//! `/incident drills`: the drill history of the channel.

use std::fmt;

use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "drills",
    usage: "/incident drills",
    summary: "List the drills finished in this channel, with their reports' numbers.",
    help: concat!(
        "Newest first: the scenario, who ran it, steps confirmed, steps over budget, ",
        "and the time to restore against the RTO.\n",
        "Example: /incident drills",
    ),
};

/// List the channel's drill history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drills;

impl Drills {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Drills, ErrorKind> {
        cursor.finish("no arguments")?;
        Ok(Drills)
    }
}

impl fmt::Display for Drills {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(SPEC.invocation())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    #[test]
    fn takes_no_arguments() {
        assert_eq!(parse_incident("drills"), Ok(Command::Drills(Drills)));
        assert_eq!(Drills.to_string(), "/incident drills");
        assert_eq!(
            parse_incident("drills all").unwrap_err().to_string(),
            "`drills` takes no arguments, but got `all` — usage: /incident drills"
        );
    }
}
