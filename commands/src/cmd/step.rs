//! `/incident step`: record what happened to a checklist step.

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "step",
    usage: "/incident step [INC-n] [step-number] done|skip|fail|retry [note]",
    summary: "Record the outcome of the current checklist step, or of a track running in parallel.",
    help: concat!(
        "done (or complete, ok) and retry take an optional note; ",
        "skip needs a reason and fail needs a note. ",
        "Give the number of the step you are looking at, ",
        "so that two people confirming at the same time are not both counted for the next step. ",
        "When steps run in parallel as tracks (a runbook's Priority 1, 2, … steps), ",
        "the number says which: /incident step 3 done. ",
        "INC-n can be left out where the incident is clear, such as in its own channel.\n",
        "Example: /incident step 4 skip backups verified yesterday",
    ),
};

/// Record a step's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub incident: Option<IncidentRef>,
    /// The step the user was looking at, counted from 1.
    pub number: Option<u32>,
    pub action: StepAction,
    /// Always present for [`StepAction::Skip`] and [`StepAction::Fail`].
    pub note: Option<String>,
}

/// What happened to the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepAction {
    Done,
    Skip,
    Fail,
    Retry,
}

/// What a step action must be given as its note, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredNote {
    /// `a reason`.
    pub what: &'static str,
    /// A note that would do.
    pub example: &'static str,
}

impl StepAction {
    /// The words accepted, for error messages.
    pub const CHOICES: &'static str = "done, skip, fail or retry";

    /// Reads an action word in any case: `done` (or `complete`, `ok`), `skip`, `fail` (or `failed`),
    /// `retry`.
    pub fn parse(word: &str) -> Option<StepAction> {
        match word.to_ascii_lowercase().as_str() {
            "done" | "complete" | "ok" => Some(StepAction::Done),
            "skip" => Some(StepAction::Skip),
            "fail" | "failed" => Some(StepAction::Fail),
            "retry" => Some(StepAction::Retry),
            _ => None,
        }
    }

    /// The canonical word.
    pub fn as_str(self) -> &'static str {
        match self {
            StepAction::Done => "done",
            StepAction::Skip => "skip",
            StepAction::Fail => "fail",
            StepAction::Retry => "retry",
        }
    }

    /// The note this action cannot go without, if any.
    pub fn required_note(self) -> Option<RequiredNote> {
        match self {
            StepAction::Skip => Some(RequiredNote {
                what: "a reason",
                example: "backups verified yesterday",
            }),
            StepAction::Fail => Some(RequiredNote {
                what: "a note",
                example: "restore timed out after 20 minutes",
            }),
            StepAction::Done | StepAction::Retry => None,
        }
    }
}

impl fmt::Display for StepAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Step {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<Step, ErrorKind> {
        let incident = cursor.optional_incident()?;
        let number = parse_step_number(cursor)?;
        let word = cursor.required_word("an outcome: done, skip, fail or retry")?;
        let action = StepAction::parse(word.text()).ok_or_else(|| ErrorKind::NotA {
            word: word.into_text(),
            what: "a step outcome",
            choices: StepAction::CHOICES,
        })?;
        let note = cursor.rest_of_line();
        if let (Some(required), None) = (action.required_note(), &note) {
            return Err(ErrorKind::NoteRequired {
                action,
                note: required,
            });
        }
        Ok(Step {
            incident,
            number,
            action,
            note,
        })
    }
}

/// A step number if the next word is all digits.
fn parse_step_number(cursor: &mut Cursor<'_>) -> Result<Option<u32>, ErrorKind> {
    let Some(word) = cursor.next_bare_if(|word| word.bytes().all(|byte| byte.is_ascii_digit()))
    else {
        return Ok(None);
    };
    word.parse()
        .ok()
        .filter(|&number| number > 0)
        .map(Some)
        .ok_or_else(|| ErrorKind::NotA {
            word: word.to_string(),
            what: "a step number",
            choices: "the number of the step, counted from 1",
        })
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}{} {}{}",
            SPEC.invocation(),
            Optional(self.incident),
            Optional(self.number),
            self.action,
            Optional(self.note.as_deref().map(canonical::free_text))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn step(text: &str) -> Step {
        match parse_incident(text) {
            Ok(Command::Step(step)) => step,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn error(text: &str) -> String {
        parse_incident(text).unwrap_err().to_string()
    }

    const USAGE: &str =
        " — usage: /incident step [INC-n] [step-number] done|skip|fail|retry [note]";

    #[test]
    fn reads_incident_number_action_and_note() {
        assert_eq!(
            step("step INC-2 4 skip backups verified yesterday"),
            Step {
                incident: Some(IncidentRef(2)),
                number: Some(4),
                action: StepAction::Skip,
                note: Some("backups verified yesterday".to_string())
            }
        );
        assert_eq!(
            step("step Done"),
            Step {
                incident: None,
                number: None,
                action: StepAction::Done,
                note: None
            }
        );
    }

    #[test]
    fn reads_action_aliases() {
        for (word, action) in [
            ("complete", StepAction::Done),
            ("OK", StepAction::Done),
            ("failed disk full", StepAction::Fail),
            ("retry", StepAction::Retry),
        ] {
            assert_eq!(step(&format!("step {word}")).action, action, "{word}");
        }
    }

    #[test]
    fn prints_the_canonical_form() {
        assert_eq!(
            step("step inc-2 04 FAILED  disk full").to_string(),
            "/incident step INC-2 4 fail disk full"
        );
        assert_eq!(step("step ok 3").to_string(), "/incident step done 3");
    }

    #[test]
    fn skip_and_fail_need_a_note() {
        assert_eq!(
            error("step skip"),
            format!(
                "`skip` needs a reason, e.g. /incident step skip backups verified yesterday{USAGE}"
            )
        );
        assert_eq!(
            error("step 3 fail \"\""),
            format!(
                "`fail` needs a note, e.g. /incident step fail restore timed out after 20 minutes\
                 {USAGE}"
            )
        );
    }

    #[test]
    fn explains_bad_words() {
        assert_eq!(
            error("step finished"),
            format!("`finished` is not a step outcome: use done, skip, fail or retry{USAGE}")
        );
        assert_eq!(
            error("step 3"),
            format!("`/incident step` needs an outcome: done, skip, fail or retry{USAGE}")
        );
        for number in ["0", "99999999999"] {
            assert_eq!(
                error(&format!("step {number} done")),
                format!(
                    "`{number}` is not a step number: use the number of the step, counted from 1\
                     {USAGE}"
                )
            );
        }
    }
}
