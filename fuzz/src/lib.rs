//! What the fuzz targets check beyond "no panic": properties every decoder shares. A broken
//! property panics, which AFL++ records as a crash with the input that caused it.

use commands::Command;
use incident_bot::chat::incident_buttons::Button;

/// A parsed command's canonical text (what the bot echoes, `Display`) parses back to the same
/// command: nothing typed is lost or changed on the way through.
pub fn assert_canonical_text_round_trips(command: &Command) {
    let text = command.to_string();
    assert_eq!(
        commands::parse_line(&text).as_ref(),
        Ok(command),
        "the canonical text {text:?} does not parse back to {command:?}"
    );
}

/// A button the bot decoded is one it could have made: its Slack `action_id`/`value` and its
/// Discord `custom_id` decode back to the same button.
pub fn assert_button_round_trips(button: &Button) {
    assert_eq!(
        Button::parse(button.action_id(), &button.value()),
        Some(Ok(*button)),
        "{button:?} does not survive its Slack action"
    );
    assert_eq!(
        Button::parse_custom_id(&button.custom_id()),
        Some(Ok(*button)),
        "{button:?} does not survive its Discord custom_id"
    );
}

/// A refusal the bot shows a person says something.
pub fn assert_refusal_is_worded(words: &str) {
    assert!(!words.trim().is_empty(), "an empty refusal");
}
