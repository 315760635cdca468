//! The checklist section: one table row per step, with outcome, who, when, actual and budget.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use commands::duration::format_duration;

use super::{cell, inline, quoted, time_of};
use crate::incident::{Event, Incident, Outcome, Recorded, StepState};
use crate::notify::format::{allowance, secs_between};

/// What happened to each step before its confirmation: failures and retries, by step.
fn history(timeline: &[Recorded]) -> BTreeMap<usize, Vec<String>> {
    let mut history: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for recorded in timeline {
        match &recorded.event {
            Event::StepFailed { step, note } => history
                .entry(*step)
                .or_default()
                .push(format!("failed ({})", quoted(note))),
            Event::StepRetried { step, .. } => history
                .entry(*step)
                .or_default()
                .push("retried".to_string()),
            _ => {}
        }
    }
    history
}

fn outcome(state: &StepState, index: usize, incident: &Incident, history: &[String]) -> String {
    let mut parts: Vec<String> = history.to_vec();
    let note = state
        .confirmation
        .as_ref()
        .and_then(|c| c.note.as_deref())
        .map(inline)
        .filter(|note| !note.is_empty());
    let now = match &state.confirmation {
        Some(confirmation) => match (confirmation.outcome, note) {
            (Outcome::Done, Some(note)) => format!("done: {}", quoted(&note)),
            (Outcome::Done, None) => "done".to_string(),
            (Outcome::Skipped, Some(reason)) => format!("skipped: {}", quoted(&reason)),
            (Outcome::Skipped, None) => "skipped".to_string(),
        },
        None if state.failure.is_some() => {
            // The failure is the last of the history: it still blocks the checklist.
            let failed = match parts.pop() {
                Some(last) => last,
                None => "failed".to_string(),
            };
            format!("{failed} — still blocking")
        }
        None if incident.is_open() && incident.is_current(index) => "in progress".to_string(),
        None => "not reached".to_string(),
    };
    parts.push(now);
    let mut text = match parts.len() {
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{}, then {last}", parts.join(", "))
        }
    };
    if let Some(key) = &state.chosen {
        let title = state
            .options
            .iter()
            .find(|(option, _)| option == key)
            .map(|(_, title)| format!(" {}", quoted(title)))
            .unwrap_or_default();
        text = format!("option {}{title}; {text}", inline(key));
    }
    cell(&text)
}

pub(super) fn checklist(out: &mut String, incident: &Incident, timeline: &[Recorded], now_ms: i64) {
    let _ = writeln!(out, "## Checklist\n");
    if incident.steps.is_empty() {
        let _ = writeln!(out, "_The scenario had no steps._\n");
        return;
    }
    let history = history(timeline);
    let _ = writeln!(out, "| # | Step | Outcome | Who | When | Actual | Budget |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for (index, state) in incident.steps.iter().enumerate() {
        let outcome = outcome(
            state,
            index,
            incident,
            history.get(&index).map_or(&[][..], Vec::as_slice),
        );
        let (who, when) = match &state.confirmation {
            Some(c) => (cell(&c.by.name), time_of(c.at_ms, incident.opened_at_ms)),
            None => (String::new(), String::new()),
        };
        let skipped = state
            .confirmation
            .as_ref()
            .is_some_and(|c| c.outcome == Outcome::Skipped);
        let actual = match (state.actual_secs(), state.started_at_ms) {
            _ if skipped => String::new(),
            (Some(actual), _) => {
                let over = state
                    .budget
                    .map_or(0, |budget| actual.saturating_sub(budget.max_secs));
                if over > 0 {
                    format!("{} (+{})", format_duration(actual), format_duration(over))
                } else {
                    format_duration(actual)
                }
            }
            (None, Some(started)) if incident.is_open() && state.confirmation.is_none() => {
                format!("{} so far", format_duration(secs_between(started, now_ms)))
            }
            _ => String::new(),
        };
        let budget = allowance(state).unwrap_or_else(|| "—".to_string());
        let _ = writeln!(
            out,
            "| {} | {} | {outcome} | {who} | {when} | {actual} | {} |",
            index + 1,
            cell(&state.title),
            cell(&budget)
        );
    }
    out.push('\n');
    parallel_groups(out, incident);
}

/// A line per group of tracks: which steps ran in parallel, and from when their times count.
fn parallel_groups(out: &mut String, incident: &Incident) {
    let mut groups: Vec<usize> = incident
        .steps
        .iter()
        .filter_map(|step| step.track.map(|track| track.group))
        .collect();
    groups.dedup();
    for group in groups {
        let steps = incident.group_steps(group);
        let first = steps.iter().min().copied().unwrap_or_default() + 1;
        let last = steps.iter().max().copied().unwrap_or_default() + 1;
        let started = steps
            .iter()
            .filter_map(|&index| incident.steps[index].started_at_ms)
            .min();
        let _ = match started {
            Some(at_ms) => writeln!(
                out,
                "Steps {first}–{last} ran in parallel from {}; each one's actual time counts from \
                 then.\n",
                time_of(at_ms, incident.opened_at_ms)
            ),
            None => writeln!(
                out,
                "Steps {first}–{last} run in parallel; they were not reached.\n"
            ),
        };
    }
}
