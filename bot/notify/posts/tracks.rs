//! Tracks running in parallel, as the checklist card shows them (each track with its state,
//! budget or marker and time, the open ones with their details, and a row of buttons per open
//! track), and as one text for the messages about the whole incident (status, RTO warnings).

use commands::duration::format_duration;

use super::checklist::{with_restore_hint, with_step};
use super::format::{clock_time, minutes, secs_between, step_suffix};
use super::{heading, state_hints, text, TRACKS_HINT};
use crate::incident::{Incident, Outcome};
use crate::notify::message::{Block, Message, TrackButton};
use crate::runbook::Step;

/// The card while a group of tracks runs: progress, what the group is, then every track by
/// priority (the open ones with their details, commands and failure), and their buttons.
pub(super) fn card<'r>(
    mut message: Message,
    incident: &Incident,
    group: &[usize],
    runbook_step: &dyn Fn(usize) -> Option<&'r Step>,
    now_ms: i64,
) -> Message {
    let current = incident.current_steps();
    let phase = current
        .first()
        .map_or_else(String::new, |&index| incident.steps[index].phase.clone());
    message = message
        .with(Block::Progress {
            done: incident.confirmed_steps(),
            total: incident.steps.len(),
            label: phase,
        })
        .with(heading(incident, &group_line(incident, group)))
        .with(text(format!(
            "{} of {} open. {TRACKS_HINT}",
            current.len(),
            group.len()
        )));
    for &index in group {
        message = message.with(text(track_line(incident, index, now_ms)));
        if current.contains(&index) {
            message = with_step(message, incident, index, runbook_step(index));
        }
    }
    with_restore_hint(message.with(actions(incident)), incident)
}

/// What the status and the RTO warnings say about the tracks: one line each, and how to
/// confirm them.
pub(super) fn summary(incident: &Incident, group: &[usize], now_ms: i64) -> String {
    let mut lines = vec![format!(
        "Current: {} · {} of {} open",
        group_line(incident, group),
        incident.current_steps().len(),
        group.len()
    )];
    for &index in group {
        let mut line = track_line(incident, index, now_ms);
        let state = &incident.steps[index];
        if state.confirmation.is_none()
            && state.failure.is_none()
            && state.is_choice()
            && state.chosen.is_none()
        {
            line.push_str(" · choose an option with /incident choose <option>");
        }
        lines.push(line);
    }
    lines.push(TRACKS_HINT.to_string());
    lines.extend(state_hints(incident));
    lines.join("\n")
}

/// The buttons of every open track, by priority.
pub(super) fn actions(incident: &Incident) -> Block {
    Block::TrackActions {
        incident: incident.id.number(),
        tracks: incident
            .current_steps()
            .into_iter()
            .map(|step| TrackButton {
                step,
                title: incident.steps[step].title.clone(),
            })
            .collect(),
    }
}

/// `Steps 2–5 of 6 · 4 tracks in parallel since 03:07 UTC`.
fn group_line(incident: &Incident, group: &[usize]) -> String {
    let first = group.iter().min().copied().unwrap_or_default();
    let last = group.iter().max().copied().unwrap_or_default();
    let started = group
        .iter()
        .filter_map(|&index| incident.steps[index].started_at_ms)
        .min()
        .map(|at| format!(" since {}", clock_time(at, incident.opened_at_ms)))
        .unwrap_or_default();
    format!(
        "Steps {}–{} of {} · {} tracks in parallel{started}",
        first + 1,
        last + 1,
        incident.steps.len(),
        group.len()
    )
}

/// One track: `☐ Step 2 · Database recovery · Priority 1 · 12m so far`, `✓ … · done by bob in
/// 6m`, `↷ … · skipped by bob: not needed`, `✗ … · 12m so far · FAILED`.
fn track_line(incident: &Incident, index: usize, now_ms: i64) -> String {
    let state = &incident.steps[index];
    let name = format!("Step {} · {}{}", index + 1, state.title, step_suffix(state));
    if let Some(confirmation) = &state.confirmation {
        let by = &confirmation.by.name;
        return match (confirmation.outcome, state.actual_secs()) {
            (Outcome::Skipped, _) => match confirmation.note.as_deref().map(str::trim) {
                Some(reason) if !reason.is_empty() => {
                    format!("↷ {name} · skipped by {by}: {reason}")
                }
                _ => format!("↷ {name} · skipped by {by}"),
            },
            (Outcome::Done, Some(actual)) => {
                format!("✓ {name} · done by {by} in {}", format_duration(actual))
            }
            (Outcome::Done, None) => format!("✓ {name} · done by {by}"),
        };
    }
    let running = state
        .started_at_ms
        .map(|started| format!(" · {} so far", minutes(secs_between(started, now_ms))))
        .unwrap_or_default();
    match state.failure {
        Some(_) => format!("✗ {name}{running} · FAILED"),
        None => format!("☐ {name}{running}"),
    }
}

#[cfg(test)]
mod tests {
    //! Snapshots of the messages while tracks run in parallel (Scenario 5's four tracks).

    use crate::incident::DomainError;
    use crate::notify::test_support::{at, infra_loss_tracks, render, runbook, scenario};
    use crate::notify::{
        checklist, confirmation_headline, nudge, refused, status, step_failed, update, MessageKind,
    };

    use crate::notify::test_support::snapshot;

    #[test]
    fn checklist_with_tracks_in_parallel() {
        let fixture = infra_loss_tracks(at(5, 12, 0));
        let headline = confirmation_headline(&fixture.incident, 3);
        assert_eq!(
            headline, "✓ Step 4 (DNS and networking) done by bob in 6m",
            "timed from 05:03, when the tracks started"
        );
        let message = checklist(
            &fixture.incident,
            |i| scenario(5).steps().nth(i),
            Some(headline),
            fixture.now,
        );
        assert_eq!(message.kind, MessageKind::Checklist);
        snapshot!("checklist_tracks", message);
    }

    #[test]
    fn checklist_with_its_last_track_open() {
        let fixture = infra_loss_tracks(at(5, 25, 0));
        let headline = confirmation_headline(&fixture.incident, 4);
        snapshot!(
            "checklist_last_track",
            checklist(
                &fixture.incident,
                |i| scenario(5).steps().nth(i),
                Some(headline),
                fixture.now
            )
        );
    }

    #[test]
    fn a_failed_track_and_a_nudged_one_name_their_number() {
        let fixture = infra_loss_tracks(at(5, 10, 0));
        snapshot!("step_failed_track", step_failed(&fixture.incident, 4));
        snapshot!("nudge_track", nudge(&fixture.incident, 1, fixture.now));
        let failed = nudge(&fixture.incident, 4, fixture.now);
        assert!(render(&failed).contains(
            "Step 5 failed — /incident step 5 retry [note] · skip <reason> · done <workaround>"
        ));
        snapshot!("nudge_failed_track", failed);
    }

    #[test]
    fn status_and_update_with_tracks() {
        let fixture = infra_loss_tracks(at(5, 12, 0));
        snapshot!(
            "status_tracks",
            status(
                &fixture.incident,
                runbook(),
                fixture.now,
                Some(at(5, 15, 0))
            )
        );
        let fixture = infra_loss_tracks(at(5, 15, 0));
        snapshot!(
            "update_tracks",
            update(
                &fixture.incident,
                runbook(),
                15 * 60,
                fixture.now,
                Some(at(5, 30, 0))
            )
        );
    }

    #[test]
    fn refusals_while_tracks_run() {
        let tracks = vec![
            (2, "Database recovery".to_string()),
            (3, "Application deployment".to_string()),
            (5, "Verification".to_string()),
        ];
        snapshot!(
            "refusal_which_step",
            refused(&DomainError::WhichStep {
                action: commands::StepAction::Skip,
                current: tracks.clone(),
            })
        );
        snapshot!(
            "refusal_not_current_track",
            refused(&DomainError::NotCurrent {
                asked: 6,
                current: tracks.clone(),
            })
        );
        snapshot!(
            "refusal_track_confirmed_twice",
            refused(&DomainError::AlreadyConfirmed {
                step: 4,
                title: "DNS and networking".into(),
                outcome: crate::incident::Outcome::Done,
                by: "bob".into(),
                at_ms: at(5, 9, 0),
                now_at: tracks,
            })
        );
    }
}
