//! Answers to the person who asked: an incident's status, the open incidents, the scenarios.

use super::format::{bar, date_time, elapsed_secs, minutes, roles_text, short_time};
use super::lifecycle::{confirmed_text, follow_up_due, rpo_summary};
use super::restoration::{resolution_fields, rto_fields};
use super::{heading, quoted_remark, text, with_current_step};
use crate::incident::{Incident, IncidentId, Status};
use crate::notify::message::{Block, Message, MessageKind};
use crate::runbook::{Runbook, Scenario};

/// Where one incident stands: state, progress, current step, clocks, roles, updates.
pub fn status(
    incident: &Incident,
    runbook: &Runbook,
    now_ms: i64,
    next_update_ms: Option<i64>,
) -> Message {
    let mut message = Message::new(MessageKind::Reply, Some(incident.id.number())).with(heading(
        incident,
        &format!("{} · {}", incident.scenario.title, incident.severity),
    ));
    if incident.drill {
        message = message.with(text("This is a drill."));
    }
    let state = incident.status();
    let done = incident.confirmed_steps();
    let total = incident.steps.len();
    let phase = incident
        .current_steps()
        .first()
        .map_or("all steps confirmed", |&index| {
            incident.steps[index].phase.as_str()
        });
    let mut fields = vec![
        ("Status".to_string(), status_text(incident, state)),
        (
            "Progress".to_string(),
            format!("{} {done}/{total} · {phase}", bar(done, total)),
        ),
    ];
    match &incident.resolution {
        None => {
            let label = if incident.is_open() {
                "Elapsed"
            } else {
                "Duration"
            };
            fields.push((label.to_string(), minutes(elapsed_secs(incident, now_ms))));
            fields.extend(rto_fields(incident, now_ms));
        }
        Some(resolution) => fields.extend(resolution_fields(incident, resolution.at_ms)),
    }
    if incident.last_good_data_ms.is_some() {
        fields.push(("Last good data".to_string(), rpo_summary(incident)));
    }
    fields.push(("Roles".to_string(), roles_text(incident)));
    if !incident.services.is_empty() {
        fields.push(("Services".to_string(), incident.services.join(", ")));
    }
    fields.push((
        "Latest note".to_string(),
        incident.latest_note.as_ref().map_or_else(
            || "none yet".to_string(),
            |remark| quoted_remark(incident, remark),
        ),
    ));
    if incident.is_open() {
        let mut updates = match incident.updates_posted {
            0 => "none posted yet".to_string(),
            number => format!("#{number} posted"),
        };
        if let Some(next) = next_update_ms {
            updates.push_str(&format!(
                " · next at {}",
                short_time(next, incident.opened_at_ms)
            ));
        }
        fields.push(("Updates".to_string(), updates));
    }
    if let Some(resolution) = &incident.resolution {
        let root_cause = resolution
            .root_cause
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .unwrap_or("to be determined");
        fields.push(("Root cause".to_string(), root_cause.to_string()));
        let due: Vec<String> = runbook
            .follow_ups
            .iter()
            .filter_map(|group| {
                let due = follow_up_due(incident, group)?;
                Some(format!("{} (due {})", group.deadline, date_time(due)))
            })
            .collect();
        if !due.is_empty() {
            fields.push(("Follow-ups".to_string(), due.join(" · ")));
        }
    }
    message = message.with(Block::Fields { fields });
    if incident.is_open() {
        return with_current_step(message, incident, now_ms);
    }
    message.with(text(format!(
        "Post-mortem draft: /postmortem {}",
        incident.reference()
    )))
}

/// `Recovering`, with when and by whom once resolved.
fn status_text(incident: &Incident, state: Status) -> String {
    match &incident.resolution {
        Some(resolution) => format!(
            "Resolved {} by {} · steps confirmed {}",
            date_time(resolution.at_ms),
            resolution.by.name,
            confirmed_text(incident)
        ),
        None => super::cancellation_text(incident).unwrap_or_else(|| state.to_string()),
    }
}

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
