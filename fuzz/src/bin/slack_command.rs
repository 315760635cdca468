//! Fuzz target: a Slack slash command's form body (`application/x-www-form-urlencoded`), as
//! `chat/slack/http` decodes it, to a command or the refusal a person sees.

use incident_bot::chat::slack::ingress::SlashCommand;
use incident_bot_fuzz::{assert_canonical_text_round_trips, assert_refusal_is_worded};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(form) = serde_urlencoded::from_bytes::<SlashCommand>(data) else {
            return;
        };
        match form.parsed() {
            Ok(command) => assert_canonical_text_round_trips(&command),
            Err(refusal) => assert_refusal_is_worded(&refusal.plain_text()),
        }
    });
}
