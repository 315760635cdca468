//! Fuzz target: a Slack interaction's JSON `payload` (button clicks, the reason modal), decoded
//! by `chat/slack/ingress` to what it asks of the engine. A button it decodes is one the bot
//! could have made, and a reason is handed on trimmed.

use incident_bot::chat::follow_up_buttons::parse_follow_up_action;
use incident_bot::chat::slack::ingress::{Decoded, InteractionPayload};
use incident_bot_fuzz::{assert_button_round_trips, assert_refusal_is_worded};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(json) = std::str::from_utf8(data) else {
            return;
        };
        let Ok(payload) = InteractionPayload::parse(json) else {
            return;
        };
        match payload.decoded() {
            Decoded::FollowUp(button) => assert_eq!(
                parse_follow_up_action(&button.action_id(), &button.value()),
                Some(button)
            ),
            Decoded::Click(Ok(button)) => assert_button_round_trips(&button),
            Decoded::Reason { button, reason, .. } => {
                assert_eq!(reason, reason.trim(), "the reason is not trimmed");
                match button {
                    Ok(button) => assert_button_round_trips(&button),
                    Err(out_of_range) => assert_refusal_is_worded(&out_of_range.to_string()),
                }
            }
            Decoded::Click(Err(out_of_range)) => {
                assert_refusal_is_worded(&out_of_range.to_string())
            }
            Decoded::Nothing => {}
        }
    });
}
