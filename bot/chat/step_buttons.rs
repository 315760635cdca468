//! The step buttons every platform shows under a checklist (Done, Skip, Failed): what a button
//! carries, reading a click back, and the command it stands for. Platforms style the buttons
//! themselves.
//!
//! - Slack: the `action_id` says what (`step_done`, `step_skip`, `step_fail`) and the `value`
//!   says which step of which incident, `INC-7:3` ([`parse_step_action`]).
//! - Discord: one `custom_id` says both, `step_done:INC-7:3` (at most [`CUSTOM_ID_MAX`]
//!   characters; [`parse_custom_id`]).
//!
//! Steps are 0-based, like `Block::StepActions`; people see them 1-based. A click is signed, yet
//! its step is read with checked arithmetic: one whose 1-based number does not fit the step
//! numbers people type (`u32`) is refused ([`StepOutOfRange`]), never wrapped into another step.
//! Tracks running in
//! parallel (`Block::TrackActions`) get a row each, its Done labelled with the track
//! ([`track_label`]).

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
    pub fn label(self) -> &'static str {
        match self {
            StepAction::Done => "Done",
            StepAction::Skip => "Skip",
            StepAction::Fail => "Failed",
        }
    }
}

/// The longest label the bot gives a track's Done button, in characters (Slack takes 75,
/// Discord 80).
pub const LABEL_MAX: usize = 40;

/// The label of a track's button: Done names the track (`Done · 2 Database recovery`, cut to
/// [`LABEL_MAX`] with `…`), so that a row of buttons says which track it is for.
pub fn track_label(action: StepAction, step: usize, title: &str) -> String {
    if action != StepAction::Done {
        return action.label().to_string();
    }
    let label = format!("{} · {} {}", action.label(), step + 1, title.trim());
    if label.chars().count() <= LABEL_MAX {
        return label;
    }
    let mut cut: String = label.chars().take(LABEL_MAX - 1).collect();
    cut.push('…');
    cut
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

    /// Discord's `custom_id`: `step_done:INC-7:3`, never longer than [`CUSTOM_ID_MAX`].
    pub fn custom_id(&self) -> String {
        format!("{}:{}", self.action_id(), self.value())
    }

    /// The step's number as people see it (1-based); `None` for a step past any checklist,
    /// which a parsed click never is.
    pub fn number(&self) -> Option<u32> {
        u32::try_from(self.step).ok()?.checked_add(1)
    }

    /// The `/incident step` command the click stands for, with the reason given, if any.
    pub fn command(&self, note: Option<String>) -> commands::Command {
        commands::Command::Step(commands::Step {
            incident: Some(commands::IncidentRef(self.incident)),
            number: self.number(),
            action: match self.action {
                StepAction::Done => commands::StepAction::Done,
                StepAction::Skip => commands::StepAction::Skip,
                StepAction::Fail => commands::StepAction::Fail,
            },
            note,
        })
    }
}

/// Discord's longest `custom_id`, in characters.
pub const CUSTOM_ID_MAX: usize = 100;

/// A step button of the bot's shape whose step no checklist has: its number does not fit the
/// step numbers people type. Only a forged or mangled click carries one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "This button names step {step} of INC-{incident}, and no checklist has that many steps. \
     See the current steps with /incident status INC-{incident}, and confirm one with \
     /incident step INC-{incident} <number> done."
)]
pub struct StepOutOfRange {
    pub incident: u64,
    /// The step as the button wrote it (0-based digits).
    pub step: String,
}

/// The step button a Discord `custom_id` stands for; `None` for anything the bot did not make.
pub fn parse_custom_id(custom_id: &str) -> Option<Result<StepButton, StepOutOfRange>> {
    let (action_id, value) = custom_id.split_once(':')?;
    parse_step_action(action_id, value)
}

/// The step button an `action_id` and `value` from Slack stand for; `None` for anything the
/// bot did not make, an error for a step no checklist has.
pub fn parse_step_action(
    action_id: &str,
    value: &str,
) -> Option<Result<StepButton, StepOutOfRange>> {
    let action = StepAction::from_action_id(action_id)?;
    let (incident, step) = value.strip_prefix("INC-")?.split_once(':')?;
    let incident = digits(incident)?.parse().ok()?;
    let step = digits(step)?;
    Some(match step_index(step) {
        Some(step) => Ok(StepButton {
            incident,
            step,
            action,
        }),
        None => Err(StepOutOfRange {
            incident,
            step: step.to_string(),
        }),
    })
}

/// `text` if it is ASCII digits only (no sign, no spaces).
fn digits(text: &str) -> Option<&str> {
    let all_digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    all_digits.then_some(text)
}

/// A 0-based step whose 1-based number fits a `u32`, the command language's step numbers.
fn step_index(digits: &str) -> Option<usize> {
    let step: u32 = digits.parse().ok()?;
    step.checked_add(1)?;
    usize::try_from(step).ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn buttons_round_trip() {
        for action in StepAction::ALL {
            for (incident, step) in [(0, 0), (7, 3), (u64::MAX, LAST_STEP)] {
                let button = StepButton {
                    incident,
                    step,
                    action,
                };
                assert_eq!(
                    parse_step_action(button.action_id(), &button.value()),
                    Some(Ok(button))
                );
            }
        }
        assert_eq!(
            parse_step_action("step_fail", "INC-7:3"),
            Some(Ok(StepButton {
                incident: 7,
                step: 3,
                action: StepAction::Fail
            }))
        );
    }

    /// The last 0-based step whose number people can type.
    const LAST_STEP: usize = u32::MAX as usize - 1;

    #[test]
    fn a_step_past_any_checklist_is_refused_not_wrapped() {
        for step in [
            "4294967295",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
        ] {
            let refused = parse_step_action("step_done", &format!("INC-7:{step}"));
            assert_eq!(
                refused,
                Some(Err(StepOutOfRange {
                    incident: 7,
                    step: step.to_string()
                })),
                "{step}"
            );
            assert!(parse_custom_id(&format!("step_skip:INC-7:{step}"))
                .is_some_and(|parsed| parsed.is_err()));
        }
        let last = parse_step_action("step_done", "INC-7:4294967294")
            .and_then(Result::ok)
            .expect("the last step people can type");
        assert_eq!(last.number(), Some(u32::MAX));
        let text = StepOutOfRange {
            incident: 7,
            step: "18446744073709551615".into(),
        }
        .to_string();
        assert_eq!(
            text,
            "This button names step 18446744073709551615 of INC-7, and no checklist has that \
             many steps. See the current steps with /incident status INC-7, and confirm one \
             with /incident step INC-7 <number> done."
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

    #[test]
    fn custom_ids_round_trip_and_fit_discord() {
        let button = StepButton {
            incident: 7,
            step: 3,
            action: StepAction::Done,
        };
        assert_eq!(button.custom_id(), "step_done:INC-7:3");
        assert_eq!(
            parse_custom_id("step_skip:INC-42:0").map(|b| b.map(|b| b.action)),
            Some(Ok(StepAction::Skip))
        );
        let longest = StepButton {
            incident: u64::MAX,
            step: usize::MAX,
            action: StepAction::Done,
        };
        assert!(longest.custom_id().chars().count() <= CUSTOM_ID_MAX);
    }

    #[test]
    fn junk_custom_ids_are_refused() {
        for custom_id in [
            "",
            "step_done",
            "step_done:",
            "step_done:INC-7",
            "step_done:INC-7:",
            "step_done:INC-7:3:",
            "step_done:INC-7:3:skip",
            "step_done::INC-7:3",
            "step_done INC-7:3",
            "checklist:INC-42:step-3",
            "checklist:INC-42:step-3:skip",
            "step_nope:INC-7:3",
            "STEP_DONE:INC-7:3",
            ":INC-7:3",
        ] {
            assert_eq!(parse_custom_id(custom_id), None, "{custom_id}");
        }
    }

    #[test]
    fn a_click_is_the_step_command_people_type() {
        let button = StepButton {
            incident: 7,
            step: 2,
            action: StepAction::Fail,
        };
        let commands::Command::Step(step) = button.command(Some("disk full".into())) else {
            panic!("a step button is a step command");
        };
        assert_eq!(step.incident, Some(commands::IncidentRef(7)));
        assert_eq!(step.number, Some(3), "people count steps from 1");
        assert_eq!(step.action, commands::StepAction::Fail);
        assert_eq!(step.note.as_deref(), Some("disk full"));
    }

    #[test]
    fn a_tracks_done_button_names_it_within_the_limit() {
        assert_eq!(
            track_label(StepAction::Done, 1, "Database recovery"),
            "Done · 2 Database recovery"
        );
        assert_eq!(
            track_label(StepAction::Skip, 1, "Database recovery"),
            "Skip"
        );
        assert_eq!(
            track_label(StepAction::Fail, 1, "Database recovery"),
            "Failed"
        );
        let long = track_label(StepAction::Done, 11, &"Restore ".repeat(20));
        assert_eq!(long.chars().count(), LABEL_MAX);
        assert!(
            long.starts_with("Done · 12 Restore") && long.ends_with('…'),
            "{long}"
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(action_id in ".{0,20}", value in ".{0,40}") {
            let _ = parse_step_action(&action_id, &value);
            let _ = parse_custom_id(&format!("{action_id}:{value}"));
            let _ = parse_custom_id(&value);
        }

        #[test]
        fn every_custom_id_round_trips(incident in any::<u64>(), step in 0..=LAST_STEP, which in 0usize..3) {
            let button = StepButton { incident, step, action: StepAction::ALL[which] };
            prop_assert_eq!(parse_custom_id(&button.custom_id()), Some(Ok(button)));
        }

        #[test]
        fn every_button_round_trips(incident in any::<u64>(), step in 0..=LAST_STEP, which in 0usize..3) {
            let button = StepButton { incident, step, action: StepAction::ALL[which] };
            prop_assert_eq!(parse_step_action(button.action_id(), &button.value()), Some(Ok(button)));
        }

        #[test]
        fn a_step_past_the_last_is_refused(incident in any::<u64>(), step in (LAST_STEP + 1).., which in 0usize..3) {
            let button = StepButton { incident, step, action: StepAction::ALL[which] };
            let parsed = parse_step_action(button.action_id(), &button.value());
            prop_assert!(matches!(parsed, Some(Err(_))), "{:?}", parsed);
        }
    }
}
