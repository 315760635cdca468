//! `/incident status`: where one incident stands. Its state and progress, the checklist phase
//! by phase (`phases`: complete in the console, compact in chat), each service's RTO and RPO,
//! the roles and the next update; then how to go on, with the buttons, or once closed, the
//! post-mortem.

use super::format::{bar, date_time, elapsed_secs, minutes, roles_text, short_time};
use super::lifecycle::{confirmed_text, follow_up_due, rpo_summary};
use super::restoration::{restore_hint, service_fields};
use super::{heading, quoted_remark, state_hints, text, with_actions, CONFIRM_HINT, TRACKS_HINT};
use crate::incident::{Incident, Status};
use crate::notify::message::{Block, Message, MessageKind};
use crate::runbook::Runbook;

/// Where one incident stands at `now_ms`; `next_update_ms` is when its next update is due.
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
    message = message
        .with(Block::Fields {
            fields: state_fields(incident, now_ms),
        })
        .with(Block::Foldable(super::phases::checklist(incident, now_ms)));
    let mut objectives = service_fields(incident, now_ms);
    if incident.last_good_data_ms.is_some() {
        objectives.push(("Last good data".to_string(), rpo_summary(incident)));
    }
    objectives.extend(people_fields(incident, runbook, next_update_ms));
    message = message.with(Block::Fields { fields: objectives });
    if incident.is_open() {
        return with_actions(message, incident, hints(incident));
    }
    message.with(text(format!(
        "Post-mortem draft: /postmortem {}",
        incident.reference()
    )))
}

/// Status, progress, how long, the latest note.
fn state_fields(incident: &Incident, now_ms: i64) -> Vec<(String, String)> {
    let done = incident.confirmed_steps();
    let total = incident.steps.len();
    let phase = incident
        .current_steps()
        .first()
        .map_or("all steps confirmed", |&index| {
            incident.steps[index].phase.as_str()
        });
    let duration = match (&incident.resolution, incident.is_open()) {
        (Some(_), _) => "Time to resolve",
        (None, true) => "Elapsed",
        (None, false) => "Duration",
    };
    vec![
        (
            "Status".to_string(),
            status_text(incident, incident.status()),
        ),
        (
            "Progress".to_string(),
            format!("{} {done}/{total} · {phase}", bar(done, total)),
        ),
        (
            duration.to_string(),
            minutes(elapsed_secs(incident, now_ms)),
        ),
        (
            "Latest note".to_string(),
            incident.latest_note.as_ref().map_or_else(
                || "none yet".to_string(),
                |remark| quoted_remark(incident, remark),
            ),
        ),
    ]
}

/// Roles, updates; once resolved, the root cause and the follow-ups.
fn people_fields(
    incident: &Incident,
    runbook: &Runbook,
    next_update_ms: Option<i64>,
) -> Vec<(String, String)> {
    let mut fields = vec![("Roles".to_string(), roles_text(incident))];
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
    fields
}

/// How to go on from here: confirm the current step (or each track by its number), choose an
/// option, the ways forward from a failure, mark services restored, resolve.
fn hints(incident: &Incident) -> Option<String> {
    let mut lines = Vec::new();
    if incident.current_group().is_some() {
        lines.push(TRACKS_HINT.to_string());
    } else if let Some(index) = incident.only_current_step() {
        let step = &incident.steps[index];
        if step.failure.is_none() {
            if step.is_choice() && step.chosen.is_none() {
                lines.push(format!(
                    "Step {} is a choice: /incident choose <option>",
                    index + 1
                ));
            }
            lines.push(CONFIRM_HINT.to_string());
        }
    }
    lines.extend(state_hints(incident));
    lines.extend(restore_hint(incident));
    (!lines.is_empty()).then(|| lines.join("\n"))
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

#[cfg(test)]
mod tests {
    //! The status at the moments a commander asks for it. The snapshots show both lengths of
    //! the checklist: complete (console, command line) and compact (chat). A status with tracks
    //! running is in `tracks`, restored and monitoring in `checklist`.

    use crate::incident::test_support::long_checklist;
    use crate::notify::test_support::{at, db_loss, db_loss_with_a_skip, render, runbook};
    use crate::notify::{status, Block, Foldable};

    use crate::notify::test_support::snapshot;

    /// The checklist of a status message.
    fn checklist(message: &crate::notify::Message) -> &Foldable {
        message
            .blocks
            .iter()
            .find_map(|block| match block {
                Block::Foldable(foldable) => Some(foldable),
                _ => None,
            })
            .expect("a status shows the checklist")
    }

    #[test]
    fn status_of_a_fresh_incident() {
        let fixture = db_loss(at(3, 4, 30));
        let message = status(
            &fixture.incident,
            runbook(),
            fixture.now,
            Some(at(3, 19, 0)),
        );
        let shown = checklist(&message);
        assert!(
            shown.compact.starts_with(
                "▶ Immediate Actions · 0 of 3 confirmed\n  ▶ 1 Confirm the issue · running 30s"
            ),
            "{}",
            shown.compact
        );
        snapshot!("status_fresh", message);
    }

    /// Step 2 skipped, step 5 failed: the skip says who and why, the failure what happened
    /// and the ways forward, and chat folds the finished phase to one line that counts the skip.
    #[test]
    fn status_midway_with_a_skipped_and_a_failed_step() {
        let fixture = db_loss_with_a_skip(at(3, 32, 0));
        let message = status(
            &fixture.incident,
            runbook(),
            fixture.now,
            Some(at(3, 34, 0)),
        );
        let shown = checklist(&message);
        assert!(shown.complete.contains(
            "  ↷ 2 Activate incident response · skipped by alice 03:10\n      \
             \"the on-call lead had already paged everyone\""
        ));
        assert!(shown
            .compact
            .starts_with("✓ Immediate Actions · 3 of 3 confirmed in 9m 30s · 1 skipped"));
        assert!(render(&message)
            .contains("Step 5 failed — /incident step retry [note] · skip <reason> · done"));
        snapshot!("status_failed_and_skipped", message);
    }

    /// 40 steps in one phase, 22 done: chat shows the current step with two done before it
    /// and three to do after it, and counts the rest; the console shows all 40.
    #[test]
    fn a_long_phase_is_shown_around_its_current_step_in_chat() {
        let incident = long_checklist(1, 40, 22);
        let message = status(&incident, runbook(), 23 * 6 * 60_000, None);
        let shown = checklist(&message);
        assert_eq!(shown.complete.lines().count(), 41, "{}", shown.complete);
        let compact: Vec<&str> = shown.compact.lines().collect();
        assert_eq!(compact.len(), 9, "{}", shown.compact);
        assert_eq!(compact[1], "  … Steps 1–20: 20 done");
        assert!(
            compact[4].starts_with("  ▶ 23 Step 23 of the failover"),
            "{}",
            compact[4]
        );
        assert_eq!(compact[8], "  … 14 more steps to do");
    }

    /// 25 tracks in parallel: chat shows as many lines as it can, and says where the rest are.
    #[test]
    fn past_the_most_lines_chat_says_where_the_rest_is() {
        use crate::incident::test_support::{incident, step, track};
        let tracks = (0..25)
            .map(|n| track(step(&format!("Fail over region {n}")), 0, None))
            .collect();
        let message = status(&incident(tracks), runbook(), 60_000, None);
        let compact: Vec<&str> = checklist(&message).compact.lines().collect();
        assert_eq!(compact.len(), 20);
        assert_eq!(compact[18], "    ▶ 17 Fail over region 16 · running 1m");
        assert_eq!(
            compact[19],
            "… 8 more lines — the whole checklist: incident-bot status INC-7"
        );
    }

    /// 40 phases of one step: the finished ones fold into one line, those not started into
    /// another.
    #[test]
    fn many_phases_fold_into_runs_in_chat() {
        let incident = long_checklist(40, 1, 12);
        let message = status(&incident, runbook(), 13 * 6 * 60_000, None);
        let shown = checklist(&message);
        assert_eq!(
            shown.compact.lines().collect::<Vec<_>>(),
            [
                "✓ Phases 1–12 finished · 12 steps",
                "▶ Phase 13 of the regional failover · 0 of 1 confirmed",
                "  ▶ 13 Step 13 of the failover: drain, promote and verify the replicas of region \
                 eu-west-1 · running 6m (budget 5m–10m)",
                "☐ Phases 14–40 to do · 27 steps",
            ]
        );
        assert_eq!(shown.complete.lines().count(), 80);
    }
}
