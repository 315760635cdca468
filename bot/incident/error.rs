//! Why the domain refused something. The words for the person who asked are `notify`'s
//! (`notify::refused`).

use commands::{Severity, StepAction};

use super::model::Outcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainError {
    /// The incident is resolved; nothing more is recorded on it.
    Resolved {
        incident: String,
        at_ms: i64,
    },
    /// The step was confirmed already (steps are 1-based here and below).
    AlreadyConfirmed {
        step: usize,
        title: String,
        outcome: Outcome,
        by: String,
        at_ms: i64,
        /// The steps the checklist is at now, as (number, title): none when complete, several
        /// when tracks run in parallel.
        now_at: Vec<(usize, String)>,
    },
    /// A step was named that is not current; `current` as (number, title), by priority.
    NotCurrent {
        asked: usize,
        current: Vec<(usize, String)>,
    },
    NoSuchStep {
        asked: usize,
        count: usize,
    },
    /// Every step is confirmed: what is left is to resolve.
    ChecklistComplete {
        incident: String,
    },
    /// The step failed: done needs the workaround as its note.
    Blocked {
        step: usize,
        title: String,
    },
    /// The step is a choice, and no option was chosen; `options` as (key, title).
    ChooseFirst {
        step: usize,
        title: String,
        options: Vec<(String, String)>,
    },
    NotAChoice {
        step: usize,
        title: String,
    },
    UnknownOption {
        typed: String,
        options: Vec<(String, String)>,
    },
    NothingToRetry {
        step: usize,
        title: String,
    },
    SameSeverity {
        incident: String,
        severity: Severity,
    },
    /// The last good data was typed as a time after now.
    LastGoodDataInFuture {
        typed: String,
    },
    /// No step was named while several run in parallel: which one? `current` as (number,
    /// title), by priority.
    WhichStep {
        action: StepAction,
        current: Vec<(usize, String)>,
    },
}
