//! What can happen to an incident. Events are stored before anything is acknowledged, and the
//! timeline of a post-mortem is these events.

use commands::Severity;
use serde::{Deserialize, Serialize};

use super::alerts::AlertNote;
use super::drill_report::DrillReport;
use super::follow_ups::FollowUpList;
use super::model::{ChannelKey, Outcome, Person, ScenarioRef, StepState};
use super::restoration::ServiceObjective;
use super::IncidentId;

/// Everything decided when an incident opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    pub channel: ChannelKey,
    pub drill: bool,
    pub severity: Severity,
    pub scenario: ScenarioRef,
    pub description: Option<String>,
    pub services: Vec<String>,
    pub rto_secs: Option<u64>,
    pub rpo_secs: Option<u64>,
    pub steps: Vec<StepState>,
    /// Each affected service with its own RTO and RPO from the runbook's table.
    #[serde(default)]
    pub objectives: Vec<ServiceObjective>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Opened(Box<Opening>),
    StepConfirmed {
        step: usize,
        outcome: Outcome,
        note: Option<String>,
    },
    StepFailed {
        step: usize,
        note: String,
    },
    StepRetried {
        step: usize,
        note: Option<String>,
    },
    OptionChosen {
        step: usize,
        key: String,
    },
    NoteAdded {
        text: String,
    },
    RoleAssigned {
        role: String,
        person: Person,
    },
    SeverityChanged {
        severity: Severity,
    },
    LastGoodDataRecorded {
        at_ms: i64,
    },
    Resolved {
        root_cause: Option<String>,
    },
    UpdatePosted {
        number: u32,
    },
    RtoWarned {
        percent: u8,
    },
    StepNudged {
        step: usize,
    },
    FollowUpReminded {
        group: usize,
    },
    /// The post-mortem draft was posted in the channel, at someone's request.
    PostmortemPosted,
    /// Services came back (`/incident restored`), by the incident's names; empty for an
    /// incident measured as one unit.
    ServicesRestored {
        services: Vec<String>,
    },
    /// A resolved or cancelled incident is open again.
    Reopened {
        reason: Option<String>,
    },
    /// Closed as not an incident: a false alarm (`reason`), or a duplicate of another.
    Cancelled {
        reason: Option<String>,
        duplicate_of: Option<IncidentId>,
    },
    /// The root cause of a resolved incident, found or corrected after the resolution.
    RootCauseAmended {
        root_cause: String,
    },
    /// The post-mortem was marked final: the resolved incident takes no more amendments.
    PostmortemFinalized,
    /// The bot asked whether the incident is still going: nobody had acted for `STALE_AFTER`.
    StaleAsked,
    /// The runbook's post-incident follow-up lists, with their windows, as of the resolution;
    /// the first is posted with it.
    FollowUpsScheduled {
        lists: Vec<FollowUpList>,
    },
    /// A later follow-up list's window opened, and the list was posted.
    FollowUpOpened {
        list: usize,
    },
    /// Someone ticked a follow-up item (or took the tick back); both 0-based.
    FollowUpTicked {
        list: usize,
        item: usize,
        done: bool,
    },
    /// A drill's report, posted when the drill was resolved: kept for the drill history.
    DrillReported(Box<DrillReport>),
    /// A monitoring alert fired (again) and was matched to this incident, or opened it.
    AlertFired {
        alert: AlertNote,
    },
    /// One of the incident's alerts resolved.
    AlertResolved {
        alert: AlertNote,
    },
}

impl Event {
    /// The stored name of [`Event::DrillReported`], for finding a channel's drill history.
    pub const DRILL_REPORTED: &'static str = "drill_reported";

    /// The event's name as stored (`step_confirmed`).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Opened(_) => "opened",
            Event::StepConfirmed { .. } => "step_confirmed",
            Event::StepFailed { .. } => "step_failed",
            Event::StepRetried { .. } => "step_retried",
            Event::OptionChosen { .. } => "option_chosen",
            Event::NoteAdded { .. } => "note_added",
            Event::RoleAssigned { .. } => "role_assigned",
            Event::SeverityChanged { .. } => "severity_changed",
            Event::LastGoodDataRecorded { .. } => "last_good_data_recorded",
            Event::Resolved { .. } => "resolved",
            Event::UpdatePosted { .. } => "update_posted",
            Event::RtoWarned { .. } => "rto_warned",
            Event::StepNudged { .. } => "step_nudged",
            Event::FollowUpReminded { .. } => "follow_up_reminded",
            Event::PostmortemPosted => "postmortem_posted",
            Event::ServicesRestored { .. } => "services_restored",
            Event::Reopened { .. } => "reopened",
            Event::Cancelled { .. } => "cancelled",
            Event::RootCauseAmended { .. } => "root_cause_amended",
            Event::PostmortemFinalized => "postmortem_finalized",
            Event::StaleAsked => "stale_asked",
            Event::FollowUpsScheduled { .. } => "follow_ups_scheduled",
            Event::FollowUpOpened { .. } => "follow_up_opened",
            Event::FollowUpTicked { .. } => "follow_up_ticked",
            Event::DrillReported(_) => Event::DRILL_REPORTED,
            Event::AlertFired { .. } => "alert_fired",
            Event::AlertResolved { .. } => "alert_resolved",
        }
    }
}

/// An event with who caused it and when: the unit of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub at_ms: i64,
    pub by: Person,
    pub event: Event,
}
