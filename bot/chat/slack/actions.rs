//! The step buttons: what a Done, Skip or Failed button carries, and reading it back from a
//! `block_actions` payload (`actions[].action_id` and `actions[].value`).
//!
//! The `action_id` says what (`step_done`, `step_skip`, `step_fail`) and the `value` says which
//! step of which incident: `INC-7:3`, with the step 0-based like `Block::StepActions`.

/// What a step button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepAction {
    Done,
    Skip,
    Fail,
}

impl StepAction {
    /// The buttons in the order they show.
    pub const ALL: [StepAction; 3] = [StepAction::Done, StepAction::Skip, StepAction::Fail];

    /// The button's stable `action_id`.
    pub fn action_id(self) -> &'static str {
        match self {
            StepAction::Done => "step_done",
            StepAction::Skip => "step_skip",
            StepAction::Fail => "step_fail",
        }
    }

    fn from_action_id(action_id: &str) -> Option<StepAction> {
        StepAction::ALL
            .into_iter()
            .find(|action| action.action_id() == action_id)
    }

    /// The button's text.
    pub(super) fn label(self) -> &'static str {
        match self {
            StepAction::Done => "Done",
            StepAction::Skip => "Skip",
            StepAction::Fail => "Failed",
        }
    }

    /// Slack's button style: green for Done, red for Failed.
    pub(super) fn style(self) -> Option<&'static str> {
        match self {
            StepAction::Done => Some("primary"),
            StepAction::Skip => None,
            StepAction::Fail => Some("danger"),
        }
    }
}

/// A step button someone clicked: which incident, which step (0-based), what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StepButton {
    pub incident: u64,
    pub step: usize,
    pub action: StepAction,
}

impl StepButton {
    pub fn action_id(&self) -> &'static str {
        self.action.action_id()
    }

    /// `INC-7:3`.
    pub fn value(&self) -> String {
        format!("INC-{}:{}", self.incident, self.step)
    }
}

/// The step button an `action_id` and `value` from Slack stand for; `None` for anything the
/// bot did not make.
pub fn parse_step_action(action_id: &str, value: &str) -> Option<StepButton> {
    let action = StepAction::from_action_id(action_id)?;
    let (incident, step) = value.strip_prefix("INC-")?.split_once(':')?;
    Some(StepButton {
        incident: number(incident)?,
        step: number(step)?,
        action,
    })
}

/// ASCII digits only (no sign, no spaces) that fit the type.
fn number<T: std::str::FromStr>(digits: &str) -> Option<T> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn buttons_round_trip() {
        for action in StepAction::ALL {
            for (incident, step) in [(0, 0), (7, 3), (u64::MAX, usize::MAX)] {
                let button = StepButton {
                    incident,
                    step,
                    action,
                };
                assert_eq!(
                    parse_step_action(button.action_id(), &button.value()),
                    Some(button)
                );
            }
        }
        assert_eq!(
            parse_step_action("step_fail", "INC-7:3"),
            Some(StepButton {
                incident: 7,
                step: 3,
                action: StepAction::Fail
            })
        );
    }

    #[test]
    fn junk_is_refused() {
        for (action_id, value) in [
            ("step_done", ""),
            ("step_done", "INC-"),
            ("step_done", "INC-7"),
            ("step_done", "INC-7:"),
            ("step_done", "INC-:3"),
            ("step_done", "INC-7:3:1"),
            ("step_done", "INC-+7:3"),
            ("step_done", "INC-7:-3"),
            ("step_done", "INC- 7:3"),
            ("step_done", "inc-7:3"),
            ("step_done", "INC-7:٣"),
            ("step_done", "INC-99999999999999999999:3"),
            ("step_done", "INC-42:step-3"),
            ("checklist_confirm", "INC-42:3"),
            ("STEP_DONE", "INC-7:3"),
            ("", "INC-7:3"),
        ] {
            assert_eq!(parse_step_action(action_id, value), None, "{value}");
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(action_id in ".{0,20}", value in ".{0,40}") {
            let _ = parse_step_action(&action_id, &value);
        }

        #[test]
        fn every_button_round_trips(incident in any::<u64>(), step in any::<usize>(), which in 0usize..3) {
            let button = StepButton { incident, step, action: StepAction::ALL[which] };
            prop_assert_eq!(parse_step_action(button.action_id(), &button.value()), Some(button));
        }
    }
}
