//! The timeline section: every recorded event, in words, at its time.

use std::fmt::Write as _;

use commands::duration::format_duration;

use super::{inline, quoted, time_of};
use crate::incident::correction::amends;
use crate::incident::follow_ups::item_ref;
use crate::incident::{AlertNote, Event, Incident, Outcome, Recorded, Status};
use crate::notify::format::{allowance, budget_text, date_time, minutes, secs_between};
use crate::notify::{rpo_summary, since_opening};
use crate::runbook::Runbook;

pub(super) fn timeline_section(
    out: &mut String,
    incident: &Incident,
    timeline: &[Recorded],
    runbook: &Runbook,
) {
    let _ = writeln!(out, "## Timeline\n");
    if timeline.is_empty() {
        let _ = writeln!(out, "_No events recorded._\n");
        return;
    }
    let _ = writeln!(
        out,
        "All times UTC, {}.\n",
        date_time(incident.opened_at_ms)
            .split(' ')
            .next()
            .unwrap_or_default()
    );
    for told in told(incident, timeline, runbook) {
        let amended = if told.after_resolve {
            " (after resolve)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "- {} — {}{amended}",
            time_of(told.at_ms, incident.opened_at_ms),
            told.words
        );
    }
    out.push('\n');
}

/// One event of the timeline, in words.
pub(super) struct Told {
    pub at_ms: i64,
    pub words: String,
    /// An amendment (`correction::amends`) recorded while the incident was resolved.
    pub after_resolve: bool,
}

/// Every event in words. Replays the timeline, so that each event is told against the state it
/// changed.
pub(super) fn told(incident: &Incident, timeline: &[Recorded], runbook: &Runbook) -> Vec<Told> {
    let mut state: Option<Incident> = None;
    let mut told = Vec::new();
    for recorded in timeline {
        let before = state.as_ref().unwrap_or(incident);
        told.push(Told {
            at_ms: recorded.at_ms,
            words: describe(recorded, before, incident, runbook),
            after_resolve: before.status() == Status::Resolved && amends(&recorded.event),
        });
        match (&recorded.event, state.as_mut()) {
            (Event::Opened(opening), _) => {
                state = Some(Incident::opened(
                    incident.id,
                    opening,
                    recorded.at_ms,
                    &recorded.by,
                ))
            }
            (_, Some(current)) => current.apply(recorded),
            (_, None) => {}
        }
    }
    told
}

/// An alert's name, and its summary when it says more.
fn alert_told(alert: &AlertNote) -> String {
    let name = quoted(&inline(&alert.name));
    match alert.summary.as_deref().map(inline) {
        Some(summary) if !summary.is_empty() && summary != alert.name => {
            format!("{name} ({})", quoted(&summary))
        }
        _ => name,
    }
}

/// ` (Alertmanager)`: which system told.
fn from(alert: &AlertNote) -> String {
    format!(" ({})", alert.source.display_name())
}

/// `step 1 “Confirm the issue”`.
pub(super) fn step_ref(state: &Incident, step: usize) -> String {
    match state.steps.get(step) {
        Some(found) => format!("step {} {}", step + 1, quoted(&found.title)),
        None => format!("step {}", step + 1),
    }
}

/// One event in words, told against the state before it.
fn describe(
    recorded: &Recorded,
    before: &Incident,
    incident: &Incident,
    runbook: &Runbook,
) -> String {
    let by = inline(&recorded.by.name);
    match &recorded.event {
        Event::Opened(opening) => {
            let what = if opening.drill {
                "started the drill"
            } else {
                "opened the incident"
            };
            let mut line = format!("{by} {what} ({})", opening.severity);
            if let Some(description) = opening.description.as_deref().map(inline) {
                if !description.is_empty() {
                    line.push_str(&format!(": {}", quoted(&description)));
                }
            }
            line
        }
        Event::StepConfirmed {
            step,
            outcome,
            note,
        } => {
            let name = step_ref(before, *step);
            let state = before.steps.get(*step);
            let note = note.as_deref().map(inline).filter(|note| !note.is_empty());
            match outcome {
                Outcome::Skipped => match note {
                    Some(reason) => format!("{by} skipped {name}: {}", quoted(&reason)),
                    None => format!("{by} skipped {name}"),
                },
                Outcome::Done => {
                    let actual = state
                        .and_then(|state| state.started_at_ms)
                        .map(|started| format_duration(secs_between(started, recorded.at_ms)));
                    let allowed = state.and_then(allowance);
                    let timing = match (actual, allowed) {
                        (Some(actual), Some(allowed)) => format!("done, {actual} of {allowed}"),
                        (Some(actual), None) => format!("done, {actual}"),
                        (None, _) => "done".to_string(),
                    };
                    let mut line = format!("{by} confirmed {name} ({timing})");
                    if let Some(note) = note {
                        line.push_str(&format!(": {}", quoted(&note)));
                    }
                    line
                }
            }
        }
        Event::StepFailed { step, note } => format!(
            "{by} reported {} failed: {}",
            step_ref(before, *step),
            quoted(note)
        ),
        Event::StepRetried { step, note } => {
            let mut line = format!("{by} retried {}", step_ref(before, *step));
            if let Some(note) = note.as_deref().map(inline).filter(|note| !note.is_empty()) {
                line.push_str(&format!(": {}", quoted(&note)));
            }
            line
        }
        Event::OptionChosen { step, key } => {
            let title = before
                .steps
                .get(*step)
                .and_then(|state| state.options.iter().find(|(option, _)| option == key))
                .map(|(_, title)| format!(" {}", quoted(title)))
                .unwrap_or_default();
            format!(
                "{by} chose option {}{title} for {}",
                inline(key),
                step_ref(before, *step)
            )
        }
        Event::NoteAdded { text } => format!("{by} posted an update: {}", quoted(text)),
        Event::RoleAssigned { role, person } => {
            format!("{by} made {} {}", inline(&person.name), inline(role))
        }
        Event::SeverityChanged { severity } => format!(
            "{by} changed the severity from {} to {severity}",
            before.severity
        ),
        Event::LastGoodDataRecorded { at_ms } => {
            let mut recorded_state = before.clone();
            recorded_state.last_good_data_ms = Some(*at_ms);
            format!(
                "{by} recorded the last good data: {}",
                rpo_summary(&recorded_state)
            )
        }
        Event::Resolved { root_cause } => {
            match root_cause
                .as_deref()
                .map(inline)
                .filter(|cause| !cause.is_empty())
            {
                Some(cause) => {
                    format!("{by} resolved the incident; root cause: {}", quoted(&cause))
                }
                None => format!("{by} resolved the incident"),
            }
        }
        Event::UpdatePosted { number } => format!("update #{number} posted"),
        Event::RtoWarned { percent } => {
            let watch = before.rto_watch();
            let about = match watch.as_ref().map(|watch| watch.services.as_slice()) {
                Some([]) | None => String::new(),
                Some(services) => format!(" ({})", inline(&services.join(", "))),
            };
            match watch.map(|watch| watch.rto_secs).or(incident.rto_secs) {
                Some(rto) if *percent >= 100 => format!("RTO of {} exceeded{about}", minutes(rto)),
                Some(rto) => format!("RTO warning: {percent}% of {} used{about}", minutes(rto)),
                None => format!("RTO warning: {percent}% used"),
            }
        }
        Event::StepNudged { step } => {
            let budget = before
                .steps
                .get(*step)
                .and_then(|state| state.budget.as_ref())
                .map(|budget| format!(" {}", budget_text(budget)))
                .unwrap_or_default();
            format!(
                "{} passed its{budget} budget; nudge posted",
                step_ref(before, *step)
            )
        }
        Event::FollowUpReminded { group } => match runbook.follow_ups.get(*group) {
            Some(group) => format!("follow-up reminder posted: {}", inline(&group.deadline)),
            None => "follow-up reminder posted".to_string(),
        },
        Event::PostmortemPosted => format!("{by} posted the post-mortem draft"),
        Event::AlertFired { alert } => format!("alert {} fired{}", alert_told(alert), from(alert)),
        Event::AlertResolved { alert } => {
            format!("alert {} resolved{}", alert_told(alert), from(alert))
        }
        Event::StaleAsked => format!(
            "nobody had acted since {}: asked whether the incident is still going; updates hourly",
            time_of(before.last_human_ms(), incident.opened_at_ms)
        ),
        Event::FollowUpsScheduled { lists } => {
            let names: Vec<String> = lists.iter().map(|list| inline(&list.deadline)).collect();
            format!("follow-up lists scheduled: {}", names.join(", "))
        }
        Event::FollowUpOpened { list } => match incident.follow_ups.get(*list) {
            Some(found) => format!("follow-up list posted: {}", inline(&found.deadline)),
            None => "follow-up list posted".to_string(),
        },
        Event::FollowUpTicked { list, item, done } => {
            let title = incident
                .follow_ups
                .get(*list)
                .and_then(|found| found.items.get(*item))
                .map(|state| format!(" {}", quoted(&state.title)))
                .unwrap_or_default();
            let reference = item_ref(*list, *item);
            match done {
                true => format!("{by} ticked follow-up {reference}{title} as done"),
                false => format!("{by} took back the tick of follow-up {reference}{title}"),
            }
        }
        Event::DrillReported(report) => format!(
            "drill report posted: {} of {} steps confirmed, {} over budget",
            report.steps.done + report.steps.skipped,
            report.steps.total,
            report.over_budget.len()
        ),
        Event::ServicesRestored { services } => {
            let took = since_opening(incident, recorded.at_ms);
            let mut line = match services.as_slice() {
                [] => format!("{by} marked the incident restored ({took})"),
                services => format!(
                    "{by} marked {} restored ({took})",
                    inline(&services.join(", "))
                ),
            };
            let mut after = before.clone();
            after.apply(recorded);
            if after.is_restored() && !services.is_empty() {
                line.push_str("; every service is back");
            }
            line
        }
        Event::Reopened { reason } => with_quote(format!("{by} reopened the incident"), reason),
        Event::Cancelled {
            reason,
            duplicate_of,
        } => {
            let line = match duplicate_of {
                Some(original) => {
                    format!("{by} cancelled the incident as a duplicate of {original}")
                }
                None => format!("{by} cancelled the incident"),
            };
            with_quote(line, reason)
        }
        Event::RootCauseAmended { root_cause } => {
            let was = before
                .resolution
                .as_ref()
                .and_then(|resolution| resolution.root_cause.as_deref())
                .map(inline)
                .filter(|cause| !cause.is_empty())
                .map_or_else(|| "to be determined".to_string(), |cause| quoted(&cause));
            format!(
                "{by} amended the root cause: {} (was {was})",
                quoted(root_cause)
            )
        }
        Event::PostmortemFinalized => format!("{by} marked the post-mortem final"),
    }
}

/// `line: “text”`, or the line alone when there is no text.
fn with_quote(line: String, text: &Option<String>) -> String {
    match text.as_deref().map(inline).filter(|text| !text.is_empty()) {
        Some(text) => format!("{line}: {}", quoted(&text)),
        None => line,
    }
}
