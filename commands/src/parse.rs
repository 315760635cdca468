//! The entry points: text typed after `/incident` or `/postmortem`, or a whole console line, to a
//! [`Command`]. Input is capped at [`MAX_INPUT_CHARS`] before anything else is read.

use crate::cmd::{Command, Help, Postmortem};
use crate::cursor::Cursor;
use crate::error::{ErrorKind, ParseError};
use crate::registry::CommandName;

/// The longest input read, in characters: the length of a Slack message.
pub const MAX_INPUT_CHARS: usize = 4000;

/// Reads the text after `/incident`. Empty text asks for help.
///
/// # Errors
/// A [`ParseError`] naming what is wrong, with the usage of the command meant when known.
pub fn parse_incident(text: &str) -> Result<Command, ParseError> {
    check_length(text)?;
    incident(text)
}

/// Reads the text after `/postmortem`.
///
/// # Errors
/// A [`ParseError`] naming what is wrong, with the usage of `/postmortem`.
pub fn parse_postmortem(text: &str) -> Result<Command, ParseError> {
    check_length(text)?;
    postmortem(text)
}

/// Reads a whole line such as `/incident open critical db-loss` or `/postmortem INC-3`, as typed
/// into the console. The slash commands are matched in any case.
///
/// # Errors
/// A [`ParseError`]; a line starting with neither slash command is [`ErrorKind::NotACommandLine`].
pub fn parse_line(line: &str) -> Result<Command, ParseError> {
    check_length(line)?;
    let line = line.trim_start();
    let (slash_command, arguments) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    if slash_command.eq_ignore_ascii_case("/incident") {
        incident(arguments)
    } else if slash_command.eq_ignore_ascii_case("/postmortem") {
        postmortem(arguments)
    } else {
        Err(ParseError::new(None, ErrorKind::NotACommandLine))
    }
}

fn check_length(text: &str) -> Result<(), ParseError> {
    let len = text.chars().count();
    if len > MAX_INPUT_CHARS {
        return Err(ParseError::new(
            None,
            ErrorKind::TooLong {
                len,
                limit: MAX_INPUT_CHARS,
            },
        ));
    }
    Ok(())
}

fn incident(text: &str) -> Result<Command, ParseError> {
    let mut cursor = Cursor::new(text);
    let word = cursor
        .next_word()
        .map_err(|kind| ParseError::new(None, kind))?;
    let Some(word) = word else {
        return Ok(Command::Help(Help { topic: None }));
    };
    let name = CommandName::lookup(word.text()).map_err(|kind| ParseError::new(None, kind))?;
    Command::parse(name, &mut cursor).map_err(|kind| ParseError::new(Some(name), kind))
}

fn postmortem(text: &str) -> Result<Command, ParseError> {
    Postmortem::parse(&mut Cursor::new(text))
        .map(Command::Postmortem)
        .map_err(|kind| ParseError::new(Some(CommandName::Postmortem), kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::List;
    use crate::incident_ref::IncidentRef;

    #[test]
    fn empty_incident_text_asks_for_help() {
        assert_eq!(parse_incident(""), Ok(Command::Help(Help { topic: None })));
        assert_eq!(
            parse_incident(" \n "),
            Ok(Command::Help(Help { topic: None }))
        );
        assert_eq!(
            parse_line("/incident"),
            Ok(Command::Help(Help { topic: None }))
        );
    }

    #[test]
    fn console_lines_start_with_a_slash_command_in_any_case() {
        assert_eq!(parse_line("  /INCIDENT\tlist "), Ok(Command::List(List)));
        assert_eq!(
            parse_line("/Postmortem INC-3"),
            Ok(Command::Postmortem(Postmortem {
                incident: Some(IncidentRef(3)),
                finalize: false,
            }))
        );
        for line in [
            "",
            "list",
            "incident list",
            "/incidentlist",
            "/inc list",
            "/postmortemINC-3",
        ] {
            assert_eq!(
                parse_line(line).unwrap_err().to_string(),
                "commands start with /incident or /postmortem, e.g. /incident help",
                "{line}"
            );
        }
    }

    #[test]
    fn unknown_commands_get_did_you_mean() {
        let error = parse_incident("opne critical db-loss").unwrap_err();
        assert_eq!(error.command(), None);
        assert_eq!(error.usage(), None);
        assert_eq!(
            error.to_string(),
            "`opne` is not an /incident command — did you mean `open`? Commands: open, drill, \
             list, status, scenarios, help, step, choose, update, assign, severity, rpo, restored, \
             resolve, postmortem, reopen, cancel, followup, drills"
        );
    }

    #[test]
    fn an_unclosed_quote_before_the_command_has_no_usage() {
        assert_eq!(
            parse_incident("\"open critical").unwrap_err().to_string(),
            "a quote is opened but never closed: close it, or remove it"
        );
    }

    #[test]
    fn input_over_the_limit_is_refused_by_every_entry_point() {
        let long = format!("update {}", "é".repeat(MAX_INPUT_CHARS));
        let expected = "that command is 4007 characters long; the limit is 4000";
        assert_eq!(parse_incident(&long).unwrap_err().to_string(), expected);
        assert_eq!(parse_postmortem(&long).unwrap_err().to_string(), expected);
        assert_eq!(
            parse_line(&format!("/incident {long}"))
                .unwrap_err()
                .to_string(),
            "that command is 4017 characters long; the limit is 4000"
        );
    }

    #[test]
    fn input_at_the_limit_is_read() {
        let text = format!("update {}", "x".repeat(MAX_INPUT_CHARS - "update ".len()));
        assert!(parse_incident(&text).is_ok());
    }
}
