//! The state of one incident, as folded from its events: who opened it, which checklist it runs,
//! how far it got, who did what and when.

use std::collections::BTreeMap;

use commands::duration::DurationRange;
use commands::Severity;
use serde::{Deserialize, Serialize};

use super::correction::{Cancellation, Stamp};
use super::follow_ups::FollowUpList;
use super::restoration::{Restored, ServiceObjective};
use super::tracks::Track;
use super::IncidentId;
use crate::platform::Platform;

/// Where an incident lives: a channel of a workspace (Slack) or guild (Discord), or the console.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChannelKey {
    pub platform: Platform,
    pub workspace: String,
    pub channel: String,
}

/// Someone in chat: the platform's user id (used for mentions) and a display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub name: String,
}

/// The id (and name) the bot records what it does by itself under.
const BOT_ID: &str = "incident-bot";

impl Person {
    /// The bot itself, on the timeline.
    pub fn bot() -> Person {
        Person {
            id: BOT_ID.to_string(),
            name: BOT_ID.to_string(),
        }
    }

    /// Whether this is the bot rather than a person.
    pub fn is_bot(&self) -> bool {
        self.id == BOT_ID
    }
}

/// Which runbook scenario an incident runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioRef {
    pub number: u32,
    pub slug: String,
    pub title: String,
}

/// Where an incident is in its life, derived from its checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Investigating,
    Recovering,
    Monitoring,
    Resolved,
    /// Closed as not an incident (a false alarm or a duplicate): nothing is measured.
    Cancelled,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Investigating => "Investigating",
            Status::Recovering => "Recovering",
            Status::Monitoring => "Monitoring",
            Status::Resolved => "Resolved",
            Status::Cancelled => "Cancelled",
        })
    }
}

/// How a step was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Done,
    Skipped,
}

/// One step of an incident's checklist: what the runbook asks, and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepState {
    pub phase: String,
    pub title: String,
    pub budget: Option<DurationRange>,
    /// `Immediate`, `Ongoing`, `Priority 1` when the runbook gives a marker instead of a budget.
    pub marker: Option<String>,
    /// Who does it, when the runbook's table of steps says (an owner or role column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// For a choice: the options as (key, title).
    pub options: Vec<(String, String)>,
    pub chosen: Option<String>,
    /// When the step became current (for actual-vs-budget).
    pub started_at_ms: Option<i64>,
    pub confirmation: Option<Confirmation>,
    /// A failure that blocks the checklist until retried, skipped or worked around.
    pub failure: Option<Remark>,
    pub nudged: bool,
    /// Set when the step is a track of a group that runs in parallel.
    #[serde(default)]
    pub track: Option<Track>,
}

impl StepState {
    pub fn is_choice(&self) -> bool {
        !self.options.is_empty()
    }

    /// Seconds from start to confirmation, once confirmed.
    pub fn actual_secs(&self) -> Option<u64> {
        let confirmed = self.confirmation.as_ref()?.at_ms;
        let started = self.started_at_ms?;
        u64::try_from(confirmed.saturating_sub(started) / 1000).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    pub outcome: Outcome,
    pub by: Person,
    pub at_ms: i64,
    pub note: Option<String>,
}

/// Something someone said, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remark {
    pub text: String,
    pub by: Person,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub at_ms: i64,
    pub by: Person,
    pub root_cause: Option<String>,
}

/// An incident as it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    pub channel: ChannelKey,
    pub drill: bool,
    pub severity: Severity,
    pub scenario: ScenarioRef,
    pub description: Option<String>,
    pub opened_at_ms: i64,
    pub opened_by: Person,
    pub services: Vec<String>,
    pub rto_secs: Option<u64>,
    pub rpo_secs: Option<u64>,
    /// Role → person; the opener is the commander until someone else is assigned.
    pub roles: BTreeMap<String, Person>,
    pub steps: Vec<StepState>,
    pub latest_note: Option<Remark>,
    /// The last good data point, for the actual RPO.
    pub last_good_data_ms: Option<i64>,
    pub resolution: Option<Resolution>,
    pub updates_posted: u32,
    /// The highest RTO warning given, in percent of the target.
    pub rto_warned_percent: u8,
    /// Each affected service with its own objectives and restore time (`incident::restoration`);
    /// empty for incidents stored before services had their own, measured by `rto_secs`.
    #[serde(default)]
    pub objectives: Vec<ServiceObjective>,
    /// When the last service came back (`/incident restored`): the time to restore.
    #[serde(default)]
    pub restored: Option<Restored>,
    /// Closed as not an incident, instead of resolved.
    #[serde(default)]
    pub cancellation: Option<Cancellation>,
    /// When the post-mortem was marked final, and by whom: no amendments after it.
    #[serde(default)]
    pub postmortem_final: Option<Stamp>,
    /// When a person (not the bot) last recorded anything; `None` in incidents stored before
    /// it was kept, whose opening then counts.
    #[serde(default)]
    pub last_human_at_ms: Option<i64>,
    /// When the bot last asked whether the incident is still going.
    #[serde(default)]
    pub stale_asked_at_ms: Option<i64>,
    /// Posts the bot made by itself since the last human command.
    #[serde(default)]
    pub quiet_posts: u32,
    /// When the last of them was made (an RTO warning recorded with it was part of that post).
    #[serde(default)]
    pub quiet_post_at_ms: Option<i64>,
    /// The post-incident follow-up lists, scheduled at resolution (none for a drill).
    #[serde(default)]
    pub follow_ups: Vec<FollowUpList>,
    /// The monitoring alerts it was told of, and whether each still fires.
    #[serde(default)]
    pub alerts: Vec<super::IncidentAlert>,
}

impl Incident {
    /// `INC-7`.
    pub fn reference(&self) -> String {
        self.id.to_string()
    }

    /// Neither resolved nor cancelled.
    pub fn is_open(&self) -> bool {
        self.resolution.is_none() && self.cancellation.is_none()
    }

    pub fn confirmed_steps(&self) -> usize {
        self.steps
            .iter()
            .filter(|step| step.confirmation.is_some())
            .count()
    }

    /// Investigating while the first phase runs, Recovering after it (or once a step of a
    /// one-phase checklist is confirmed, once every step is confirmed, and once some service is
    /// back), Monitoring once every service is restored, Resolved (or Cancelled) at the end.
    /// With tracks running, the phase is the earliest current step's.
    pub fn status(&self) -> Status {
        if self.resolution.is_some() {
            return Status::Resolved;
        }
        if self.cancellation.is_some() {
            return Status::Cancelled;
        }
        if self.restored.is_some() {
            return Status::Monitoring;
        }
        if self.objectives.iter().any(|o| o.restored.is_some()) {
            return Status::Recovering;
        }
        let Some(&current) = self.current_steps().iter().min() else {
            return Status::Recovering;
        };
        let first_phase = self.steps.first().map(|step| step.phase.as_str());
        let single_phase = self
            .steps
            .iter()
            .all(|step| Some(step.phase.as_str()) == first_phase);
        let past_first_phase = Some(self.steps[current].phase.as_str()) != first_phase;
        if past_first_phase || (single_phase && self.confirmed_steps() > 0) {
            Status::Recovering
        } else {
            Status::Investigating
        }
    }

    /// Milliseconds from opening to `now_ms`, or to its close (resolution or cancellation).
    pub fn elapsed_ms(&self, now_ms: i64) -> i64 {
        let end = self.closed_at_ms().unwrap_or(now_ms);
        end.saturating_sub(self.opened_at_ms).max(0)
    }
}
