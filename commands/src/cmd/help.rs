//! `/incident help`: every command's usage, or one command's full help, built from the specs.

use std::fmt;

use crate::canonical::Optional;
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::registry::{specs, CommandName};
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "help",
    usage: "/incident help [command]",
    summary: "Show every command, or the full help of one.",
    help: concat!(
        "With a command name, shows that command's usage, details and an example.\n",
        "Example: /incident help step",
    ),
};

/// Show help: for every command, or for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Help {
    pub topic: Option<CommandName>,
}

impl Help {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Help, ErrorKind> {
        let topic = cursor
            .optional_word("a command name inside the quotes")?
            .map(|word| CommandName::lookup(word.text()))
            .transpose()?;
        cursor.finish("at most one command name")?;
        Ok(Help { topic })
    }

    /// The help to reply with.
    pub fn text(&self) -> String {
        match self.topic {
            Some(topic) => command_help(topic.spec()),
            None => overview(),
        }
    }
}

/// Every usage line with its summary.
fn overview() -> String {
    let commands: String = specs()
        .map(|spec| format!("{}\n    {}\n", spec.usage, spec.summary))
        .collect();
    format!(
        "Incident commands:\n{commands}\
         Type /incident help <command> for details, e.g. /incident help step."
    )
}

/// One command's usage, summary and details.
fn command_help(spec: &CommandSpec) -> String {
    format!("{}\n{}\n{}", spec.usage, spec.summary, spec.help)
}

impl fmt::Display for Help {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", SPEC.invocation(), Optional(self.topic))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn help(topic: Option<CommandName>) -> Result<Command, crate::ParseError> {
        Ok(Command::Help(Help { topic }))
    }

    #[test]
    fn reads_an_optional_topic_in_any_case() {
        assert_eq!(parse_incident(""), help(None));
        assert_eq!(parse_incident("help"), help(None));
        assert_eq!(parse_incident("HELP Step"), help(Some(CommandName::Step)));
        assert_eq!(
            parse_incident("help postmortem"),
            help(Some(CommandName::Postmortem))
        );
        assert_eq!(
            parse_incident("help step").unwrap().to_string(),
            "/incident help step"
        );
    }

    #[test]
    fn overview_lists_every_usage_and_summary() {
        let text = Help { topic: None }.text();
        for spec in specs() {
            assert!(text.contains(spec.usage), "{}", spec.name);
            assert!(text.contains(spec.summary), "{}", spec.name);
        }
    }

    #[test]
    fn topic_help_shows_usage_summary_and_example() {
        let text = Help {
            topic: Some(CommandName::Open),
        }
        .text();
        assert!(text.starts_with(
            "/incident open <severity> <scenario> [--services a,b] [--new] [description]\n\
             Declare an incident"
        ));
        assert!(text.contains("Example: /incident open critical"));
    }

    #[test]
    fn an_unknown_topic_lists_the_commands() {
        assert_eq!(
            parse_incident("help opne").unwrap_err().to_string(),
            "`opne` is not an /incident command — did you mean `open`? Commands: open, drill, \
             list, status, scenarios, help, step, choose, update, assign, severity, rpo, restored, \
             resolve, postmortem, reopen, cancel, followup, drills — usage: /incident help [command]"
        );
        assert_eq!(
            parse_incident("help foo").unwrap_err().to_string(),
            "`foo` is not an /incident command. Commands: open, drill, list, status, scenarios, \
             help, step, choose, update, assign, severity, rpo, restored, resolve, postmortem, \
             reopen, cancel, followup, drills — usage: /incident help [command]"
        );
        assert_eq!(
            parse_incident("help open now").unwrap_err().to_string(),
            "`help` takes at most one command name, but got `now` — usage: /incident help [command]"
        );
    }
}
