//! Writing a command from its arguments' values given by name, as a chat platform's form hands them
//! over, into the text that [`parse_incident`](crate::parse_incident) (or, for `/postmortem`,
//! [`parse_postmortem`](crate::parse_postmortem)) reads. The values are written in the usage line's
//! order with the quoting rules of `canonical.rs`, so whatever a form sends is checked by the same
//! parser, with the same messages, as typed text.

use crate::arguments::ArgumentKind;
use crate::canonical;
use crate::cmd::open::SERVICES_OPTION;
use crate::incident_ref::IncidentRef;
use crate::registry::CommandName;

/// The value given for one argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgumentValue {
    /// Text as typed or picked.
    Text(String),
    /// A whole number: an incident's (7 for `INC-7`) or a step's.
    Number(i64),
    /// A platform user id, written as the mention `<@id>`.
    User(String),
    /// Yes or no, for a flag (`--new`): written when yes, left out when no.
    Flag(bool),
}

/// A value given for an argument the command does not take: a form older or newer than the
/// language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}` has no argument called `{name}`", command.spec().invocation())]
pub struct UnknownArgument {
    pub command: CommandName,
    pub name: String,
}

/// The text after the slash command: `open critical db-loss` for `/incident open`, `INC-3` for
/// `/postmortem`. Arguments without a value are left out, so a missing required one is reported by
/// the parser with the usage.
///
/// # Errors
/// [`UnknownArgument`] for a value whose name is not one of the command's arguments.
pub fn command_text(
    command: CommandName,
    values: &[(&str, ArgumentValue)],
) -> Result<String, UnknownArgument> {
    let arguments = command.arguments();
    if let Some((name, _)) = values
        .iter()
        .find(|(name, _)| arguments.iter().all(|argument| argument.name != *name))
    {
        return Err(UnknownArgument {
            command,
            name: name.to_string(),
        });
    }
    // Where an incident may come first, a lone number after it would read as the incident.
    let takes_incident = arguments
        .iter()
        .any(|argument| matches!(argument.kind, ArgumentKind::Incident));
    let mut text = match command {
        CommandName::Postmortem => String::new(),
        _ => command.as_str().to_string(),
    };
    for argument in arguments {
        let Some((_, value)) = values.iter().find(|(name, _)| *name == argument.name) else {
            continue;
        };
        let Some(written) = written(argument.kind, value, takes_incident) else {
            continue;
        };
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&written);
    }
    Ok(text)
}

/// One value, written for an argument of the given kind; `None` for a flag that is not set. Free
/// text of a command that `takes_incident` is quoted when it is only a number (`resolve "7"`).
fn written(kind: ArgumentKind, value: &ArgumentValue, takes_incident: bool) -> Option<String> {
    Some(match (kind, value) {
        (ArgumentKind::Flag(word), ArgumentValue::Flag(set)) => {
            return set.then(|| word.to_string())
        }
        (ArgumentKind::Incident, ArgumentValue::Number(number)) => {
            format!("{}{number}", IncidentRef::PREFIX)
        }
        (ArgumentKind::Incident, ArgumentValue::Text(typed)) => match IncidentRef::parse(typed) {
            Some(incident) => incident.to_string(),
            None => canonical::word(typed).into_owned(),
        },
        (_, ArgumentValue::Number(number)) => number.to_string(),
        (_, ArgumentValue::User(id)) => format!("<@{id}>"),
        (_, ArgumentValue::Flag(set)) => set.to_string(),
        (ArgumentKind::Services, ArgumentValue::Text(list)) => {
            format!("{SERVICES_OPTION} {}", canonical::word(list))
        }
        (ArgumentKind::FreeText, ArgumentValue::Text(free)) if takes_incident => {
            canonical::free_text_after_incident(free).into_owned()
        }
        (ArgumentKind::FreeText, ArgumentValue::Text(free)) => {
            canonical::free_text(free).into_owned()
        }
        (_, ArgumentValue::Text(word)) => canonical::word(word).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, parse_postmortem, Assign, Command, Mention, Open, Step};
    use crate::{Severity, StepAction};

    fn text(value: &str) -> ArgumentValue {
        ArgumentValue::Text(value.to_string())
    }

    #[test]
    fn a_root_cause_that_is_only_a_number_stays_a_root_cause() {
        let root_cause = CommandName::Resolve
            .arguments()
            .iter()
            .find(|argument| matches!(argument.kind, ArgumentKind::FreeText))
            .expect("resolve takes a root cause")
            .name;
        let line = command_text(CommandName::Resolve, &[(root_cause, text("7"))]).unwrap();
        assert_eq!(line, r#"resolve "7""#);
        assert_eq!(
            parse_incident(&line),
            Ok(Command::Resolve(crate::Resolve {
                incident: None,
                root_cause: Some("7".to_string()),
            }))
        );
    }

    #[test]
    fn open_with_a_scenario_of_several_words_and_quotes() {
        let line = command_text(
            CommandName::Open,
            &[
                ("scenario", text(r#"the "big" database loss"#)),
                ("severity", text("critical")),
                ("description", text("--services are all down")),
                ("services", text("database, api")),
            ],
        )
        .unwrap();
        assert_eq!(
            line,
            r#"open critical "the \"big\" database loss" --services "database, api" "--services are all down""#
        );
        assert_eq!(
            parse_incident(&line),
            Ok(Command::Open(Open {
                severity: Severity::Critical,
                scenario: r#"the "big" database loss"#.to_string(),
                services: vec!["database".to_string(), "api".to_string()],
                description: Some("--services are all down".to_string()),
                new: false,
            }))
        );
    }

    #[test]
    fn step_with_only_an_action() {
        let line = command_text(CommandName::Step, &[("action", text("done"))]).unwrap();
        assert_eq!(line, "step done");
        assert_eq!(
            parse_incident(&line),
            Ok(Command::Step(Step {
                incident: None,
                number: None,
                action: StepAction::Done,
                note: None
            }))
        );
    }

    #[test]
    fn assign_with_a_user_id_and_an_incident_number() {
        let line = command_text(
            CommandName::Assign,
            &[
                ("user", ArgumentValue::User("80351110224678912".to_string())),
                ("role", text("incident commander")),
                ("incident", ArgumentValue::Number(7)),
            ],
        )
        .unwrap();
        assert_eq!(
            line,
            r#"assign INC-7 "incident commander" <@80351110224678912>"#
        );
        assert_eq!(
            parse_incident(&line),
            Ok(Command::Assign(Assign {
                incident: Some(IncidentRef(7)),
                role: "incident commander".to_string(),
                assignee: Mention::User("80351110224678912".to_string()),
            }))
        );
    }

    #[test]
    fn postmortem_is_written_without_a_command_word() {
        let line = command_text(
            CommandName::Postmortem,
            &[("incident", ArgumentValue::Number(3))],
        )
        .unwrap();
        assert_eq!(line, "INC-3");
        assert!(parse_postmortem(&line).is_ok());
        assert_eq!(command_text(CommandName::Postmortem, &[]).unwrap(), "");
    }

    #[test]
    fn a_flag_is_written_when_set_and_left_out_when_not() {
        let values = |new| {
            [
                ("severity", text("high")),
                ("scenario", text("security")),
                ("new", ArgumentValue::Flag(new)),
                ("description", text("second tenant")),
            ]
        };
        let line = command_text(CommandName::Open, &values(true)).unwrap();
        assert_eq!(line, "open high security --new second tenant");
        assert!(matches!(
            parse_incident(&line),
            Ok(Command::Open(Open { new: true, .. }))
        ));
        let line = command_text(CommandName::Open, &values(false)).unwrap();
        assert_eq!(line, "open high security second tenant");
        let line = command_text(
            CommandName::Postmortem,
            &[
                ("final", ArgumentValue::Flag(true)),
                ("incident", ArgumentValue::Number(3)),
            ],
        )
        .unwrap();
        assert_eq!(line, "INC-3 final");
    }

    #[test]
    fn a_missing_required_value_gets_the_parsers_message() {
        let line = command_text(CommandName::Assign, &[("role", text("comms"))]).unwrap();
        assert_eq!(
            parse_incident(&line).unwrap_err().to_string(),
            "`/incident assign` needs the user to assign, e.g. @alice \
             — usage: /incident assign [INC-n] <role> <@user>"
        );
    }

    #[test]
    fn a_value_for_an_argument_the_command_does_not_take_is_refused() {
        let error =
            command_text(CommandName::List, &[("incident", ArgumentValue::Number(2))]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`/incident list` has no argument called `incident`"
        );
    }
}
