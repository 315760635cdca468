//! Why a command could not run, for the person who asked, with what to type instead. `usage` is
//! the command's usage line from the command language.

use crate::incident::{DomainError, Incident};
use crate::notify::message::{Message, MessageKind};
use crate::runbook::LookupError;

/// A refusal in one paragraph.
fn refusal(text: impl Into<String>) -> Message {
    Message::text(MessageKind::Error, None, text)
}

/// What the checklist rules refused.
pub fn refused(error: &DomainError) -> Message {
    refusal(error.to_string())
}

/// An incident named that is not in this workspace.
pub fn no_such_incident_here(id: u64) -> Message {
    refusal(format!(
        "There is no INC-{id} here. See the open incidents with /incident list"
    ))
}

/// An incident that disappeared from the store while a command was deciding on it.
pub fn incident_gone(id: u64) -> Message {
    refusal(format!("There is no INC-{id}."))
}

/// A command that needs an incident, in a channel without an open one.
pub fn no_open_incident(usage: &str) -> Message {
    refusal(format!(
        "No open incident in this channel. Open one with /incident open <severity> <scenario> — usage: {usage}"
    ))
}

/// A command that needs an incident, in a channel with several open: name one.
pub fn which_incident(open: &[&Incident], usage: &str) -> Message {
    let named: Vec<String> = open
        .iter()
        .map(|incident| format!("{} ({})", incident.reference(), incident.scenario.title))
        .collect();
    let example = open.first().map_or_else(
        || usage.to_string(),
        |first| usage.replacen("[INC-n]", &first.reference(), 1),
    );
    refusal(format!(
        "{} incidents are open here: {} — name one, e.g. {example}",
        open.len(),
        named.join(", ")
    ))
}

/// A scenario name that matches none, or several, of the runbook's.
pub fn unknown_scenario(error: &LookupError, usage: &str) -> Message {
    refusal(format!("{error} — usage: {usage}"))
}

/// `/incident drill random` with a runbook without scenarios.
pub fn nothing_to_drill() -> Message {
    refusal("The runbook has no scenarios to drill: check it with incident-bot check-runbook")
}
