//! The checklist card and what happens to a step: confirmed, failed, over its budget.

use super::format::clock_time;
use super::format::{against_budget, budget_text, minutes, secs_between};
use super::restoration::{restore_hint, what_next};
use super::{
    failed_hint, heading, resolve_hint, state_hints, step_line, step_name, step_words, text,
    ways_forward, CONFIRM_HINT,
};
use crate::incident::{Incident, Outcome, StepState};
use crate::notify::message::{Block, Message, MessageKind};
use crate::runbook::{CodeBlock, Step};

/// The checklist card: an optional headline (what just happened), progress, then the current
/// step with its details, commands, options and failure, and the buttons to confirm it; while
/// tracks run in parallel, each of them (`tracks::card`). `runbook_step` gives the runbook's
/// step for an index; without it only the title and budget show. `now_ms` is when the card is
/// drawn, for how long open tracks have been running.
pub fn checklist<'r>(
    incident: &Incident,
    runbook_step: impl Fn(usize) -> Option<&'r Step>,
    headline: Option<String>,
    now_ms: i64,
) -> Message {
    let mut message = Message::new(MessageKind::Checklist, Some(incident.id.number()));
    if let Some(headline) = headline.filter(|headline| !headline.trim().is_empty()) {
        message = message.with(text(headline));
    }
    if let Some(group) = incident.current_group() {
        return super::tracks::card(message, incident, &group, &runbook_step, now_ms);
    }
    let total = incident.steps.len();
    let done = incident.confirmed_steps();
    let Some(index) = incident.only_current_step() else {
        let label = incident
            .steps
            .last()
            .map_or_else(|| "Checklist".to_string(), |step| step.phase.clone());
        let closing = if incident.is_open() {
            format!("All {total} steps confirmed. {}", what_next(incident))
        } else {
            format!(
                "All {total} steps confirmed. {} is resolved.",
                incident.reference()
            )
        };
        let message = message
            .with(Block::Progress { done, total, label })
            .with(heading(incident, "Checklist complete"))
            .with(text(closing));
        return with_restore_actions(message, incident);
    };
    let state = &incident.steps[index];
    message = message
        .with(Block::Progress {
            done,
            total,
            label: state.phase.clone(),
        })
        .with(heading(incident, &step_line(incident, index)));
    message = with_step(message, incident, index, runbook_step(index));
    let message = message.with(Block::StepActions {
        incident: incident.id.number(),
        step: index,
    });
    with_restore_hint(message, incident)
}

/// A current step's body: its details and commands, its options, its failure.
pub(super) fn with_step(
    mut message: Message,
    incident: &Incident,
    index: usize,
    step: Option<&Step>,
) -> Message {
    let state = &incident.steps[index];
    if let Some(step) = step {
        message = with_details(message, &step.details, &step.commands);
    }
    if state.is_choice() {
        message = with_choice(message, state, step);
    }
    if let Some(failure) = &state.failure {
        message = message.with(text(format!(
            "✗ Failed — {}, {}: {}\n{}",
            failure.by.name,
            clock_time(failure.at_ms, incident.opened_at_ms),
            failure.text.trim(),
            ways_forward(incident, index)
        )));
    }
    message
}

/// With the hint to mark services restored, and the Restored and Resolve buttons, once the
/// recovery steps are done (and steps after them remain).
pub(super) fn with_restore_hint(message: Message, incident: &Incident) -> Message {
    match restore_hint(incident) {
        Some(hint) => with_restore_actions(message.with(text(hint)), incident),
        None => message,
    }
}

/// With the Restored and Resolve buttons while the recovery steps are done and the incident is
/// open and not restored.
fn with_restore_actions(message: Message, incident: &Incident) -> Message {
    if incident.is_open() && !incident.is_restored() && incident.recovery_steps_done() {
        message.with(Block::RestoreActions {
            incident: incident.id.number(),
        })
    } else {
        message
    }
}

/// Details as bullets, then each command as a code block.
fn with_details(mut message: Message, details: &[String], commands: &[CodeBlock]) -> Message {
    if !details.is_empty() {
        let bullets: Vec<String> = details.iter().map(|detail| format!("• {detail}")).collect();
        message = message.with(text(bullets.join("\n")));
    }
    for command in commands {
        message = message.with(Block::Code {
            lang: command.lang.clone(),
            code: command.code.trim_end().to_string(),
        });
    }
    message
}

/// The options to choose from, or the chosen one with its details and commands.
fn with_choice(message: Message, state: &StepState, step: Option<&Step>) -> Message {
    match &state.chosen {
        None => {
            let mut lines = vec!["Choose one:".to_string()];
            lines.extend(
                state
                    .options
                    .iter()
                    .map(|(key, title)| format!("{key}  {title}")),
            );
            let example = state.options.first().map_or("A", |(key, _)| key.as_str());
            lines.push(format!(
                "Pick with /incident choose <option>, e.g. /incident choose {example}"
            ));
            message.with(text(lines.join("\n")))
        }
        Some(key) => {
            let title = state
                .options
                .iter()
                .find(|(option, _)| option == key)
                .map_or("", |(_, title)| title.as_str());
            let message = message.with(text(format!("Taking option {key}: {title}")));
            match step.and_then(|step| step.options.iter().find(|option| &option.key == key)) {
                Some(option) => with_details(message, &option.details, &option.commands),
                None => message,
            }
        }
    }
}

/// What the card says after a confirmation: `✓ Step 2 (Activate incident response) done by alice
/// in 1m 30s (budget 2m)`, `↷ Step 9 (…) skipped by alice: covered elsewhere`.
pub fn confirmation_headline(incident: &Incident, index: usize) -> String {
    let name = step_name(incident, index);
    let Some(state) = incident.steps.get(index) else {
        return format!("{name} confirmed");
    };
    let Some(confirmation) = &state.confirmation else {
        return format!("{name} is not confirmed yet");
    };
    let by = &confirmation.by.name;
    let note = confirmation
        .note
        .as_deref()
        .map(str::trim)
        .filter(|note| !note.is_empty());
    match confirmation.outcome {
        Outcome::Skipped => match note {
            Some(reason) => format!("↷ {name} skipped by {by}: {reason}"),
            None => format!("↷ {name} skipped by {by}"),
        },
        Outcome::Done => {
            let mut line = format!("✓ {name} done by {by}");
            if let Some(key) = &state.chosen {
                line.push_str(&format!(" with option {key}"));
            }
            if let Some(actual) = state.actual_secs() {
                line.push_str(&format!(" in {}", against_budget(actual, state)));
            }
            if let Some(note) = note {
                line.push_str(&format!(" — \"{note}\""));
            }
            line
        }
    }
}

/// A step failed: who said what, and the three ways forward.
pub fn step_failed(incident: &Incident, index: usize) -> Message {
    let title = incident
        .steps
        .get(index)
        .map_or(String::new(), |step| format!(" · {}", step.title));
    let mut message = Message::new(MessageKind::StepFailed, Some(incident.id.number())).with(
        heading(incident, &format!("Step {} failed{title}", index + 1)),
    );
    match incident
        .steps
        .get(index)
        .and_then(|step| step.failure.as_ref())
    {
        Some(failure) => {
            message = message.with(text(format!(
                "{}, {}: {}",
                failure.by.name,
                clock_time(failure.at_ms, incident.opened_at_ms),
                failure.text.trim()
            )))
        }
        None => {
            message = message.with(text(format!(
                "{} is marked failed.",
                step_name(incident, index)
            )))
        }
    }
    message
        .with(text(ways_forward(incident, index)))
        .with(Block::StepActions {
            incident: incident.id.number(),
            step: index,
        })
}

/// A step is over its budget: how long so far, and how to say it is done or stuck.
pub fn nudge(incident: &Incident, index: usize, now_ms: i64) -> Message {
    let name = step_name(incident, index);
    let state = incident.steps.get(index);
    let running = state
        .and_then(|step| step.started_at_ms)
        .map(|started| secs_between(started, now_ms));
    let budget = state.and_then(|step| step.budget.as_ref());
    let status = match (budget, running) {
        (Some(budget), Some(running)) if running < budget.max_secs + 60 => format!(
            "{name} has used its {} budget: {} so far.",
            budget_text(budget),
            minutes(running)
        ),
        (Some(budget), Some(running)) => format!(
            "{name} is over its {} budget: {} so far.",
            budget_text(budget),
            minutes(running)
        ),
        (Some(budget), None) => format!("{name} is over its {} budget.", budget_text(budget)),
        (None, Some(running)) => format!("{name} has been running for {}.", minutes(running)),
        (None, None) => format!("{name} is still open."),
    };
    let mut lines = vec![if state.is_some_and(|step| step.failure.is_some()) {
        format!("{status}\n{}", failed_hint(incident, index))
    } else {
        format!(
            "{status} Done? /incident {words} done — stuck? /incident {words} fail <what happened>",
            words = step_words(incident, index)
        )
    }];
    lines.extend(resolve_hint(incident));
    Message::new(MessageKind::Nudge, Some(incident.id.number()))
        .with(heading(
            incident,
            &format!("Step {} · budget used up", index + 1),
        ))
        .with(text(lines.join("\n")))
        .with(Block::StepActions {
            incident: incident.id.number(),
            step: index,
        })
}

/// `Current: Step 5 of 11 · Restore … · budget 15m–30m · running 3m` plus its failure, for
/// messages about the whole incident.
pub(super) fn current_step_text(incident: &Incident, now_ms: i64) -> Option<String> {
    if let Some(group) = incident.current_group() {
        return Some(super::tracks::summary(incident, &group, now_ms));
    }
    let index = incident.only_current_step()?;
    let state = &incident.steps[index];
    let mut line = format!("Current: {}", step_line(incident, index));
    if let Some(started) = state.started_at_ms {
        line.push_str(&format!(
            " · running {}",
            minutes(secs_between(started, now_ms))
        ));
    }
    if state.failure.is_some() {
        line.push_str(" · FAILED");
    } else if state.is_choice() && state.chosen.is_none() {
        line.push_str(" · choose an option with /incident choose <option>");
    }
    let mut lines = vec![line];
    if state.failure.is_none() {
        lines.push(CONFIRM_HINT.to_string());
    }
    lines.extend(state_hints(incident));
    Some(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::test_support::{
        at, corruption_drill, db_loss, db_loss_restored, render, runbook,
    };
    use crate::notify::{rto_warning, status, update};

    use crate::notify::test_support::snapshot;

    /// Step 5 of INC-3 failed at 03:31 and nobody has retried it yet: every message that shows
    /// it offers retry, skip or done with a workaround, never a bare "done".
    #[test]
    fn after_a_failure_the_hints_offer_the_ways_forward() {
        let failed = db_loss(at(3, 32, 0)).incident;
        let retry =
            "Step 5 failed — /incident step retry [note] · skip <reason> · done <workaround>";
        let messages = [
            ("nudge_failed", nudge(&failed, 4, at(3, 54, 30))),
            (
                "rto_warning_failed",
                rto_warning(&failed, 100, at(3, 34, 0)),
            ),
            (
                "update_failed",
                update(
                    &failed,
                    runbook(),
                    15 * 60,
                    at(3, 34, 0),
                    Some(at(3, 49, 0)),
                ),
            ),
            (
                "status_failed",
                status(&failed, runbook(), at(3, 32, 0), Some(at(3, 34, 0))),
            ),
        ];
        for (name, message) in messages {
            let shown = render(&message);
            assert!(shown.contains(retry), "{name}: {shown}");
            assert!(!shown.contains("Done?"), "{name}: {shown}");
            assert!(!shown.contains("Confirm it:"), "{name}: {shown}");
            snapshot!(name, message);
        }
    }

    /// The database is back at 04:05:45 while post-recovery steps remain: the messages point
    /// to resolve.
    #[test]
    fn once_every_service_is_back_the_hints_point_to_resolve() {
        let restored = db_loss_restored(at(4, 6, 0)).incident;
        let resolve = "Every service is back: resolve with /incident resolve [root cause]";
        let messages = [
            ("nudge_restored", nudge(&restored, 7, at(4, 6, 0))),
            (
                "update_restored",
                update(
                    &restored,
                    runbook(),
                    15 * 60,
                    at(4, 6, 0),
                    Some(at(4, 19, 0)),
                ),
            ),
            (
                "status_restored",
                status(&restored, runbook(), at(4, 6, 0), Some(at(4, 19, 0))),
            ),
        ];
        for (name, message) in messages {
            let shown = render(&message);
            assert!(shown.contains(resolve), "{name}: {shown}");
            snapshot!(name, message);
        }
        let before = db_loss(at(3, 32, 0)).incident;
        assert!(!render(&nudge(&before, 4, at(3, 54, 30))).contains(resolve));
    }

    #[test]
    fn headlines_compare_with_the_budget() {
        let fixture = db_loss(at(4, 9, 0));
        assert_eq!(
            confirmation_headline(&fixture.incident, 1),
            "✓ Step 2 (Activate incident response) done by alice in 1m 30s (budget 2m)"
        );
        assert_eq!(
            confirmation_headline(&fixture.incident, 0),
            "✓ Step 1 (Confirm the issue) done by bob in 5m 12s (budget 5m, 12s over)"
        );
        assert_eq!(
            confirmation_headline(&fixture.incident, 8),
            "↷ Step 9 (Review backup procedures) skipped by alice: covered by the 1-week follow-up"
        );
        assert_eq!(
            confirmation_headline(&fixture.incident, 99),
            "Step 100 confirmed"
        );
    }

    #[test]
    fn out_of_range_steps_do_not_panic() {
        let fixture = corruption_drill(at(14, 13, 0));
        for index in [0, 2, 3, 1_000] {
            let _ = step_failed(&fixture.incident, index);
            let _ = nudge(&fixture.incident, index, fixture.now);
            let _ = confirmation_headline(&fixture.incident, index);
        }
    }

    #[test]
    fn without_the_runbook_step_the_card_still_shows_title_and_budget() {
        let fixture = db_loss(at(3, 27, 0));
        let text = checklist(&fixture.incident, |_| None, None, fixture.now).plain_text();
        assert!(
            text.contains("Step 5 of 11 · Restore from most recent backup · budget 15m–30m"),
            "{text}"
        );
    }
}
