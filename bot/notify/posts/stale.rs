//! An incident left alone: the one question whether it is still going, with the commands that
//! end the silence.

use super::format::{clock_time, minutes, short_time};
use super::{heading, text};
use crate::incident::Incident;
use crate::notify::message::{Message, MessageKind};

/// Nobody has acted on `incident` for `quiet_secs`: is it still going? Updates come hourly
/// (the next at `next_update_ms`) instead of every `usual_secs` until someone acts.
pub fn stale_question(
    incident: &Incident,
    quiet_secs: u64,
    usual_secs: u64,
    next_update_ms: i64,
) -> Message {
    let id = incident.reference();
    Message::new(MessageKind::Update, Some(incident.id.number()))
        .with(heading(incident, "Still going?"))
        .with(text(format!(
            "Nobody has acted on {id} for {} (last at {}). Is it still going?",
            minutes(quiet_secs),
            clock_time(incident.last_human_ms(), incident.opened_at_ms)
        )))
        .with(text(format!(
            "• Service is back: /incident restored {id}\n\
             • It is over: /incident resolve {id} [root cause]\n\
             • Opened by mistake, or a duplicate: /incident cancel {id} <reason>\n\
             • Still working on it: any command, e.g. /incident update {id} <where things stand>"
        )))
        .with(text(format!(
            "Until someone acts, updates come hourly (next at {}) instead of every {}.",
            short_time(next_update_ms, incident.opened_at_ms),
            minutes(usual_secs)
        )))
}
