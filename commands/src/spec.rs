//! The written-once description of a command: its name, usage line, summary and help. Error messages
//! and `/incident help` are built from these, so the syntax a user is shown is the syntax parsed.

/// How one command is written and what it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    /// The word that selects the command: `open`.
    pub name: &'static str,
    /// The usage line: `/incident open <severity> <scenario> [--services a,b] [--new] [description]`.
    pub usage: &'static str,
    /// One line saying what the command does.
    pub summary: &'static str,
    /// A few lines of details, ending with an example.
    pub help: &'static str,
}

impl CommandSpec {
    /// The usage line up to the first argument: `/incident open`, `/postmortem`.
    pub fn invocation(&self) -> &'static str {
        let usage = self.usage;
        let first_argument = [" <", " ["]
            .iter()
            .filter_map(|marker| usage.find(marker))
            .min()
            .unwrap_or(usage.len());
        usage.get(..first_argument).unwrap_or(usage)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(usage: &'static str) -> CommandSpec {
        CommandSpec {
            name: "x",
            usage,
            summary: "",
            help: "",
        }
    }

    #[test]
    fn invocation_stops_at_the_first_argument() {
        assert_eq!(
            spec("/incident open <severity> [x]").invocation(),
            "/incident open"
        );
        assert_eq!(
            spec("/incident status [INC-n]").invocation(),
            "/incident status"
        );
        assert_eq!(spec("/incident list").invocation(), "/incident list");
        assert_eq!(spec("/postmortem [INC-n]").invocation(), "/postmortem");
    }
}
