//! An incident's checklist phase by phase, as its status shows it: each step with its state
//! (`✓` done, `↷` skipped, `✗` failed, `▶` current, `☐` to do), who confirmed it and when, how
//! long it took against its budget; tracks running in parallel grouped under one line.
//!
//! Complete for the console and the command line: every phase with every step, and the notes.
//! Compact for chat, where a message has limits: finished phases and phases not started folded
//! to one line each (many of them to one line in all), a long phase shown around its current
//! steps, lines cut to a length, and at most [`COMPACT_LINES`] lines.

use std::ops::Range;

use super::format::{against_budget, count, hour_minute, secs_between, step_suffix};
use crate::incident::{Incident, Outcome, StepState};
use crate::notify::message::Foldable;

/// More steps than this in the phase under way, and chat shows only those around the current
/// ones.
const COMPACT_STEPS: usize = 10;
/// Of a long phase, chat shows this many confirmed steps before the current ones, and this
/// many to do after them.
const COMPACT_BEFORE: usize = 2;
const COMPACT_AFTER: usize = 3;
/// More phases than this, and chat folds the finished ones into one line, and those not started
/// into another.
const COMPACT_PHASES: usize = 8;
/// The longest line chat shows, in characters; the rest is cut with `…`.
const COMPACT_LINE: usize = 120;
/// The most lines chat shows.
const COMPACT_LINES: usize = 20;

/// The checklist of `incident`, complete and compact, at `now_ms`.
pub(super) fn checklist(incident: &Incident, now_ms: i64) -> Foldable {
    let phases = phases(incident);
    let complete: Vec<String> = phases
        .iter()
        .flat_map(|phase| {
            let mut lines = vec![phase.header(incident)];
            lines.extend(
                entries(incident, &phase.steps)
                    .iter()
                    .flat_map(|entry| entry.lines(incident, now_ms, Detail::Complete)),
            );
            lines
        })
        .collect();
    Foldable {
        complete: complete.join("\n"),
        compact: compact(incident, &phases, now_ms).join("\n"),
    }
}

/// Whether a step's notes (what was done, why skipped, what failed) show under it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    Complete,
    Compact,
}

/// The lines chat shows.
fn compact(incident: &Incident, phases: &[Phase], now_ms: i64) -> Vec<String> {
    let mut lines = Vec::new();
    let many = phases.len() > COMPACT_PHASES;
    let mut folded: Option<(State, Vec<&Phase>)> = None;
    for phase in phases {
        let state = phase.state(incident);
        if many && state != State::Under {
            match &mut folded {
                Some((folded_state, run)) if *folded_state == state => run.push(phase),
                _ => {
                    lines.extend(folded.take().map(|(_, run)| folded_phases(incident, &run)));
                    folded = Some((state, vec![phase]));
                }
            }
            continue;
        }
        lines.extend(folded.take().map(|(_, run)| folded_phases(incident, &run)));
        lines.push(phase.header(incident));
        if state == State::Under {
            lines.extend(around_current(incident, &phase.steps, now_ms));
        }
    }
    lines.extend(folded.map(|(_, run)| folded_phases(incident, &run)));
    let mut lines: Vec<String> = lines.iter().map(|line| cut(line)).collect();
    if lines.len() > COMPACT_LINES {
        let left = lines.len() - (COMPACT_LINES - 1);
        lines.truncate(COMPACT_LINES - 1);
        lines.push(format!(
            "… {} — the whole checklist: incident-bot status {}",
            count(left, "more line"),
            incident.reference()
        ));
    }
    lines
}

/// A run of phases in the same state as one line: `✓ Phases 1–12 finished · 30 steps`.
fn folded_phases(incident: &Incident, run: &[&Phase]) -> String {
    let [only] = run else {
        let first = run.first().map_or(0, |phase| phase.number);
        let last = run.last().map_or(0, |phase| phase.number);
        let steps: usize = run.iter().map(|phase| phase.steps.len()).sum();
        let (mark, state) = match run.first().map(|phase| phase.state(incident)) {
            Some(State::Finished) => ("✓", "finished"),
            _ => ("☐", "to do"),
        };
        return format!(
            "{mark} Phases {first}–{last} {state} · {}",
            count(steps, "step")
        );
    };
    only.header(incident)
}

/// The steps of a phase under way that chat shows: all of them when they are few, else those
/// around the current ones, with a line for the steps left out on either side.
fn around_current(incident: &Incident, steps: &Range<usize>, now_ms: i64) -> Vec<String> {
    let entries = entries(incident, steps);
    let shown = |entry: &Entry| entry.lines(incident, now_ms, Detail::Compact);
    if steps.len() <= COMPACT_STEPS {
        return entries.iter().flat_map(shown).collect();
    }
    let first_open = entries
        .iter()
        .position(|entry| !entry.confirmed(incident))
        .unwrap_or(entries.len());
    let last_open = entries
        .iter()
        .rposition(|entry| entry.current(incident))
        .unwrap_or(first_open);
    let from = first_open.saturating_sub(COMPACT_BEFORE);
    let to = (last_open.max(first_open) + 1 + COMPACT_AFTER).min(entries.len());
    let mut lines = Vec::new();
    if from > 0 {
        let earlier: Vec<usize> = entries[..from].iter().flat_map(Entry::steps).collect();
        lines.push(format!("  … {}", earlier_steps(incident, &earlier)));
    }
    lines.extend(entries[from..to].iter().flat_map(shown));
    let later: usize = entries[to..].iter().map(|entry| entry.steps().len()).sum();
    if later > 0 {
        lines.push(format!("  … {} to do", count(later, "more step")));
    }
    lines
}

/// `Steps 1–14: 13 done, 1 skipped`.
fn earlier_steps(incident: &Incident, steps: &[usize]) -> String {
    let first = steps.iter().min().map_or(0, |index| index + 1);
    let last = steps.iter().max().map_or(0, |index| index + 1);
    let skipped = steps
        .iter()
        .filter(|&&index| outcome(&incident.steps[index]) == Some(Outcome::Skipped))
        .count();
    let done = steps.len() - skipped;
    match skipped {
        0 => format!("Steps {first}–{last}: {done} done"),
        _ => format!("Steps {first}–{last}: {done} done, {skipped} skipped"),
    }
}

/// A line cut to [`COMPACT_LINE`] characters.
fn cut(line: &str) -> String {
    if line.chars().count() <= COMPACT_LINE {
        return line.to_string();
    }
    let kept: String = line.chars().take(COMPACT_LINE - 1).collect();
    format!("{}…", kept.trim_end())
}

/// A phase: its number (1-based), name and steps (consecutive steps with the same phase).
struct Phase {
    number: usize,
    name: String,
    steps: Range<usize>,
}

/// Where a phase is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Every step confirmed.
    Finished,
    /// Some step confirmed, or current while the incident is open.
    Under,
    /// No step confirmed, none current.
    NotStarted,
}

impl Phase {
    fn state(&self, incident: &Incident) -> State {
        let steps = &incident.steps[self.steps.clone()];
        if steps.iter().all(|step| step.confirmation.is_some()) {
            State::Finished
        } else if self.steps.clone().any(|index| {
            incident.steps[index].confirmation.is_some()
                || (incident.is_open() && incident.is_current(index))
        }) {
            State::Under
        } else {
            State::NotStarted
        }
    }

    /// `✓ Immediate Actions · 3 of 3 confirmed in 9m 30s · 1 over budget`, `▶ Recovery Steps · 1
    /// of 4 confirmed`, `☐ Post-Recovery · 4 steps`.
    fn header(&self, incident: &Incident) -> String {
        let steps = &incident.steps[self.steps.clone()];
        let total = steps.len();
        let confirmed = steps.iter().filter(|s| s.confirmation.is_some()).count();
        let skipped = steps
            .iter()
            .filter(|step| outcome(step) == Some(Outcome::Skipped))
            .count();
        let over = steps.iter().filter(|step| over_budget(step)).count();
        let mut line = match self.state(incident) {
            State::Finished => {
                let took = steps
                    .iter()
                    .filter_map(|step| step.started_at_ms)
                    .min()
                    .zip(
                        steps
                            .iter()
                            .filter_map(|s| Some(s.confirmation.as_ref()?.at_ms))
                            .max(),
                    )
                    .map(|(from, to)| {
                        format!(
                            " in {}",
                            commands::duration::format_duration(secs_between(from, to))
                        )
                    })
                    .unwrap_or_default();
                format!("✓ {} · {confirmed} of {total} confirmed{took}", self.name)
            }
            State::Under if incident.is_open() => {
                format!("▶ {} · {confirmed} of {total} confirmed", self.name)
            }
            State::Under => format!(
                "☐ {} · {confirmed} of {total} confirmed, left open",
                self.name
            ),
            State::NotStarted if incident.is_open() => {
                format!("☐ {} · {}", self.name, count(total, "step"))
            }
            State::NotStarted => format!("☐ {} · {}, not started", self.name, count(total, "step")),
        };
        if skipped > 0 {
            line.push_str(&format!(" · {skipped} skipped"));
        }
        if over > 0 {
            line.push_str(&format!(" · {over} over budget"));
        }
        line
    }
}

/// The phases of the checklist, in order.
fn phases(incident: &Incident) -> Vec<Phase> {
    let mut phases: Vec<Phase> = Vec::new();
    for (index, step) in incident.steps.iter().enumerate() {
        match phases.last_mut() {
            Some(phase) if phase.name == step.phase => phase.steps.end = index + 1,
            _ => phases.push(Phase {
                number: phases.len() + 1,
                name: step.phase.clone(),
                steps: index..index + 1,
            }),
        }
    }
    phases
}

/// What a phase lists: a step, or a group of tracks (by priority) under one line.
enum Entry {
    Step(usize),
    Tracks(Vec<usize>),
}

/// The entries of a phase: each step in order, a group of tracks where its first step is.
fn entries(incident: &Incident, steps: &Range<usize>) -> Vec<Entry> {
    steps
        .clone()
        .filter_map(|index| match incident.steps[index].track {
            None => Some(Entry::Step(index)),
            Some(track) if track.group == index => {
                Some(Entry::Tracks(incident.group_steps(track.group)))
            }
            Some(_) => None,
        })
        .collect()
}

impl Entry {
    fn steps(&self) -> Vec<usize> {
        match self {
            Entry::Step(index) => vec![*index],
            Entry::Tracks(group) => group.clone(),
        }
    }

    fn confirmed(&self, incident: &Incident) -> bool {
        self.steps()
            .iter()
            .all(|&index| incident.steps[index].confirmation.is_some())
    }

    fn current(&self, incident: &Incident) -> bool {
        self.steps().iter().any(|&index| incident.is_current(index))
    }

    fn lines(&self, incident: &Incident, now_ms: i64, detail: Detail) -> Vec<String> {
        match self {
            Entry::Step(index) => step_lines(incident, *index, now_ms, detail, "  "),
            Entry::Tracks(group) => {
                let mut lines = vec![group_line(incident, group)];
                for &index in group {
                    lines.extend(step_lines(incident, index, now_ms, detail, "    "));
                }
                lines
            }
        }
    }
}

/// `  ⇉ 4 tracks in parallel from 05:03 · 1 of 4 confirmed`.
fn group_line(incident: &Incident, group: &[usize]) -> String {
    let since = group
        .iter()
        .filter_map(|&index| incident.steps[index].started_at_ms)
        .min()
        .map(|at| format!(" from {}", hour_minute(at, incident.opened_at_ms)))
        .unwrap_or_default();
    let confirmed = group
        .iter()
        .filter(|&&index| incident.steps[index].confirmation.is_some())
        .count();
    format!(
        "  ⇉ {} tracks in parallel{since} · {confirmed} of {} confirmed",
        group.len(),
        group.len()
    )
}

/// A step's line, and in the complete checklist its note on the next line.
fn step_lines(
    incident: &Incident,
    index: usize,
    now_ms: i64,
    detail: Detail,
    indent: &str,
) -> Vec<String> {
    let step = &incident.steps[index];
    let mut lines = vec![format!("{indent}{}", step_line(incident, index, now_ms))];
    let note = match (&step.confirmation, &step.failure) {
        (Some(confirmation), _) => confirmation.note.as_deref(),
        (None, Some(failure)) => Some(failure.text.as_str()),
        (None, None) => None,
    };
    if let Some(note) = note.map(str::trim).filter(|note| !note.is_empty()) {
        if detail == Detail::Complete {
            lines.push(format!("{indent}    \"{note}\""));
        }
    }
    lines
}

/// `✓ 4 Provision new database instance · carol 03:24 · 11m (budget 10m–15m)`, `↷ 9 … ·
/// skipped by alice 04:08`, `✗ 5 … · failed, bob 03:31 · running 7m (budget 15m–30m)`, `▶ 6 …
/// · running 2m (budget 5m–10m)`, `☐ 7 Resume operations · budget 5m`; a step with an owner
/// says so while it runs and before (`· owner: DBA`).
fn step_line(incident: &Incident, index: usize, now_ms: i64) -> String {
    let step = &incident.steps[index];
    let name = format!("{} {}", index + 1, step.title);
    let chosen = step
        .chosen
        .as_ref()
        .map(|key| format!(" · option {key}"))
        .unwrap_or_default();
    if let Some(confirmation) = &step.confirmation {
        let (by, at) = (
            &confirmation.by.name,
            hour_minute(confirmation.at_ms, incident.opened_at_ms),
        );
        return match confirmation.outcome {
            Outcome::Skipped => format!("↷ {name} · skipped by {by} {at}"),
            Outcome::Done => {
                let took = step
                    .actual_secs()
                    .map(|actual| format!(" · {}", against_budget(actual, step)))
                    .unwrap_or_default();
                format!("✓ {name}{chosen} · {by} {at}{took}")
            }
        };
    }
    let running = step
        .started_at_ms
        .filter(|_| incident.is_open() && incident.is_current(index))
        .map(|started| {
            let marker = match (&step.budget, &step.marker) {
                (None, Some(marker)) => format!(" · {marker}"),
                _ => String::new(),
            };
            format!(
                " · running {}{marker}",
                against_budget(secs_between(started, now_ms), step)
            )
        });
    match (&step.failure, running) {
        (Some(failure), running) => format!(
            "✗ {name} · failed, {} {}{}",
            failure.by.name,
            hour_minute(failure.at_ms, incident.opened_at_ms),
            running.unwrap_or_default()
        ),
        (None, Some(running)) => {
            let choose = match (&step.chosen, step.is_choice()) {
                (None, true) => {
                    let keys: Vec<&str> =
                        step.options.iter().map(|(key, _)| key.as_str()).collect();
                    format!(" · choose {}", keys.join(", "))
                }
                _ => chosen,
            };
            let owner = step
                .role
                .as_ref()
                .map(|role| format!(" · owner: {role}"))
                .unwrap_or_default();
            format!("▶ {name}{choose}{running}{owner}")
        }
        (None, None) => format!("☐ {name}{}", step_suffix(step)),
    }
}

fn outcome(step: &StepState) -> Option<Outcome> {
    step.confirmation
        .as_ref()
        .map(|confirmation| confirmation.outcome)
}

/// Done, and longer than its budget allowed.
fn over_budget(step: &StepState) -> bool {
    match (step.actual_secs(), &step.budget) {
        (Some(actual), Some(budget)) => {
            outcome(step) == Some(Outcome::Done) && actual > budget.max_secs
        }
        _ => false,
    }
}
