//! Why the domain refused something, in words for the person who asked.

use commands::{CommandName, Severity};
use thiserror::Error;

use super::model::Outcome;

/// `03:12:09 UTC`.
pub fn clock_time(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|at| at.format("%H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "an unknown time".to_string())
}

fn outcome_word(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Done => "done",
        Outcome::Skipped => "skipped",
    }
}

fn now_at_text(now_at: &Option<(usize, String)>) -> String {
    match now_at {
        Some((step, title)) => format!(" — the checklist is at step {step} ({title})"),
        None => String::new(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error("{incident} was resolved at {}: open a new incident with /incident open", clock_time(*at_ms))]
    Resolved { incident: String, at_ms: i64 },
    #[error("step {step} ({title}) was already confirmed {} by {by} at {}{}", outcome_word(outcome), clock_time(*at_ms), now_at_text(now_at))]
    AlreadyConfirmed {
        step: usize,
        title: String,
        outcome: Outcome,
        by: String,
        at_ms: i64,
        /// The step the checklist is at now (1-based), if any.
        now_at: Option<(usize, String)>,
    },
    #[error("step {asked} is not the current step: the checklist is at step {current} ({title})")]
    NotCurrent {
        asked: usize,
        current: usize,
        title: String,
    },
    #[error("there is no step {asked}: this checklist has {count} steps")]
    NoSuchStep { asked: usize, count: usize },
    #[error(
        "every step of {incident} is confirmed: resolve it with /incident resolve [root cause]"
    )]
    ChecklistComplete { incident: String },
    #[error("step {step} ({title}) failed: retry it with /incident step retry, skip it with a reason, or mark it done with the workaround as the note")]
    Blocked { step: usize, title: String },
    #[error("step {step} ({title}) is a choice: pick one first with /incident choose <option> — {options}")]
    ChooseFirst {
        step: usize,
        title: String,
        options: String,
    },
    #[error("step {step} ({title}) is not a choice: confirm it with /incident step done")]
    NotAChoice { step: usize, title: String },
    #[error("`{typed}` is not one of the options: {options}")]
    UnknownOption { typed: String, options: String },
    #[error("step {step} ({title}) has not failed, so there is nothing to retry")]
    NothingToRetry { step: usize, title: String },
    #[error("{incident} is already {severity}")]
    SameSeverity {
        incident: String,
        severity: Severity,
    },
    #[error("`{typed}` is in the future: give the time of the last good data, e.g. 14:30 or 10m ago — usage: {}", CommandName::Rpo.spec().usage)]
    LastGoodDataInFuture { typed: String },
}
