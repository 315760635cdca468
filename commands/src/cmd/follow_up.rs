//! `/incident followup`: tick a post-incident follow-up item as done (or take the tick back).

use std::fmt;

use crate::canonical::{self, Optional};
use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
use crate::spec::CommandSpec;

pub(crate) const SPEC: CommandSpec = CommandSpec {
    name: "followup",
    usage: "/incident followup [INC-n] <item> done|undo",
    summary: "Tick a follow-up of a resolved incident as done.",
    help: concat!(
        "Name the item by its number in the posted list (1.3: list 1, item 3) ",
        "or by words of its title; words that match several items are refused with the list. ",
        "undo takes a tick back. ",
        "INC-n can be left out when no incident is open here: the latest one is meant.\n",
        "Example: /incident followup INC-3 1.3 done",
    ),
};

/// Tick a follow-up item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub incident: Option<IncidentRef>,
    /// As typed: `1.3`, or words of the item's title.
    pub item: String,
    pub action: FollowUpAction,
}

/// Ticked, or the tick taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowUpAction {
    Done,
    Undo,
}

impl FollowUpAction {
    /// The words accepted, for error messages.
    pub const CHOICES: &'static str = "done or undo";

    /// Reads `done` or `undo`, in any case.
    pub fn parse(word: &str) -> Option<FollowUpAction> {
        match word.to_ascii_lowercase().as_str() {
            "done" => Some(FollowUpAction::Done),
            "undo" => Some(FollowUpAction::Undo),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpAction::Done => "done",
            FollowUpAction::Undo => "undo",
        }
    }
}

impl FollowUp {
    pub(crate) fn parse(cursor: &mut Cursor<'_>) -> Result<FollowUp, ErrorKind> {
        let incident = cursor.optional_incident()?;
        let mut words = Vec::new();
        while let Some(word) = cursor.next_word()? {
            words.push(word.into_text());
        }
        let action = words
            .last()
            .and_then(|last| FollowUpAction::parse(last))
            .ok_or(ErrorKind::Missing {
                what: "the item and then done or undo, e.g. 1.3 done",
            })?;
        words.pop();
        let item = words.join(" ");
        if item.trim().is_empty() {
            return Err(ErrorKind::Missing {
                what: "the item: its number in the list (1.3) or words of its title",
            });
        }
        Ok(FollowUp {
            incident,
            item,
            action,
        })
    }
}

impl fmt::Display for FollowUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{} {} {}",
            SPEC.invocation(),
            Optional(self.incident),
            canonical::word(&self.item),
            self.action.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_incident, Command};

    fn follow_up(text: &str) -> FollowUp {
        match parse_incident(text) {
            Ok(Command::FollowUp(follow_up)) => follow_up,
            other => panic!("{text}: {other:?}"),
        }
    }

    fn error(text: &str) -> String {
        parse_incident(text).unwrap_err().to_string()
    }

    const USAGE: &str = " — usage: /incident followup [INC-n] <item> done|undo";

    #[test]
    fn reads_the_item_by_number_or_words() {
        assert_eq!(
            follow_up("followup INC-3 1.3 done"),
            FollowUp {
                incident: Some(IncidentRef(3)),
                item: "1.3".to_string(),
                action: FollowUpAction::Done
            }
        );
        assert_eq!(
            follow_up("FOLLOWUP post-mortem   meeting DONE"),
            FollowUp {
                incident: None,
                item: "post-mortem meeting".to_string(),
                action: FollowUpAction::Done
            }
        );
        assert_eq!(
            follow_up("followup “update runbook” undo").item,
            "update runbook"
        );
        assert_eq!(follow_up("followup done done").item, "done");
    }

    #[test]
    fn prints_the_canonical_form() {
        let canonical = |text| parse_incident(text).unwrap().to_string();
        assert_eq!(
            canonical("followup inc-3 1.3 Done"),
            "/incident followup INC-3 1.3 done"
        );
        assert_eq!(
            canonical("followup post-mortem meeting undo"),
            "/incident followup \"post-mortem meeting\" undo"
        );
        assert_eq!(
            canonical("followup \"INC-4\" done"),
            "/incident followup \"INC-4\" done"
        );
    }

    #[test]
    fn explains_what_is_missing() {
        assert_eq!(
            error("followup 1.3"),
            format!(
                "`/incident followup` needs the item and then done or undo, e.g. 1.3 done{USAGE}"
            )
        );
        assert_eq!(
            error("followup INC-3 done"),
            format!(
                "`/incident followup` needs the item: its number in the list (1.3) or words of \
                 its title{USAGE}"
            )
        );
        assert_eq!(
            error("followup \" \" done"),
            format!(
                "`/incident followup` needs the item: its number in the list (1.3) or words of \
                 its title{USAGE}"
            )
        );
    }
}
