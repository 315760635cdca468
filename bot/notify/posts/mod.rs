//! One function per message the bot posts or replies, from incident state (and the runbook).
//! Pure: no IO, no clock — the time is passed in. All text is plain; only `mentions` ping.
//!
//! Every message about an incident starts with a heading `INC-3 · …` (`[DRILL] INC-3 · …` for a
//! drill), and every message that shows a step says how to confirm it.

mod access;
mod alerts;
mod changes;
mod checklist;
mod corrections;
mod drill;
mod follow_ups;
pub mod format;
mod lifecycle;
mod phases;
mod refusals;
mod replies;
mod restoration;
mod stale;
mod status;
#[cfg(test)]
mod tests;
mod tracks;

pub use access::{elsewhere, not_a_responder};
pub use alerts::{alert_offer, alert_told, alerts_cleared, opened_from_alert, AlertReading};
pub use changes::{
    assigned, chosen_headline, last_good_data_recorded, retried_headline, severity_changed,
    CadenceChange,
};
pub use checklist::{checklist, confirmation_headline, nudge, step_failed};
use corrections::cancellation_text;
pub use corrections::{
    after_resolve, already_open, cancelled, note_after_resolve, postmortem_final,
    postmortem_final_marked, reopened, root_cause_amended,
};
pub use drill::{drill_history, drill_report};
pub use follow_ups::{follow_up_list, follow_up_ticked, ListMoment};
pub use lifecycle::{
    change, follow_up, follow_up_due, note, opened, resolved, rpo_summary, rpo_verdict,
    rto_warning, update,
};
pub use refusals::{
    incident_gone, no_open_incident, no_such_incident_here, nothing_to_drill, refused,
    unknown_scenario, which_incident,
};
pub use replies::{help, list, opened_reply, postmortem, postmortem_posting, scenarios};
pub use restoration::{
    resolved_with_open_steps, restore_verdict, restored, since_opening, some_already_restored,
    with_rto_warning,
};
pub use stale::stale_question;
pub use status::status;

use super::message::{Block, Message};
use crate::incident::Incident;
use format::step_suffix;

/// How to confirm the current step, for messages that show it as text.
pub(crate) const CONFIRM_HINT: &str =
    "Confirm it: /incident step done [note] · skip <reason> · fail <what happened>";

/// How to confirm tracks running in parallel.
pub(crate) const TRACKS_HINT: &str = "Confirm each by its number: /incident step <number> done \
     [note] · skip <reason> · fail <what happened>";

/// `[DRILL] ` for drills.
fn drill_tag(incident: &Incident) -> &'static str {
    if incident.drill {
        "[DRILL] "
    } else {
        ""
    }
}

/// `[DRILL] INC-3 · {rest}`.
fn heading(incident: &Incident, rest: &str) -> Block {
    Block::Heading {
        text: format!("{}{} · {rest}", drill_tag(incident), incident.reference()),
    }
}

fn text(text: impl Into<String>) -> Block {
    Block::Text { text: text.into() }
}

/// `Step 5 of 11 · Restore from most recent backup · budget 15m–30m`.
fn step_line(incident: &Incident, index: usize) -> String {
    match incident.steps.get(index) {
        Some(step) => format!(
            "Step {} of {} · {}{}",
            index + 1,
            incident.steps.len(),
            step.title,
            step_suffix(step)
        ),
        None => format!("Step {}", index + 1),
    }
}

/// `Step 5 (Restore from most recent backup)`.
fn step_name(incident: &Incident, index: usize) -> String {
    match incident.steps.get(index) {
        Some(step) => format!("Step {} ({})", index + 1, step.title),
        None => format!("Step {}", index + 1),
    }
}

/// What to do about a failed step; for a track, the commands name it by its number.
fn ways_forward(incident: &Incident, index: usize) -> String {
    let waits = match incident.steps.get(index).and_then(|step| step.track) {
        Some(_) => "The steps after this group wait on this track",
        None => "The checklist waits on this step",
    };
    let step = step_words(incident, index);
    format!(
        "{waits}. Ways forward:\n\
         • /incident {step} retry [note] — try it again\n\
         • /incident {step} skip <reason> — move on without it\n\
         • /incident {step} done <workaround> — it was done another way; say how"
    )
}

/// How to go on from failed step `index`: `Step 5 failed — /incident step retry [note] · skip
/// <reason> · done <workaround>` (`step 5` while tracks run).
fn failed_hint(incident: &Incident, index: usize) -> String {
    format!(
        "Step {} failed — /incident {} retry [note] · skip <reason> · done <workaround>",
        index + 1,
        step_words(incident, index)
    )
}

/// What the state calls for besides confirming steps: the way forward from each failed current
/// step, and once every service is back while steps remain, resolving.
fn state_hints(incident: &Incident) -> Vec<String> {
    if !incident.is_open() {
        return Vec::new();
    }
    let current = incident.current_steps();
    let mut hints: Vec<String> = current
        .iter()
        .filter(|&&index| incident.steps[index].failure.is_some())
        .map(|&index| failed_hint(incident, index))
        .collect();
    if !current.is_empty() {
        hints.extend(resolve_hint(incident));
    }
    hints
}

/// Once every service is back in an open incident: resolve it.
fn resolve_hint(incident: &Incident) -> Option<String> {
    (incident.is_open() && incident.is_restored())
        .then(|| restoration::what_next(incident).to_string())
}

/// The `/incident step …` words that name step `index`: `step` for a step run on its own,
/// `step 5` for a track (with several current, the number is needed).
fn step_words(incident: &Incident, index: usize) -> String {
    match incident.steps.get(index).and_then(|step| step.track) {
        Some(_) => format!("step {}", index + 1),
        None => "step".to_string(),
    }
}

/// The buttons for what is current: a step's, or each open track's; none when every step is
/// confirmed or the incident is closed.
fn current_actions(incident: &Incident) -> Option<Block> {
    if !incident.is_open() {
        return None;
    }
    if incident.current_group().is_some() {
        return Some(tracks::actions(incident));
    }
    incident.only_current_step().map(|step| Block::StepActions {
        incident: incident.id.number(),
        step,
    })
}

/// Where an open incident's checklist stands: the current step (or each open track) with its
/// buttons, or, once every step is confirmed, what comes next.
fn with_current_step(message: Message, incident: &Incident, now_ms: i64) -> Message {
    with_actions(
        message,
        incident,
        checklist::current_step_text(incident, now_ms),
    )
}

/// `lead` (what the current steps are, or how to go on with them) and the buttons for what is
/// current; once every step is confirmed, what comes next instead.
fn with_actions(message: Message, incident: &Incident, lead: Option<String>) -> Message {
    let Some(actions) = current_actions(incident) else {
        return message.with(text(restoration::every_step_confirmed(incident)));
    };
    let message = match lead {
        Some(lead) => message.with(text(lead)),
        None => message,
    };
    message.with(actions)
}

/// `"text" — alice, 03:10:00 UTC` (with the date when not on the incident's first day).
fn quoted_remark(incident: &Incident, remark: &crate::incident::Remark) -> String {
    format!(
        "\"{}\" — {}, {}",
        remark.text.trim(),
        remark.by.name,
        format::clock_time(remark.at_ms, incident.opened_at_ms)
    )
}
