//! Why a command could not run, for the person who asked, with what to type instead. `usage` is
//! the command's usage line from the command language.

use commands::{CommandName, StepAction};

use super::corrections::{amend_window, days_between, reopen_window};
use super::format::{clock_time, date_time};
use crate::incident::{DomainError, Incident, IncidentId, Outcome};
use crate::notify::message::{Message, MessageKind};
use crate::runbook::LookupError;

/// A refusal in one paragraph.
fn refusal(text: impl Into<String>) -> Message {
    Message::text(MessageKind::Error, None, text)
}

/// What the domain's rules refused.
pub fn refused(error: &DomainError) -> Message {
    refusal(refusal_text(error))
}

fn refusal_text(error: &DomainError) -> String {
    match error {
        DomainError::Resolved { incident, at_ms } => format!(
            "{incident} was resolved at {}: reopen it with /incident reopen {incident} <reason>, \
             or open a new incident with /incident open",
            date_time(*at_ms)
        ),
        DomainError::AlreadyConfirmed {
            step,
            title,
            outcome,
            by,
            at_ms,
            now_at,
        } => {
            let outcome = match outcome {
                Outcome::Done => "done",
                Outcome::Skipped => "skipped",
            };
            let now_at = match now_at.as_slice() {
                [] => String::new(),
                [(step, title)] => format!(" — the checklist is at step {step} ({title})"),
                several => format!(" — running in parallel now: {}", steps_text(several)),
            };
            format!(
                "step {step} ({title}) was already confirmed {outcome} by {by} at {}{now_at}",
                // The refusal knows no opening day: the confirmation's own time of day.
                clock_time(*at_ms, *at_ms)
            )
        }
        DomainError::NotCurrent { asked, current } => match current.as_slice() {
            [(current, title)] => format!(
                "step {asked} is not the current step: the checklist is at step {current} ({title})"
            ),
            several => format!(
                "step {asked} is not current: running in parallel now: {}",
                steps_text(several)
            ),
        },
        DomainError::NoSuchStep { asked, count } => {
            format!("there is no step {asked}: this checklist has {count} steps")
        }
        DomainError::ChecklistComplete { incident } => format!(
            "every step of {incident} is confirmed: resolve it with /incident resolve [root cause]"
        ),
        DomainError::Blocked { step, title } => format!(
            "step {step} ({title}) failed: retry it with /incident step retry, skip it with a \
             reason, or mark it done with the workaround as the note"
        ),
        DomainError::ChooseFirst {
            step,
            title,
            options,
        } => format!(
            "step {step} ({title}) is a choice: pick one first with /incident choose <option> — {}",
            options_text(options)
        ),
        DomainError::NotAChoice { step, title } => {
            format!("step {step} ({title}) is not a choice: confirm it with /incident step done")
        }
        DomainError::UnknownOption { typed, options } => format!(
            "`{typed}` is not one of the options: {}",
            options_text(options)
        ),
        DomainError::AmbiguousOption { typed, fitting } => format!(
            "`{typed}` could be {}: say which, e.g. /incident choose {}",
            fitting
                .iter()
                .map(|(key, title)| format!("option {key} ({title})"))
                .collect::<Vec<_>>()
                .join(" or "),
            fitting.first().map_or("A", |(key, _)| key.as_str())
        ),
        DomainError::NothingToRetry { step, title } => {
            format!("step {step} ({title}) has not failed, so there is nothing to retry")
        }
        DomainError::SameSeverity { incident, severity } => {
            format!("{incident} is already {severity}")
        }
        DomainError::LastGoodDataInFuture { typed } => format!(
            "`{typed}` is in the future: give the time of the last good data, e.g. 14:30 or 10m \
             ago — usage: {}",
            CommandName::Rpo.spec().usage
        ),
        DomainError::UnknownService {
            incident,
            typed,
            services,
        } => super::restoration::unknown_service(incident, typed, services),
        DomainError::NotInTable { typed, services } => format!(
            "`{typed}` is not a service of the runbook's RTO/RPO table: {} — usage: {}",
            services.join(", "),
            CommandName::Open.spec().usage
        ),
        DomainError::AlreadyRestored {
            incident,
            opened_at_ms,
            services,
            whole,
        } => super::restoration::already_restored(incident, *opened_at_ms, services, whole),
        DomainError::Cancelled {
            incident,
            at_ms,
            duplicate_of,
        } => match duplicate_of {
            Some(original) => format!(
                "{incident} was cancelled {} as a duplicate of {original}: work on {original}, \
                 or reopen {incident} with /incident reopen {incident} <reason>",
                date_time(*at_ms)
            ),
            None => format!(
                "{incident} was cancelled {}: if it is real after all, reopen it with \
                 /incident reopen {incident} <reason>",
                date_time(*at_ms)
            ),
        },
        DomainError::NotClosed { incident } => format!(
            "{incident} is open, so there is nothing to reopen: see where it stands with \
             /incident status {incident}"
        ),
        DomainError::ReopenTooLate {
            incident,
            closed,
            closed_at_ms,
            now_ms,
        } => format!(
            "{incident} was {} {} ago ({}): an incident can be reopened for {} after it is \
             closed. Open a new one with /incident open <severity> <scenario>, and name \
             {incident} in its description",
            closed.to_string().to_lowercase(),
            days_between(*closed_at_ms, *now_ms),
            date_time(*closed_at_ms),
            reopen_window()
        ),
        DomainError::AmendmentsClosed {
            incident,
            resolved_at_ms,
            now_ms,
        } => format!(
            "{incident} was resolved {} ago ({}): it takes amendments for {} after resolve. \
             Write it in the post-mortem document instead",
            days_between(*resolved_at_ms, *now_ms),
            date_time(*resolved_at_ms),
            amend_window()
        ),
        DomainError::PostmortemFinal {
            incident,
            at_ms,
            by,
        } => format!(
            "the post-mortem of {incident} was marked final by {by} on {}: {incident} takes no \
             more amendments. Write it in the post-mortem document instead",
            date_time(*at_ms)
        ),
        DomainError::AlreadyResolved { incident, at_ms } => format!(
            "{incident} is already resolved ({}). To amend its root cause, give the new one: \
             /incident resolve {incident} <root cause> — to reopen it: /incident reopen \
             {incident} <reason>",
            date_time(*at_ms)
        ),
        DomainError::StillOpen { incident } => format!(
            "{incident} is still open: resolve it with /incident resolve [root cause] first, then \
             mark its post-mortem final"
        ),
        DomainError::DuplicateOfItself { incident } => format!(
            "{incident} cannot be a duplicate of itself: name the incident it duplicates — usage: \
             {}",
            CommandName::Cancel.spec().usage
        ),
        DomainError::NoFollowUps { .. }
        | DomainError::NoSuchFollowUp { .. }
        | DomainError::AmbiguousFollowUp { .. }
        | DomainError::FollowUpAlready { .. } => {
            super::follow_ups::refusal_text(error).unwrap_or_default()
        }
        DomainError::WhichStep { action, current } => {
            let example = current.first().map_or(1, |(number, _)| *number);
            format!(
                "Which step? {} steps run in parallel: {}. Give its number, e.g. /incident \
                 step {example} {} — usage: {}",
                current.len(),
                steps_text(current),
                action_example(*action),
                CommandName::Step.spec().usage
            )
        }
    }
}

/// `2 Database recovery · 3 Application deployment`.
fn steps_text(steps: &[(usize, String)]) -> String {
    steps
        .iter()
        .map(|(number, title)| format!("{number} {title}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The action as it is typed, with the note it needs: `skip <reason>`.
fn action_example(action: StepAction) -> &'static str {
    match action {
        StepAction::Done => "done",
        StepAction::Skip => "skip <reason>",
        StepAction::Fail => "fail <what happened>",
        StepAction::Retry => "retry",
    }
}

/// `A Point-in-time recovery, B Selective restoration`.
fn options_text(options: &[(String, String)]) -> String {
    options
        .iter()
        .map(|(key, title)| format!("{key} {title}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An incident named that is not in this workspace.
pub fn no_such_incident_here(id: IncidentId) -> Message {
    refusal(format!(
        "There is no {id} here. See the open incidents with /incident list"
    ))
}

/// An incident that disappeared from the store while a command was deciding on it.
pub fn incident_gone(id: IncidentId) -> Message {
    refusal(format!("There is no {id}."))
}

/// A command that needs an incident, in a channel without an open one.
pub fn no_open_incident(usage: &str) -> Message {
    refusal(format!(
        "No open incident in this channel. Open one with /incident open <severity> <scenario> — usage: {usage}"
    ))
}

/// A command that needs an incident, in a channel with several open: name one.
pub fn which_incident(open: &[&Incident], usage: &str) -> Message {
    let named: Vec<String> = open
        .iter()
        .map(|incident| format!("{} ({})", incident.reference(), incident.scenario.title))
        .collect();
    let example = open.first().map_or_else(
        || usage.to_string(),
        |first| usage.replacen("[INC-n]", &first.reference(), 1),
    );
    refusal(format!(
        "{} incidents are open here: {} — name one, e.g. {example}",
        open.len(),
        named.join(", ")
    ))
}

/// A scenario name that matches none, or several, of the runbook's.
pub fn unknown_scenario(error: &LookupError, usage: &str) -> Message {
    refusal(format!("{error} — usage: {usage}"))
}

/// `/incident drill random` with a runbook without scenarios.
pub fn nothing_to_drill() -> Message {
    refusal("The runbook has no scenarios to drill: check it with incident-bot check-runbook")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_fit_several_options_name_them() {
        let error = DomainError::AmbiguousOption {
            typed: "manual".into(),
            fitting: vec![
                ("C".into(), "Manual correction".into()),
                ("D".into(), "Manual restore".into()),
            ],
        };
        assert_eq!(
            refused(&error).plain_text(),
            "`manual` could be option C (Manual correction) or option D (Manual restore): say \
             which, e.g. /incident choose C"
        );
    }

    #[test]
    fn a_step_confirmed_twice_says_by_whom_and_where_the_checklist_is() {
        let error = DomainError::AlreadyConfirmed {
            step: 1,
            title: "Isolate".into(),
            outcome: Outcome::Done,
            by: "alice".into(),
            at_ms: 61_000,
            now_at: vec![(2, "Assess".into())],
        };
        assert_eq!(
            refused(&error).plain_text(),
            "step 1 (Isolate) was already confirmed done by alice at 00:01:01 UTC — the checklist is \
             at step 2 (Assess)"
        );
    }

    #[test]
    fn a_choice_says_how_to_choose() {
        let error = DomainError::ChooseFirst {
            step: 1,
            title: "Recovery options".into(),
            options: vec![
                ("A".into(), "Point-in-time recovery".into()),
                ("B".into(), "Selective restoration".into()),
            ],
        };
        let text = refused(&error).plain_text();
        assert!(text.contains("/incident choose"), "{text}");
        assert!(
            text.ends_with("— A Point-in-time recovery, B Selective restoration"),
            "{text}"
        );
    }
}
