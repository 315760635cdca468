//! The follow-up buttons every platform shows under a follow-up list (one "Done 1.3" per open
//! item): what a button carries, reading a click back, and the command it stands for.
//!
//! - Slack: the `action_id` is `follow_up_done:1.3` (Slack wants them unique within a block) and
//!   the `value` says which item of which incident, `INC-7:1.3` ([`parse_follow_up_action`]).
//! - Discord: one `custom_id` says both, `follow_up_done:INC-7:1.3`
//!   ([`parse_follow_up_custom_id`]).

/// What every follow-up button's action id starts with.
const ACTION_ID: &str = "follow_up_done";

/// The most buttons under one list (Slack's actions block and Discord's five rows of five).
pub const MAX_BUTTONS: usize = 25;

/// A follow-up button someone clicked: which incident, which item (`1.3`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FollowUpButton {
    pub incident: u64,
    pub item: String,
}

impl FollowUpButton {
    /// `INC-7:1.3`.
    pub fn value(&self) -> String {
        format!("INC-{}:{}", self.incident, self.item)
    }

    /// Slack's `action_id`, unique within the list's block: `follow_up_done:1.3`.
    pub fn action_id(&self) -> String {
        format!("{ACTION_ID}:{}", self.item)
    }

    /// Discord's `custom_id`: `follow_up_done:INC-7:1.3`.
    pub fn custom_id(&self) -> String {
        format!("{ACTION_ID}:{}", self.value())
    }

    /// The button's text: `Done 1.3`.
    pub fn label(&self) -> String {
        format!("Done {}", self.item)
    }

    /// The `/incident followup` command the click stands for.
    pub fn command(&self) -> commands::Command {
        commands::Command::FollowUp(commands::FollowUp {
            incident: Some(commands::IncidentRef(self.incident)),
            item: self.item.clone(),
            action: commands::FollowUpAction::Done,
        })
    }
}

/// The follow-up button a Discord `custom_id` stands for; `None` for anything else.
pub fn parse_follow_up_custom_id(custom_id: &str) -> Option<FollowUpButton> {
    let value = custom_id.strip_prefix(ACTION_ID)?.strip_prefix(':')?;
    parse_follow_up_action(ACTION_ID, value)
}

/// The follow-up button a Slack `action_id` and `value` stand for; `None` for anything else.
pub fn parse_follow_up_action(action_id: &str, value: &str) -> Option<FollowUpButton> {
    let ours = action_id == ACTION_ID
        || action_id
            .strip_prefix(ACTION_ID)
            .is_some_and(|rest| rest.starts_with(':'));
    if !ours {
        return None;
    }
    let (incident, item) = value.strip_prefix("INC-")?.split_once(':')?;
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let (list, number) = item.split_once('.')?;
    if !digits(incident) || !digits(list) || !digits(number) {
        return None;
    }
    Some(FollowUpButton {
        incident: incident.parse().ok()?,
        item: item.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_round_trip_and_junk_is_refused() {
        let button = FollowUpButton {
            incident: 7,
            item: "1.3".to_string(),
        };
        assert_eq!(button.custom_id(), "follow_up_done:INC-7:1.3");
        assert_eq!(
            parse_follow_up_custom_id(&button.custom_id()),
            Some(button.clone())
        );
        assert_eq!(
            parse_follow_up_action(ACTION_ID, "INC-7:1.3"),
            Some(button.clone())
        );
        let longest = FollowUpButton {
            incident: u64::MAX,
            item: format!("{}.{}", usize::MAX, usize::MAX),
        };
        assert!(longest.custom_id().chars().count() <= crate::chat::step_buttons::CUSTOM_ID_MAX);
        for junk in [
            "",
            "follow_up_done",
            "follow_up_done:INC-7",
            "follow_up_done:INC-7:",
            "follow_up_done:INC-7:1",
            "follow_up_done:INC-7:1.",
            "follow_up_done:INC-x:1.3",
            "follow_up_done:INC-7:1.3 ",
            "step_done:INC-7:3",
        ] {
            assert_eq!(parse_follow_up_custom_id(junk), None, "{junk}");
        }
    }

    #[test]
    fn a_click_is_the_command_people_type() {
        let button = FollowUpButton {
            incident: 7,
            item: "2.1".to_string(),
        };
        assert_eq!(
            button.command().to_string(),
            "/incident followup INC-7 2.1 done"
        );
    }
}
