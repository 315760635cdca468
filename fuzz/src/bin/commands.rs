//! Fuzz target: the `/incident` and `/postmortem` command language (`commands`). Any text parses
//! or is refused with words, and a parsed command's canonical text parses back to it.

use incident_bot_fuzz::{assert_canonical_text_round_trips, assert_refusal_is_worded};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        for parsed in [
            commands::parse_line(text),
            commands::parse_incident(text),
            commands::parse_postmortem(text),
        ] {
            match parsed {
                Ok(command) => assert_canonical_text_round_trips(&command),
                Err(error) => assert_refusal_is_worded(&error.to_string()),
            }
        }
    });
}
