//! Fuzz target: a Discord interaction's JSON body, decoded by serenity's models as
//! `chat/discord/http` does, then by `chat/discord` (`application_commands` for slash commands
//! and autocompletion, the button and reason-modal `custom_id`s of `ingress`).

use std::sync::OnceLock;

use incident_bot::chat::discord::application_commands::{
    autocomplete_choices, command_from_interaction,
};
use incident_bot::chat::discord::ingress::reason_modal_button;
use incident_bot::chat::follow_up_buttons::parse_follow_up_custom_id;
use incident_bot::chat::incident_buttons::Button;
use incident_bot::runbook::{self, Runbook, DEFAULT_RUNBOOK};
use incident_bot_fuzz::{
    assert_button_round_trips, assert_canonical_text_round_trips, assert_refusal_is_worded,
};
use serenity::all::Interaction;

/// The bundled runbook, whose scenarios autocompletion offers.
fn bundled() -> &'static Runbook {
    static RUNBOOK: OnceLock<Runbook> = OnceLock::new();
    RUNBOOK.get_or_init(|| runbook::parse(DEFAULT_RUNBOOK))
}

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(interaction) = serde_json::from_slice::<Interaction>(data) else {
            return;
        };
        match interaction {
            Interaction::Command(command) => match command_from_interaction(&command.data) {
                Ok(command) => assert_canonical_text_round_trips(&command),
                Err(error) => assert_refusal_is_worded(&error.to_string()),
            },
            Interaction::Autocomplete(typing) => {
                for (label, value) in autocomplete_choices(bundled(), &typing.data) {
                    assert!(
                        label.chars().count() <= 100,
                        "choice label over 100: {label}"
                    );
                    assert!(
                        value.chars().count() <= 100,
                        "choice value over 100: {value}"
                    );
                }
            }
            Interaction::Component(click) => {
                let custom_id = &click.data.custom_id;
                if let Some(button) = parse_follow_up_custom_id(custom_id) {
                    assert_eq!(parse_follow_up_custom_id(&button.custom_id()), Some(button));
                }
                decoded(Button::parse_custom_id(custom_id));
            }
            Interaction::Modal(submitted) => {
                decoded(reason_modal_button(&submitted.data.custom_id))
            }
            _ => {}
        }
    });
}

fn decoded(button: Option<Result<Button, impl std::fmt::Display>>) {
    match button {
        Some(Ok(button)) => assert_button_round_trips(&button),
        Some(Err(out_of_range)) => assert_refusal_is_worded(&out_of_range.to_string()),
        None => {}
    }
}
