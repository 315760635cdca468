//! `/incident list`: the open incidents.

use std::fmt;

use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "list",
    usage: "/incident list",
    summary: "List the open incidents.",
    help: concat!(
        "Shows each open incident with its severity, scenario and how far its checklist has got.\n",
        "Example: /incident list",
    ),
};

/// List the open incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct List;

impl List {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<List, ErrorKind> {
        cursor.finish("no arguments")?;
        Ok(List)
    }
}

impl fmt::Display for List {
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
        assert_eq!(parse_incident(" LIST "), Ok(Command::List(List)));
        assert_eq!(List.to_string(), "/incident list");
        assert_eq!(
            parse_incident("list foo").unwrap_err().to_string(),
            "`list` takes no arguments, but got `foo` — usage: /incident list"
        );
    }
}
