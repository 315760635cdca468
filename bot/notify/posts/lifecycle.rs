//! What the channel sees over an incident's life: opened, status updates, notes, RTO warnings,
//! changes, resolved, follow-ups.

use super::format::clock_time;
use super::format::{count, date_time, elapsed_secs, minutes, secs_between, short_time};
use super::restoration::{every_step_confirmed, resolution_fields, rto_fields, rto_warning_text};
use super::{
    current_actions, drill_tag, heading, quoted_remark, state_hints, text, with_current_step,
};
use crate::incident::{Incident, Remark};
use crate::notify::message::{Block, Message, MessageKind};
use crate::notify::template::{self, Notice};
use crate::runbook::{FollowUp, Runbook};

const DRILL_OPENED: &str = "This is a DR drill, not a real incident: work the checklist as if it \
    were real. Time to recovery is measured against the RTO. Nobody is paged.";
const DRILL_NOTE: &str = "This is a drill.";
/// The verdict on a cancelled incident's RTO and RPO: it is left out of the figures.
pub(super) const NOT_MEASURED: &str = "not measured: cancelled";

/// The INCIDENT notification: the runbook's template filled in, the targets, who is paged.
/// `mentions` are the platform ids to ping; `mention_names` name the roles paged, for the text.
/// The template's updates line says `update_every_secs`, the real cadence.
pub fn opened(
    incident: &Incident,
    runbook: &Runbook,
    update_every_secs: u64,
    mentions: Vec<String>,
    mention_names: &[String],
) -> Message {
    let mut message = Message::new(MessageKind::Opened, Some(incident.id.number()))
        .with(heading(incident, &incident.scenario.title));
    if incident.drill {
        message = message.with(text(DRILL_OPENED));
    }
    let phases = phase_count(incident);
    let checklist = if phases > 1 {
        format!("{} in {phases} phases", count(incident.steps.len(), "step"))
    } else {
        count(incident.steps.len(), "step")
    };
    message = message
        .with(Block::Code {
            lang: None,
            code: template::render_incident(
                runbook,
                incident,
                incident.opened_at_ms,
                update_every_secs,
            ),
        })
        .with(Block::Fields {
            fields: vec![
                ("Commander".to_string(), commander(incident)),
                ("RTO target".to_string(), target(incident.rto_secs)),
                ("RPO target".to_string(), target(incident.rpo_secs)),
                ("Checklist".to_string(), checklist),
            ],
        });
    let names: Vec<&str> = mention_names
        .iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
        .collect();
    if !incident.drill && !names.is_empty() {
        message = message.with(text(format!("Paging: {}", names.join(", "))));
        message.mentions = mentions;
    }
    let follows = match incident.current_steps().as_slice() {
        [_, _, ..] => {
            "The first steps run in parallel and follow. Confirm each with /incident \
            step <number> done · skip <reason> · fail <what happened>"
        }
        _ => {
            "Step 1 follows. Confirm each step with /incident step done · skip <reason> · fail \
            <what happened>"
        }
    };
    message.with(text(follows))
}

fn phase_count(incident: &Incident) -> usize {
    let mut phases: Vec<&str> = incident
        .steps
        .iter()
        .map(|step| step.phase.as_str())
        .collect();
    phases.dedup();
    phases.len()
}

fn commander(incident: &Incident) -> String {
    incident
        .roles
        .get("commander")
        .map_or_else(|| "none assigned".to_string(), |person| person.name.clone())
}

fn target(secs: Option<u64>) -> String {
    secs.map_or_else(|| "no target".to_string(), minutes)
}

/// The periodic status update: the INCIDENT template from live state (its updates line saying
/// `update_every_secs`), then where things stand.
pub fn update(
    incident: &Incident,
    runbook: &Runbook,
    update_every_secs: u64,
    now_ms: i64,
    next_update_ms: Option<i64>,
) -> Message {
    let title = match incident.updates_posted {
        0 => "Update".to_string(),
        number => format!("Update #{number}"),
    };
    let mut message =
        Message::new(MessageKind::Update, Some(incident.id.number())).with(Block::Heading {
            text: format!(
                "{}{title} · {} · {}",
                drill_tag(incident),
                incident.reference(),
                incident.scenario.title
            ),
        });
    if incident.drill {
        message = message.with(text(DRILL_NOTE));
    }
    if incident.is_stale() && incident.is_open() {
        message = message.with(text(format!(
            "Nobody has acted since {}: updates come hourly until someone does.",
            clock_time(incident.last_human_ms(), incident.opened_at_ms)
        )));
    }
    let latest = incident.latest_note.as_ref().map_or_else(
        || "none yet".to_string(),
        |remark| quoted_remark(incident, remark),
    );
    let mut fields = Vec::new();
    if !template::has_line(template::body(Notice::Incident, runbook), "Status") {
        fields.push(("Status".to_string(), incident.status().to_string()));
    }
    fields.extend([
        ("Progress".to_string(), progress_text(incident)),
        (
            "Elapsed".to_string(),
            minutes(elapsed_secs(incident, now_ms)),
        ),
    ]);
    fields.extend(rto_fields(incident, now_ms));
    fields.push(("Latest note".to_string(), latest));
    if let Some(next) = next_update_ms.filter(|_| incident.is_open()) {
        fields.push((
            "Next update".to_string(),
            short_time(next, incident.opened_at_ms),
        ));
    }
    message = message
        .with(Block::Code {
            lang: None,
            code: template::render_incident(runbook, incident, now_ms, update_every_secs),
        })
        .with(Block::Fields { fields });
    let hints = state_hints(incident);
    if !hints.is_empty() {
        message = message.with(text(hints.join("\n")));
    }
    match current_actions(incident) {
        Some(actions) => message.with(actions),
        None if incident.is_open() => message.with(text(every_step_confirmed(incident))),
        None => message,
    }
}

/// `4/11 · Recovery Steps · Provision new database instance`, `1/6 · Immediate Actions · 2
/// tracks in parallel: Database recovery (failed), Verification`, or `11/11 · all steps
/// confirmed`.
pub(super) fn progress_text(incident: &Incident) -> String {
    let done = format!("{}/{}", incident.confirmed_steps(), incident.steps.len());
    let current = incident.current_steps();
    let titles: Vec<String> = current
        .iter()
        .map(|&index| {
            let step = &incident.steps[index];
            let failed = if step.failure.is_some() {
                " (failed)"
            } else {
                ""
            };
            format!("{}{failed}", step.title)
        })
        .collect();
    match current.first() {
        Some(&first) if incident.current_group().is_some() => format!(
            "{done} · {} · {} in parallel: {}",
            incident.steps[first].phase,
            count(current.len(), "track"),
            titles.join(", ")
        ),
        Some(&first) => format!(
            "{done} · {} · {}",
            incident.steps[first].phase,
            titles.join(", ")
        ),
        None => format!("{done} · all steps confirmed"),
    }
}

/// Someone's `/incident update`: their words, and where the incident stands.
pub fn note(incident: &Incident, remark: &Remark) -> Message {
    let mut context = format!(
        "{} · {}",
        clock_time(remark.at_ms, incident.opened_at_ms),
        incident.status()
    );
    match incident.current_steps().as_slice() {
        [] => {}
        [index] => context.push_str(&format!(
            " · step {} of {}: {}",
            index + 1,
            incident.steps.len(),
            incident.steps[*index].title
        )),
        several => {
            let numbers: Vec<String> = several
                .iter()
                .map(|index| (index + 1).to_string())
                .collect();
            context.push_str(&format!(
                " · steps {} of {} in parallel",
                numbers.join(", "),
                incident.steps.len()
            ));
        }
    }
    Message::new(MessageKind::Note, Some(incident.id.number()))
        .with(heading(
            incident,
            &format!("Update from {}", remark.by.name),
        ))
        .with(text(remark.text.trim()))
        .with(text(context))
}

/// 50%, 80% or 100% of the RTO used (of the tightest RTO among the services not yet restored):
/// the numbers, and the step the incident is at.
pub fn rto_warning(incident: &Incident, percent: u8, now_ms: i64) -> Message {
    let (title, line) = rto_warning_text(incident, percent, now_ms);
    let message = Message::new(MessageKind::RtoWarning, Some(incident.id.number()))
        .with(heading(incident, &title))
        .with(text(line));
    with_current_step(message, incident, now_ms)
}

/// A role, severity or last-good-data change, in one line.
pub fn change(incident: &Incident, text_line: String) -> Message {
    Message::new(MessageKind::Change, Some(incident.id.number()))
        .with(heading(incident, &incident.scenario.title))
        .with(text(text_line))
}

/// The last good data and what it means for the RPO: `02:58:00 UTC — RPO 6m, 1m over the 5m
/// target`.
pub fn rpo_summary(incident: &Incident) -> String {
    rpo_summary_with(incident, |last_good| {
        clock_time(last_good, incident.opened_at_ms)
    })
}

/// As [`rpo_summary`], with the time of the last good data written by `when`.
pub(super) fn rpo_summary_with(incident: &Incident, when: impl FnOnce(i64) -> String) -> String {
    let Some(last_good) = incident.last_good_data_ms else {
        return "not recorded".to_string();
    };
    let when = when(last_good);
    let actual = secs_between(last_good, incident.opened_at_ms);
    let verdict = match incident.rpo_secs {
        Some(target) if actual > target => format!(
            "{} over the {} target",
            minutes(actual - target),
            minutes(target)
        ),
        Some(target) => format!("within the {} target", minutes(target)),
        None => "no RPO target".to_string(),
    };
    format!("{when} — RPO {}, {verdict}", minutes(actual))
}

pub(super) fn same_day(a_ms: i64, b_ms: i64) -> bool {
    let day = |ms| chrono::DateTime::from_timestamp_millis(ms).map(|at| at.date_naive());
    day(a_ms).is_some() && day(a_ms) == day(b_ms)
}

/// RPO against its target: `met: 3m of 5m`, `missed by 1m: 6m against 5m`, or how to record it.
pub fn rpo_verdict(incident: &Incident) -> String {
    if incident.is_cancelled() {
        return NOT_MEASURED.to_string();
    }
    let Some(last_good) = incident.last_good_data_ms else {
        return "not recorded — use /incident rpo <time of last good data>".to_string();
    };
    let actual = secs_between(last_good, incident.opened_at_ms);
    match incident.rpo_secs {
        Some(target) if actual > target => format!(
            "missed by {}: {} against {}",
            minutes(actual - target),
            minutes(actual),
            minutes(target)
        ),
        Some(target) => format!("met: {} of {}", minutes(actual), minutes(target)),
        None => format!("{} (no target)", minutes(actual)),
    }
}

/// `9/11 (2 skipped)`.
pub(super) fn confirmed_text(incident: &Incident) -> String {
    let skipped = incident
        .steps
        .iter()
        .filter(|step| {
            step.confirmation
                .as_ref()
                .is_some_and(|c| c.outcome == crate::incident::Outcome::Skipped)
        })
        .count();
    let base = format!("{}/{}", incident.confirmed_steps(), incident.steps.len());
    if skipped > 0 {
        format!("{base} ({skipped} skipped)")
    } else {
        base
    }
}

/// When a follow-up group is due: resolution plus its deadline.
pub fn follow_up_due(incident: &Incident, group: &FollowUp) -> Option<i64> {
    let resolved = incident.resolution.as_ref()?.at_ms;
    let after_ms = i64::try_from(group.due_after_secs?)
        .ok()?
        .checked_mul(1000)?;
    resolved.checked_add(after_ms)
}

/// The RESOLVED notification: the template filled in, RTO and RPO against their targets, the
/// checklist tally and the follow-up lists now scheduled (a drill gets its report instead).
pub fn resolved(incident: &Incident, runbook: &Runbook) -> Message {
    let end = incident
        .resolution
        .as_ref()
        .map_or(incident.opened_at_ms, |resolution| resolution.at_ms);
    let mut message =
        Message::new(MessageKind::Resolved, Some(incident.id.number())).with(Block::Heading {
            text: format!(
                "{}{} resolved · {}",
                drill_tag(incident),
                incident.reference(),
                incident.scenario.title
            ),
        });
    let mut fields = resolution_fields(incident, end);
    fields.extend([
        ("RPO".to_string(), rpo_verdict(incident)),
        ("Steps confirmed".to_string(), confirmed_text(incident)),
    ]);
    if let Some(resolution) = &incident.resolution {
        fields.push(("Resolved by".to_string(), resolution.by.name.clone()));
    }
    message = message
        .with(Block::Code {
            lang: None,
            code: template::render(Notice::Resolved, runbook, incident, end),
        })
        .with(Block::Fields { fields });
    if let Some(follow_ups) = super::follow_ups::scheduled_text(incident) {
        message = message.with(text(follow_ups));
    }
    message.with(text(format!(
        "Post-mortem draft: /postmortem {}",
        incident.reference()
    )))
}

/// A follow-up group is due: its deadline and items as a checklist.
pub fn follow_up(incident: &Incident, group: &FollowUp) -> Message {
    let mut message = Message::new(MessageKind::FollowUp, Some(incident.id.number())).with(
        heading(incident, &format!("Follow-ups: {}", group.deadline)),
    );
    let due = match (follow_up_due(incident, group), &incident.resolution) {
        (Some(due), Some(resolution)) => format!(
            "{} was resolved {}; these are due by {}.",
            incident.reference(),
            date_time(resolution.at_ms),
            date_time(due)
        ),
        _ => format!(
            "Due {} of resolving {}.",
            group.deadline.to_lowercase(),
            incident.reference()
        ),
    };
    message = message.with(text(due));
    let items = if group.items.is_empty() {
        "No items listed in the runbook for this deadline.".to_string()
    } else {
        group
            .items
            .iter()
            .map(|item| format!("☐ {item}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    message.with(text(items)).with(text(format!(
        "Post-mortem draft: /postmortem {}",
        incident.reference()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::test_support::{at, corruption_drill, db_loss, render, runbook, MIN};

    /// With `UPDATE_INTERVAL=5m` the runbook's "Updates: Every 15 minutes" says 5 minutes, in
    /// the INCIDENT notification and in every update.
    #[test]
    fn the_template_says_the_real_cadence() {
        let fixture = db_loss(at(3, 9, 0));
        let opened = opened(&fixture.incident, runbook(), 5 * 60, Vec::new(), &[]);
        let update = update(
            &fixture.incident,
            runbook(),
            5 * 60,
            fixture.now,
            Some(at(3, 14, 0)),
        );
        for message in [&opened, &update] {
            let shown = render(message);
            assert!(
                shown.contains("Updates: Every 5 minutes at INC-3 in this channel"),
                "{shown}"
            );
            assert!(!shown.contains("15 minutes"), "{shown}");
        }
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("update_every_5_minutes", render(&update));
        });
    }

    fn rto_verdict(incident: &Incident, now_ms: i64) -> String {
        let clocks = incident.clocks();
        crate::notify::restore_verdict(incident, &clocks[0], now_ms)
    }

    #[test]
    fn rto_and_rpo_verdicts() {
        let open = db_loss(at(3, 27, 0));
        assert_eq!(rto_verdict(&open.incident, open.now), "so far 23m of 30m");
        assert_eq!(
            rto_verdict(&open.incident, open.now + 20 * MIN),
            "over by 13m so far: 43m against 30m"
        );
        assert!(rpo_verdict(&open.incident).starts_with("not recorded"));
        let resolved = db_loss(at(4, 10, 0));
        assert_eq!(
            rto_verdict(&resolved.incident, resolved.now + 60 * MIN),
            "not marked restored: measured to resolve — missed by 36m: 1h 6m against 30m"
        );
        assert_eq!(
            rpo_verdict(&resolved.incident),
            "missed by 1m: 6m against 5m"
        );
        assert_eq!(
            rpo_summary(&resolved.incident),
            "02:58:00 UTC — RPO 6m, 1m over the 5m target"
        );
        let drill = corruption_drill(at(14, 13, 0));
        assert_eq!(
            rto_verdict(&drill.incident, drill.now),
            "so far 13m (no target)"
        );
        assert_eq!(rpo_summary(&drill.incident), "not recorded");
    }

    #[test]
    fn drills_page_nobody() {
        let drill = corruption_drill(at(14, 0, 0));
        let message = opened(
            &drill.incident,
            crate::notify::test_support::runbook(),
            15 * 60,
            vec!["U9".to_string()],
            &["Platform Lead".to_string()],
        );
        assert!(message.mentions.is_empty());
        assert!(!message.plain_text().contains("Paging"));
    }
}
