//! Answers to the person who asked: the open incidents, the scenarios, help, the post-mortem.

use super::format::{elapsed_secs, minutes};
use super::text;
use crate::incident::{Incident, IncidentId};
use crate::notify::message::{Block, Message, MessageKind};
use crate::runbook::{Runbook, Scenario};

/// The incidents of a channel, one line each.
pub fn list(incidents: &[Incident], now_ms: i64) -> Message {
    if incidents.is_empty() {
        return Message::text(
            MessageKind::Reply,
            None,
            "No open incidents in this channel. Open one with /incident open <severity> <scenario>",
        );
    }
    let lines: Vec<String> = incidents
        .iter()
        .map(|incident| {
            format!(
                "{}{} · {} · {} · {} · {}/{} · {}",
                super::drill_tag(incident),
                incident.reference(),
                incident.severity,
                incident.scenario.title,
                incident.status(),
                incident.confirmed_steps(),
                incident.steps.len(),
                minutes(elapsed_secs(incident, now_ms))
            )
        })
        .collect();
    let title = if incidents.iter().all(Incident::is_open) {
        "Open incidents in this channel"
    } else {
        "Incidents in this channel"
    };
    Message::new(MessageKind::Reply, None)
        .with(Block::Heading {
            text: format!("{title}: {}", incidents.len()),
        })
        .with(text(lines.join("\n")))
        .with(text("Details: /incident status INC-n"))
}

/// The runbook's scenarios, with the names to open them by.
pub fn scenarios(runbook: &Runbook) -> Message {
    if runbook.scenarios.is_empty() {
        return Message::text(
            MessageKind::Reply,
            None,
            "The runbook has no scenarios. Check it with: incident-bot check-runbook",
        );
    }
    let rows: Vec<[String; 5]> = runbook
        .scenarios
        .iter()
        .map(|scenario| {
            let steps = scenario.steps().count();
            [
                scenario.number.to_string(),
                scenario.short_name().to_string(),
                scenario.title.clone(),
                scenario
                    .severity
                    .map_or_else(|| "-".to_string(), |severity| severity.to_string()),
                super::format::count(steps, "step"),
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let table: Vec<String> = rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect();
    Message::new(MessageKind::Reply, None)
        .with(Block::Heading {
            text: format!("Scenarios in the runbook: {}", runbook.scenarios.len()),
        })
        .with(Block::Code {
            lang: None,
            code: table.join("\n"),
        })
        .with(text(
            "Open one: /incident open <severity> <scenario> — practise one: /incident drill <scenario>",
        ))
}

/// `/incident help`: the command language's own help text.
pub fn help(text: String) -> Message {
    Message::new(MessageKind::Reply, None).with(Block::Code {
        lang: None,
        code: text,
    })
}

/// What the person who opened an incident is told besides the posts: the scenario the words they
/// typed matched (`INC-1 opened: db-los → Complete Database Loss (scenario 1, db-loss).`), and the
/// services the RTO/RPO table does not list; nothing when neither applies.
pub fn opened_reply(
    id: IncidentId,
    matched: Option<(&str, &Scenario)>,
    unknown_services: &[String],
) -> Option<Message> {
    let mut text = match matched {
        Some((typed, scenario)) => format!(
            "{id} opened: {typed} → {} (scenario {}, {}).",
            scenario.title,
            scenario.number,
            scenario.short_name()
        ),
        None if unknown_services.is_empty() => return None,
        None => format!("{id} opened."),
    };
    if !unknown_services.is_empty() {
        text.push_str(&format!(
            " Not in the RTO/RPO table, so not measured: {}",
            unknown_services.join(", ")
        ));
    }
    Some(Message::text(MessageKind::Reply, Some(id.number()), text))
}

/// The post-mortem draft, posted in the channel as a Markdown file.
pub fn postmortem(incident: &Incident, markdown: String) -> Message {
    let state = if incident.is_open() {
        "draft in progress"
    } else {
        "draft"
    };
    Message::text(
        MessageKind::Reply,
        Some(incident.id.number()),
        format!(
            "Post-mortem {state} for {} — edit it and share it.",
            incident.reference()
        ),
    )
    .with(Block::Document {
        filename: format!("{}-postmortem.md", incident.reference()),
        markdown,
    })
}

/// What the person who asked for the post-mortem sees while the channel gets it.
pub fn postmortem_posting(incident: &Incident) -> Message {
    Message::text(
        MessageKind::Reply,
        Some(incident.id.number()),
        format!(
            "The post-mortem draft of {} is being posted in this channel as a Markdown file.",
            incident.reference()
        ),
    )
}
