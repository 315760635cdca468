//! `/incident scenarios`: the scenarios the runbook covers.

use std::fmt;

use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "scenarios",
    usage: "/incident scenarios",
    summary: "List the scenarios the runbook covers.",
    help: concat!(
        "Each scenario is a runbook section that /incident open and /incident drill can start.\n",
        "Example: /incident scenarios",
    ),
};

/// List the runbook's scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenarios;

impl Scenarios {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Scenarios, ErrorKind> {
        cursor.finish("no arguments")?;
        Ok(Scenarios)
    }
}

impl fmt::Display for Scenarios {
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
        assert_eq!(
            parse_incident("scenarios"),
            Ok(Command::Scenarios(Scenarios))
        );
        assert_eq!(Scenarios.to_string(), "/incident scenarios");
        assert_eq!(
            parse_incident("scenarios all").unwrap_err().to_string(),
            "`scenarios` takes no arguments, but got `all` — usage: /incident scenarios"
        );
    }
}
