//! Why the domain refused something. The words for the person who asked are `notify`'s
//! (`notify::refused`).

use commands::{Severity, StepAction};

use super::model::{Outcome, Status};
use super::IncidentId;

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
    /// The words typed fit several options: those, as (key, title).
    AmbiguousOption {
        typed: String,
        fitting: Vec<(String, String)>,
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
    /// `/incident restored` named a service the incident does not list; `services` are the
    /// ones it does (none for an incident measured as one unit).
    UnknownService {
        incident: String,
        typed: String,
        services: Vec<String>,
    },
    /// `/incident open --services` named a service the runbook's RTO/RPO table does not list;
    /// `services` are the ones it does.
    NotInTable {
        typed: String,
        services: Vec<String>,
    },
    /// Every service named was restored already: (service, by, at) each; `whole` is (by, at)
    /// for an incident measured as one unit.
    AlreadyRestored {
        incident: String,
        opened_at_ms: i64,
        services: Vec<(String, String, i64)>,
        whole: Option<(String, i64)>,
    },
    /// The incident was cancelled; nothing more is recorded on it until it is reopened.
    Cancelled {
        incident: String,
        at_ms: i64,
        duplicate_of: Option<IncidentId>,
    },
    /// Reopening an incident that is open.
    NotClosed {
        incident: String,
    },
    /// Reopening an incident closed (`closed` is Resolved or Cancelled) longer ago than allowed.
    ReopenTooLate {
        incident: String,
        closed: Status,
        closed_at_ms: i64,
        now_ms: i64,
    },
    /// A resolved incident takes amendments for a while after its resolution; this is after.
    AmendmentsClosed {
        incident: String,
        resolved_at_ms: i64,
        now_ms: i64,
    },
    /// The post-mortem was marked final: the incident takes no more amendments.
    PostmortemFinal {
        incident: String,
        at_ms: i64,
        by: String,
    },
    /// `resolve` again without a root cause to amend.
    AlreadyResolved {
        incident: String,
        at_ms: i64,
    },
    /// The post-mortem of an incident still open cannot be final.
    StillOpen {
        incident: String,
    },
    /// An incident named as a duplicate of itself.
    DuplicateOfItself {
        incident: String,
    },
    /// Follow-ups are ticked on a resolved incident that has them (a drill has none).
    NoFollowUps {
        incident: String,
        open: bool,
        drill: bool,
    },
    /// No follow-up item is called that; `items` as (`1.3`, title).
    NoSuchFollowUp {
        typed: String,
        items: Vec<(String, String)>,
    },
    /// The words match several items; `matches` as (`1.3`, title).
    AmbiguousFollowUp {
        typed: String,
        matches: Vec<(String, String)>,
    },
    /// Ticked already (`done`: by whom, when), or not ticked when taking the tick back.
    FollowUpAlready {
        item: String,
        title: String,
        done: Option<(String, i64)>,
    },
    /// No step was named while several run in parallel: which one? `current` as (number,
    /// title), by priority.
    WhichStep {
        action: StepAction,
        current: Vec<(usize, String)>,
    },
}
