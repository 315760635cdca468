//! Each command's arguments, described from its usage line for chat platforms that ask for them one
//! by one (Discord's slash-command options): a name, whether it is required, what kind of value it
//! takes and one line saying what it is for.
//!
//! The usage line is the only list of arguments, so a form built from these descriptions cannot
//! drift from the language. Each placeholder a usage line uses (`<severity>`, `[INC-n]`,
//! `done|skip|fail|retry`) must be described in [`PLACEHOLDERS`]; one that is not is an
//! [`UndescribedArgument`], which a unit test turns into a failure.

use crate::registry::CommandName;
use crate::severity::Severity;
use crate::spec::CommandSpec;

/// One argument of a command, in the order the usage line gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argument {
    /// Lowercase letters, digits and dashes, at most 32 characters: `step-number`.
    pub name: &'static str,
    /// Whether the command cannot go without it (`<role>`, `done|skip|fail|retry`).
    pub required: bool,
    pub kind: ArgumentKind,
    /// One line, at most [`Argument::MAX_DESCRIPTION_CHARS`] characters.
    pub description: &'static str,
}

impl Argument {
    /// The longest description, in characters: Discord's limit for option descriptions.
    pub const MAX_DESCRIPTION_CHARS: usize = 100;
}

/// What an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgumentKind {
    /// An incident reference, `INC-n`; a form may ask for just the number.
    Incident,
    /// One of [`Severity::ALL`].
    Severity,
    /// A runbook scenario by number, short name or title; `or_random` when `random` may be given
    /// instead, to let the bot pick one.
    Scenario { or_random: bool },
    /// One word or quoted phrase.
    Word,
    /// A whole number, counted from 1.
    Number,
    /// A mention of one person.
    User,
    /// One of a fixed list of words, written as in the usage: `done|skip|fail|retry`.
    OneOf(&'static str),
    /// The name of a command, one of [`CommandName::ALL`].
    Command,
    /// The `--services a,b` option: service names separated by commas.
    Services,
    /// The rest of the line.
    FreeText,
    /// A word that is there or not, written as the usage writes it (`--new`, `final`): a form may
    /// ask for it as yes or no.
    Flag(&'static str),
}

impl ArgumentKind {
    /// The only values accepted, when there is a fixed list of them.
    pub fn choices(&self) -> Option<Vec<&'static str>> {
        match self {
            ArgumentKind::Severity => Some(Severity::ALL.map(Severity::as_str).to_vec()),
            ArgumentKind::OneOf(words) => Some(words.split('|').collect()),
            ArgumentKind::Command => Some(CommandName::ALL.map(CommandName::as_str).to_vec()),
            _ => None,
        }
    }
}

/// A placeholder of a usage line that cannot be described as an argument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{placeholder}` in `{usage}` {problem}")]
pub struct UndescribedArgument {
    pub usage: &'static str,
    pub placeholder: &'static str,
    /// `is not described in PLACEHOLDERS`, or `is free text but does not end the line`.
    pub problem: &'static str,
}

/// Every placeholder the usage lines use: the text between `<>` or `[]` (or a bare choice list),
/// the argument's name, its kind and its description.
const PLACEHOLDERS: &[(&str, &str, ArgumentKind, &str)] = &[
    (
        "INC-n",
        "incident",
        ArgumentKind::Incident,
        "The incident's number (7 for INC-7); leave it out where the incident is clear",
    ),
    (
        "severity",
        "severity",
        ArgumentKind::Severity,
        "How bad it is: critical, high, medium or low",
    ),
    (
        "scenario",
        "scenario",
        ArgumentKind::Scenario { or_random: false },
        "The runbook scenario: its number, short name or title, e.g. db-loss",
    ),
    (
        "scenario|random",
        "scenario",
        ArgumentKind::Scenario { or_random: true },
        "The runbook scenario to practise, or random to let the bot pick one",
    ),
    (
        "--services a,b",
        "services",
        ArgumentKind::Services,
        "The affected services, separated by commas, e.g. database,api",
    ),
    (
        "description",
        "description",
        ArgumentKind::FreeText,
        "What is happening, in a sentence",
    ),
    (
        "command",
        "command",
        ArgumentKind::Command,
        "The command to explain in full",
    ),
    (
        "step-number",
        "step-number",
        ArgumentKind::Number,
        "The step you are looking at, so that two people confirming do not move on twice",
    ),
    (
        "done|skip|fail|retry",
        "action",
        ArgumentKind::OneOf("done|skip|fail|retry"),
        "What happened to the step: done, skip, fail or retry",
    ),
    (
        "note",
        "note",
        ArgumentKind::FreeText,
        "A note for the timeline; skip needs a reason and fail needs what went wrong",
    ),
    (
        "option",
        "option",
        ArgumentKind::FreeText,
        "The option taken, by its letter or its words, e.g. A",
    ),
    (
        "text",
        "text",
        ArgumentKind::FreeText,
        "The update to post on the incident's timeline",
    ),
    (
        "role",
        "role",
        ArgumentKind::Word,
        "The incident role, e.g. commander, comms or scribe",
    ),
    (
        "@user",
        "user",
        ArgumentKind::User,
        "The one person who takes the role",
    ),
    (
        "time of last good data",
        "time",
        ArgumentKind::FreeText,
        "When the last good data was written: 14:30 (UTC), 2026-11-25 14:30 or 10m ago",
    ),
    (
        "service…",
        "services",
        ArgumentKind::FreeText,
        "The services back up, separated by commas; leave out for all of the incident's services",
    ),
    (
        "root cause",
        "root-cause",
        ArgumentKind::FreeText,
        "What caused the incident, if known",
    ),
    (
        "--new",
        "new",
        ArgumentKind::Flag("--new"),
        "Open another incident even if one of this scenario is already open here",
    ),
    (
        "final",
        "final",
        ArgumentKind::Flag("final"),
        "Mark the postmortem final: the incident takes no more amendments",
    ),
    (
        "reason",
        "reason",
        ArgumentKind::FreeText,
        "Why, for the timeline; for a duplicate: duplicate of INC-3",
    ),
    (
        "item",
        "item",
        ArgumentKind::Word,
        "The follow-up: its number in the posted list (1.3) or words of its title",
    ),
    (
        "done|undo",
        "action",
        ArgumentKind::OneOf("done|undo"),
        "done ticks the item; undo takes the tick back",
    ),
];

impl CommandSpec {
    /// The arguments of the usage line, in its order.
    ///
    /// # Errors
    /// [`UndescribedArgument`] for a placeholder [`PLACEHOLDERS`] does not describe, or free text
    /// that is not the last argument.
    pub fn arguments(&self) -> Result<Vec<Argument>, UndescribedArgument> {
        let after_invocation = self.usage.get(self.invocation().len()..).unwrap_or("");
        let placeholders = placeholders(after_invocation);
        let last = placeholders.len().saturating_sub(1);
        placeholders
            .into_iter()
            .enumerate()
            .map(|(position, (placeholder, required))| {
                let undescribed = |problem| UndescribedArgument {
                    usage: self.usage,
                    placeholder,
                    problem,
                };
                let argument = describe(placeholder, required)
                    .ok_or_else(|| undescribed("is not described in PLACEHOLDERS"))?;
                if argument.kind == ArgumentKind::FreeText && position != last {
                    return Err(undescribed("is free text but does not end the line"));
                }
                Ok(argument)
            })
            .collect()
    }
}

impl CommandName {
    /// The command's arguments, in the order of its usage line.
    ///
    /// # Panics
    /// Never for the commands of this crate: `every_usage_line_is_described` checks each of them.
    pub fn arguments(self) -> Vec<Argument> {
        self.spec()
            .arguments()
            .unwrap_or_else(|error| panic!("{error}"))
    }
}

/// The placeholders after the invocation, each with whether it is required: `<x>` and bare words
/// are, `[x]` is not.
fn placeholders(text: &'static str) -> Vec<(&'static str, bool)> {
    let mut found = Vec::new();
    let mut rest = text.trim_start();
    while let Some(first) = rest.chars().next() {
        let (closing, required) = match first {
            '<' => (Some('>'), true),
            '[' => (Some(']'), false),
            _ => (None, true),
        };
        let (placeholder, after) = match closing {
            Some(closing) => {
                let inner = &rest[first.len_utf8()..];
                let end = inner.find(closing).unwrap_or(inner.len());
                (
                    &inner[..end],
                    inner.get(end + closing.len_utf8()..).unwrap_or(""),
                )
            }
            None => rest.split_at(rest.find(char::is_whitespace).unwrap_or(rest.len())),
        };
        found.push((placeholder, required));
        rest = after.trim_start();
    }
    found
}

fn describe(placeholder: &'static str, required: bool) -> Option<Argument> {
    let &(_, name, kind, description) = PLACEHOLDERS
        .iter()
        .find(|(known, ..)| *known == placeholder)?;
    Some(Argument {
        name,
        required,
        kind,
        description,
    })
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

    fn names_and_required(command: CommandName) -> Vec<(&'static str, bool)> {
        command
            .arguments()
            .into_iter()
            .map(|argument| (argument.name, argument.required))
            .collect()
    }

    #[test]
    fn every_usage_line_is_described() {
        for command in CommandName::ALL {
            if let Err(error) = command.spec().arguments() {
                panic!("{command}: {error}");
            }
        }
    }

    #[test]
    fn names_are_valid_discord_option_names() {
        for (_, name, ..) in PLACEHOLDERS {
            assert!(
                (1..=32).contains(&name.len())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c)),
                "{name}"
            );
        }
    }

    #[test]
    fn descriptions_are_one_short_line() {
        for (placeholder, _, _, description) in PLACEHOLDERS {
            let chars = description.chars().count();
            assert!(
                (1..=Argument::MAX_DESCRIPTION_CHARS).contains(&chars)
                    && !description.contains('\n'),
                "{placeholder}: {chars} characters"
            );
        }
    }

    #[test]
    fn choice_lists_and_flags_are_the_words_of_their_placeholder() {
        for (placeholder, _, kind, _) in PLACEHOLDERS {
            if let ArgumentKind::OneOf(words) | ArgumentKind::Flag(words) = kind {
                assert_eq!(words, placeholder);
            }
        }
    }

    #[test]
    fn names_are_unique_within_each_command() {
        for command in CommandName::ALL {
            let mut names: Vec<_> = command.arguments().iter().map(|a| a.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), command.arguments().len(), "{command}");
        }
    }

    #[test]
    fn reads_names_order_and_whether_required() {
        assert_eq!(
            names_and_required(CommandName::Open),
            [
                ("severity", true),
                ("scenario", true),
                ("services", false),
                ("new", false),
                ("description", false)
            ]
        );
        assert_eq!(
            names_and_required(CommandName::Step),
            [
                ("incident", false),
                ("step-number", false),
                ("action", true),
                ("note", false)
            ]
        );
        assert_eq!(
            names_and_required(CommandName::Assign),
            [("incident", false), ("role", true), ("user", true)]
        );
        assert_eq!(
            names_and_required(CommandName::Rpo),
            [("incident", false), ("time", true)]
        );
        assert_eq!(
            names_and_required(CommandName::Resolve),
            [("incident", false), ("root-cause", false)]
        );
        assert_eq!(
            names_and_required(CommandName::Postmortem),
            [("incident", false), ("final", false)]
        );
        assert_eq!(
            names_and_required(CommandName::Reopen),
            [("incident", false), ("reason", false)]
        );
        assert_eq!(
            names_and_required(CommandName::Cancel),
            [("incident", false), ("reason", true)]
        );
        assert_eq!(names_and_required(CommandName::List), []);
    }

    #[test]
    fn reads_kinds_and_choices() {
        let step = CommandName::Step.arguments();
        assert_eq!(
            step[2].kind.choices(),
            Some(vec!["done", "skip", "fail", "retry"])
        );
        assert_eq!(
            CommandName::Drill.arguments()[0].kind,
            ArgumentKind::Scenario { or_random: true }
        );
        assert_eq!(
            ArgumentKind::Severity.choices(),
            Some(vec!["critical", "high", "medium", "low"])
        );
        assert_eq!(
            ArgumentKind::Command.choices().map(|names| names.len()),
            Some(CommandName::ALL.len())
        );
        assert_eq!(ArgumentKind::Word.choices(), None);
    }

    #[test]
    fn refuses_unknown_placeholders_and_free_text_before_the_end() {
        assert_eq!(
            spec("/incident x <colour>")
                .arguments()
                .unwrap_err()
                .to_string(),
            "`colour` in `/incident x <colour>` is not described in PLACEHOLDERS"
        );
        assert_eq!(
            spec("/incident x [note] <role>")
                .arguments()
                .unwrap_err()
                .to_string(),
            "`note` in `/incident x [note] <role>` is free text but does not end the line"
        );
    }
}
