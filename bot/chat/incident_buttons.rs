//! The incident buttons the checklist card shows once the recovery steps are done and the
//! incident is not restored yet (`Block::RestoreActions`): Restored and Resolve, shared by Slack
//! and Discord like the step buttons; and [`Button`], either kind, as an ingress reads a click.
//!
//! - Slack: `action_id` `incident_restored` or `incident_resolve`, `value` `INC-7`.
//! - Discord: `custom_id` `incident_restored:INC-7`.
//!
//! Restored marks every service of the incident restored (`/incident restored INC-7`). Resolve
//! opens the same modal as Skip and Failed, asking for the root cause; it may be left empty, and
//! the incident resolves without one (`/incident resolve INC-7 [root cause]`).

use crate::chat::step_buttons::{self, StepAction, StepButton, StepOutOfRange};

/// What an incident button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentAction {
    Restored,
    Resolve,
}

impl IncidentAction {
    /// The buttons in the order they show.
    pub const ALL: [IncidentAction; 2] = [IncidentAction::Restored, IncidentAction::Resolve];

    /// The button's stable `action_id`.
    pub fn action_id(self) -> &'static str {
        match self {
            IncidentAction::Restored => "incident_restored",
            IncidentAction::Resolve => "incident_resolve",
        }
    }

    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            IncidentAction::Restored => "Restored",
            IncidentAction::Resolve => "Resolve",
        }
    }
}

/// An incident button: which incident, what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IncidentButton {
    pub incident: u64,
    pub action: IncidentAction,
}

impl IncidentButton {
    /// `INC-7`.
    pub fn value(&self) -> String {
        format!("INC-{}", self.incident)
    }
}

/// Any button the bot makes, as a click brings it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Button {
    Step(StepButton),
    Incident(IncidentButton),
}

/// What a button's modal asks: its title, the input's label, the submit button, and whether
/// the text may be left empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    pub label: &'static str,
    pub submit: &'static str,
    pub required: bool,
}

impl Button {
    /// The button an `action_id` and `value` from Slack stand for; `None` for anything the bot
    /// did not make, an error for a step button naming a step no checklist has.
    pub fn parse(action_id: &str, value: &str) -> Option<Result<Button, StepOutOfRange>> {
        if let Some(step) = step_buttons::parse_step_action(action_id, value) {
            return Some(step.map(Button::Step));
        }
        let action = IncidentAction::ALL
            .into_iter()
            .find(|action| action.action_id() == action_id)?;
        let digits = value.strip_prefix("INC-")?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Ok(Button::Incident(IncidentButton {
            incident: digits.parse().ok()?,
            action,
        })))
    }

    /// The button a Discord `custom_id` stands for (as [`Button::parse`]).
    pub fn parse_custom_id(custom_id: &str) -> Option<Result<Button, StepOutOfRange>> {
        if let Some(step) = step_buttons::parse_custom_id(custom_id) {
            return Some(step.map(Button::Step));
        }
        let (action_id, value) = custom_id.split_once(':')?;
        Button::parse(action_id, value)
    }

    pub fn action_id(&self) -> &'static str {
        match self {
            Button::Step(step) => step.action_id(),
            Button::Incident(button) => button.action.action_id(),
        }
    }

    /// `INC-7:3` for a step, `INC-7` for an incident.
    pub fn value(&self) -> String {
        match self {
            Button::Step(step) => step.value(),
            Button::Incident(button) => button.value(),
        }
    }

    /// Discord's `custom_id`: `step_done:INC-7:3`, `incident_resolve:INC-7`.
    pub fn custom_id(&self) -> String {
        format!("{}:{}", self.action_id(), self.value())
    }

    pub fn incident(&self) -> u64 {
        match self {
            Button::Step(step) => step.incident,
            Button::Incident(button) => button.incident,
        }
    }

    /// The modal a click opens before anything is done: why a step is skipped or what failed
    /// (required), or the root cause of a resolution (optional); `None` when a click acts at once.
    pub fn form(&self) -> Option<Form> {
        match self {
            Button::Step(step) => {
                let (title, label, submit) = match step.action {
                    StepAction::Done => return None,
                    StepAction::Fail => ("Step failed", "What happened?", "Mark failed"),
                    StepAction::Skip => ("Skip step", "Why skip it?", "Skip step"),
                };
                Some(Form {
                    title: format!("{title} {}", step.step.saturating_add(1)),
                    label,
                    submit,
                    required: true,
                })
            }
            Button::Incident(IncidentButton {
                action: IncidentAction::Resolve,
                ..
            }) => Some(Form {
                title: "Resolve".to_string(),
                label: "Root cause, if known (optional)",
                submit: "Resolve",
                required: false,
            }),
            Button::Incident(_) => None,
        }
    }

    /// The command the click stands for, with the text given in its modal, if any.
    pub fn command(&self, text: Option<String>) -> commands::Command {
        let incident = Some(commands::IncidentRef(self.incident()));
        match self {
            Button::Step(step) => step.command(text),
            Button::Incident(IncidentButton {
                action: IncidentAction::Restored,
                ..
            }) => commands::Command::Restored(commands::Restored {
                incident,
                services: Vec::new(),
            }),
            Button::Incident(IncidentButton {
                action: IncidentAction::Resolve,
                ..
            }) => commands::Command::Resolve(commands::Resolve {
                incident,
                root_cause: text.filter(|cause| !cause.trim().is_empty()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn incident_buttons_round_trip() {
        for action in IncidentAction::ALL {
            let button = Button::Incident(IncidentButton {
                incident: 7,
                action,
            });
            assert_eq!(
                Button::parse(button.action_id(), &button.value()),
                Some(Ok(button))
            );
            assert_eq!(
                Button::parse_custom_id(&button.custom_id()),
                Some(Ok(button))
            );
        }
        assert_eq!(
            Button::parse_custom_id("incident_restored:INC-7").map(|b| b.map(|b| b.custom_id())),
            Some(Ok("incident_restored:INC-7".to_string()))
        );
        assert!(matches!(
            Button::parse_custom_id("step_done:INC-7:3"),
            Some(Ok(Button::Step(_)))
        ));
        assert!(matches!(
            Button::parse_custom_id("step_skip:INC-7:18446744073709551615"),
            Some(Err(_))
        ));
        for junk in [
            "incident_restored:",
            "incident_restored:INC-",
            "incident_restored:INC-7:3",
            "incident_restored:INC-+7",
            "incident_restore:INC-7",
            "incident_resolve:inc-7",
        ] {
            assert_eq!(Button::parse_custom_id(junk), None, "{junk}");
        }
    }

    #[test]
    fn clicks_are_the_commands_people_type() {
        let restored = Button::Incident(IncidentButton {
            incident: 7,
            action: IncidentAction::Restored,
        });
        assert_eq!(restored.form(), None);
        assert_eq!(
            restored.command(None).to_string(),
            "/incident restored INC-7"
        );
        let resolve = Button::Incident(IncidentButton {
            incident: 7,
            action: IncidentAction::Resolve,
        });
        assert_eq!(resolve.form().map(|form| form.required), Some(false));
        assert_eq!(
            resolve.command(Some("  ".into())).to_string(),
            "/incident resolve INC-7"
        );
        assert_eq!(
            resolve.command(Some("disk full".into())).to_string(),
            "/incident resolve INC-7 disk full"
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(action_id in ".{0,20}", value in ".{0,40}") {
            let _ = Button::parse(&action_id, &value);
            let _ = Button::parse_custom_id(&format!("{action_id}:{value}"));
        }

        #[test]
        fn every_incident_custom_id_round_trips(incident in any::<u64>(), which in 0usize..2) {
            let button = Button::Incident(IncidentButton { incident, action: IncidentAction::ALL[which] });
            prop_assert!(button.custom_id().chars().count() <= step_buttons::CUSTOM_ID_MAX);
            prop_assert_eq!(Button::parse_custom_id(&button.custom_id()), Some(Ok(button)));
        }
    }
}
