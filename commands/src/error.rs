//! What can be wrong with a typed command. A [`ParseError`] keeps the command the user meant, so its
//! message can say what was wrong and show that command's usage line.

use std::fmt;

use crate::cmd::{RequiredNote, StepAction};
use crate::registry::CommandName;

/// A command that could not be read: what was wrong, and which command was meant, if known.
///
/// Its `Display` is the reply to show the user: `<what was wrong> — usage: <usage line>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    command: Option<CommandName>,
    kind: ErrorKind,
}

/// The ways a command can be wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is longer than commands may be.
    TooLong { len: usize, limit: usize },
    /// A console line that starts with neither `/incident` nor `/postmortem`.
    NotACommandLine,
    /// The word after `/incident` (or after `help`) names no command.
    UnknownCommand {
        word: String,
        suggestion: Option<CommandName>,
    },
    /// A quote opened and never closed.
    UnclosedQuote,
    /// A required argument is not there; `what` reads like `a severity`.
    Missing { what: &'static str },
    /// A word that is not the kind of thing expected in its place.
    NotA {
        word: String,
        what: &'static str,
        choices: &'static str,
    },
    /// Words after everything the command takes; `takes` reads like `no arguments`.
    TooMany { takes: &'static str, extra: String },
    /// A step action that needs a note (a reason to skip, what failed) given none.
    NoteRequired {
        action: StepAction,
        note: RequiredNote,
    },
    /// `@here`, `@everyone`, a role mention or the like where one person is expected.
    GroupMention { word: String },
}

impl ParseError {
    pub(crate) fn new(command: Option<CommandName>, kind: ErrorKind) -> ParseError {
        ParseError { command, kind }
    }

    /// The command the user meant, when the text got that far.
    pub fn command(&self) -> Option<CommandName> {
        self.command
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The usage line of the command the user meant, when the text got that far.
    pub fn usage(&self) -> Option<&'static str> {
        self.command.map(|command| command.spec().usage)
    }

    fn write_problem(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::TooLong { len, limit } => write!(
                f,
                "that command is {len} characters long; the limit is {limit}"
            ),
            ErrorKind::NotACommandLine => {
                f.write_str("commands start with /incident or /postmortem, e.g. /incident help")
            }
            ErrorKind::UnknownCommand { word, suggestion } => {
                write!(f, "`{word}` is not an /incident command")?;
                match suggestion {
                    Some(suggestion) => write!(f, " — did you mean `{suggestion}`?")?,
                    None => f.write_str(".")?,
                }
                f.write_str(" Commands: ")?;
                write_command_names(f)
            }
            ErrorKind::UnclosedQuote => {
                f.write_str("a quote is opened but never closed: close it, or remove it")
            }
            ErrorKind::Missing { what } => {
                let invocation = self.command.map_or("/incident", |c| c.spec().invocation());
                write!(f, "`{invocation}` needs {what}")
            }
            ErrorKind::NotA {
                word,
                what,
                choices,
            } => write!(f, "`{word}` is not {what}: use {choices}"),
            ErrorKind::TooMany { takes, extra } => {
                let name = self.command.map_or("/incident", CommandName::as_str);
                write!(f, "`{name}` takes {takes}, but got `{extra}`")
            }
            ErrorKind::NoteRequired { action, note } => write!(
                f,
                "`{action}` needs {}, e.g. /incident step {action} {}",
                note.what, note.example
            ),
            ErrorKind::GroupMention { word } => write!(
                f,
                "`{word}` is not a person: assign the role to one user, e.g. <@U024BE7LH>"
            ),
        }
    }
}

/// `open, drill, list, …, postmortem`.
fn write_command_names(f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (position, name) in CommandName::ALL.into_iter().enumerate() {
        if position > 0 {
            f.write_str(", ")?;
        }
        f.write_str(name.as_str())?;
    }
    Ok(())
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_problem(f)?;
        match self.usage() {
            Some(usage) => write!(f, " — usage: {usage}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(command: Option<CommandName>, kind: ErrorKind) -> String {
        ParseError::new(command, kind).to_string()
    }

    #[test]
    fn names_the_bad_word_and_shows_the_usage() {
        let kind = ErrorKind::NotA {
            word: "critcal".to_string(),
            what: "a severity",
            choices: "critical, high, medium or low",
        };
        assert_eq!(
            message(Some(CommandName::Open), kind),
            "`critcal` is not a severity: use critical, high, medium or low \
             — usage: /incident open <severity> <scenario> [--services a,b] [--new] \
             [description]"
        );
    }

    #[test]
    fn missing_arguments_name_the_command_invocation() {
        let kind = ErrorKind::Missing { what: "a severity" };
        assert_eq!(
            message(Some(CommandName::Open), kind),
            "`/incident open` needs a severity \
             — usage: /incident open <severity> <scenario> [--services a,b] [--new] \
             [description]"
        );
    }

    #[test]
    fn extra_words_name_the_command() {
        let kind = ErrorKind::TooMany {
            takes: "no arguments",
            extra: "foo".to_string(),
        };
        assert_eq!(
            message(Some(CommandName::List), kind),
            "`list` takes no arguments, but got `foo` — usage: /incident list"
        );
    }

    #[test]
    fn unknown_commands_get_a_suggestion_and_the_list() {
        let kind = ErrorKind::UnknownCommand {
            word: "opne".to_string(),
            suggestion: Some(CommandName::Open),
        };
        assert_eq!(
            message(None, kind),
            "`opne` is not an /incident command — did you mean `open`? Commands: open, drill, \
             list, status, scenarios, help, step, choose, update, assign, severity, rpo, restored, \
             resolve, postmortem, reopen, cancel, followup, drills"
        );
        let kind = ErrorKind::UnknownCommand {
            word: "banana".to_string(),
            suggestion: None,
        };
        assert!(message(None, kind)
            .starts_with("`banana` is not an /incident command. Commands: open,"));
    }

    #[test]
    fn errors_without_a_command_have_no_usage() {
        let error = ParseError::new(None, ErrorKind::NotACommandLine);
        assert_eq!(error.usage(), None);
        assert_eq!(
            error.to_string(),
            "commands start with /incident or /postmortem, e.g. /incident help"
        );
        assert_eq!(
            message(
                None,
                ErrorKind::TooLong {
                    len: 4001,
                    limit: 4000
                }
            ),
            "that command is 4001 characters long; the limit is 4000"
        );
    }

    #[test]
    fn step_notes_and_group_mentions_say_what_to_do() {
        assert_eq!(
            message(
                Some(CommandName::Step),
                ErrorKind::NoteRequired {
                    action: StepAction::Skip,
                    note: RequiredNote {
                        what: "a reason",
                        example: "backups verified yesterday"
                    }
                }
            ),
            "`skip` needs a reason, e.g. /incident step skip backups verified yesterday \
             — usage: /incident step [INC-n] [step-number] done|skip|fail|retry [note]"
        );
        assert_eq!(
            message(
                Some(CommandName::Assign),
                ErrorKind::GroupMention {
                    word: "@everyone".to_string()
                }
            ),
            "`@everyone` is not a person: assign the role to one user, e.g. <@U024BE7LH> \
             — usage: /incident assign [INC-n] <role> <@user>"
        );
    }

    #[test]
    fn exposes_the_command_and_its_usage() {
        let error = ParseError::new(Some(CommandName::Rpo), ErrorKind::UnclosedQuote);
        assert_eq!(error.command(), Some(CommandName::Rpo));
        assert_eq!(error.kind(), &ErrorKind::UnclosedQuote);
        assert_eq!(
            error.usage(),
            Some("/incident rpo [INC-n] <time of last good data>")
        );
    }
}
