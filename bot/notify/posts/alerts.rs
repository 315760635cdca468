//! What the bot says about monitoring alerts: the offer of an incident for an alert no open
//! incident takes (edited in place when it repeats or resolves), an alert told in its incident's
//! thread, the incident an alert opened (its commander to be claimed), and the suggestion to say
//! `/incident restored` once every alert of an incident has cleared.

use commands::{Open, Severity};

use super::format::short_time;
use super::{heading, text};
use crate::alerts::{Alert, AlertStatus};
use crate::incident::Incident;
use crate::notify::message::{Block, Message, MessageKind};
use crate::runbook::{Runbook, Scenario};

/// What the bot made of an alert: the scenario it calls for (if any), why, and its severity.
pub struct AlertReading<'a> {
    pub scenario: Option<&'a Scenario>,
    /// `matched on the symptom “…”`, or why no scenario.
    pub reason: String,
    /// The alert's severity, else the scenario's.
    pub severity: Option<Severity>,
}

/// `DatabaseConnectionFailures (Alertmanager)`.
fn named(alert: &Alert) -> String {
    format!("{} ({})", alert.name, alert.source.display_name())
}

/// The alert's summary, description and link, one per line.
fn details(alert: &Alert) -> Option<Block> {
    let lines: Vec<String> = [
        alert.summary.clone(),
        alert.description.clone(),
        alert.link.as_ref().map(|link| format!("Look: {link}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!lines.is_empty()).then(|| text(lines.join("\n")))
}

/// The `/incident open …` line for the alert, to copy.
fn open_line(alert: &Alert, reading: &AlertReading<'_>) -> String {
    let scenario = reading
        .scenario
        .map(|scenario| scenario.short_name().to_string());
    let open = Open {
        severity: reading.severity.unwrap_or(Severity::High),
        scenario: scenario.clone().unwrap_or_else(|| "SCENARIO".to_string()),
        services: Vec::new(),
        description: Some(alert.headline().unwrap_or(&alert.name).to_string()),
        new: false,
    };
    let line = open.to_string();
    match scenario {
        Some(_) => line,
        // The placeholder is for the reader to replace, not a quoted name.
        None => line.replacen("SCENARIO", "<scenario>", 1),
    }
}

/// An alert no open incident takes, below `ALERTS_AUTO_OPEN`: offered, with the line to open it.
/// The same message is edited when the alert repeats or resolves.
pub fn alert_offer(
    alert: &Alert,
    reading: &AlertReading<'_>,
    runbook: &Runbook,
    now_ms: i64,
) -> Message {
    let mut message = Message::new(MessageKind::Alert, None);
    message = match alert.status {
        AlertStatus::Firing => message.with(Block::Heading {
            text: format!("Alert firing: {}", named(alert)),
        }),
        AlertStatus::Resolved => message.with(Block::Heading {
            text: format!(
                "Alert resolved at {}: {}",
                short_time(alert.ends_at_ms.unwrap_or(now_ms), now_ms),
                named(alert)
            ),
        }),
    };
    if let Some(details) = details(alert) {
        message = message.with(details);
    }
    if alert.status == AlertStatus::Resolved {
        return message.with(text("It cleared by itself; nothing to open."));
    }
    message = match reading.scenario {
        Some(scenario) => message.with(text(format!(
            "Runbook: Scenario {}: {} ({}).",
            scenario.number, scenario.title, reading.reason
        ))),
        None => {
            let choices: Vec<String> = runbook
                .scenarios
                .iter()
                .map(|scenario| format!("• {} — {}", scenario.short_name(), scenario.title))
                .collect();
            message.with(text(format!(
                "No runbook scenario matched: {}. Scenarios to choose from:\n{}",
                reading.reason,
                choices.join("\n")
            )))
        }
    };
    message
        .with(text("To open an incident for it:"))
        .with(Block::Code {
            lang: None,
            code: open_line(alert, reading),
        })
}

/// An alert told in the thread of the incident that takes it.
pub fn alert_told(incident: &Incident, alert: &Alert, again: bool, now_ms: i64) -> Message {
    let told = match alert.status {
        AlertStatus::Firing if again => format!("Alert {} is firing again", named(alert)),
        AlertStatus::Firing => format!("Alert {} is firing", named(alert)),
        AlertStatus::Resolved => format!(
            "{} resolved at {}",
            named(alert),
            short_time(alert.ends_at_ms.unwrap_or(now_ms), incident.opened_at_ms)
        ),
    };
    let mut message =
        Message::new(MessageKind::Alert, Some(incident.id.number())).with(heading(incident, &told));
    if alert.status == AlertStatus::Firing {
        if let Some(details) = details(alert) {
            message = message.with(details);
        }
    }
    message
}

/// Every alert of the incident has cleared: the bot suggests saying so, and resolves nothing.
pub fn alerts_cleared(incident: &Incident) -> Block {
    let id = incident.reference();
    text(format!(
        "All alerts of {id} have cleared. If service is back, say so: /incident restored {id}"
    ))
}

/// What the bot posts in the thread of an incident an alert opened: which alert, why this
/// scenario, and that the commander is to be claimed.
pub fn opened_from_alert(incident: &Incident, alert: &Alert, reason: &str) -> Message {
    let mut message = Message::new(MessageKind::Alert, Some(incident.id.number())).with(heading(
        incident,
        &format!("Opened from alert {}", named(alert)),
    ));
    if let Some(details) = details(alert) {
        message = message.with(details);
    }
    message.with(text(format!(
        "Scenario {}: {} ({reason}).\nNobody is commander yet: claim it: /incident assign {} \
         commander @me",
        incident.scenario.number,
        incident.scenario.title,
        incident.reference()
    )))
}
