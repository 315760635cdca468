//! `/incident drills`: the channel's drill history, from the reports kept when each drill was
//! resolved (newest first).

use super::super::EngineError;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{Event, IncidentId, Recorded};
use crate::notify;

/// The most drills listed.
const DRILLS_LISTED: u32 = 20;

impl Engine {
    pub(super) async fn drills(&self, who: &Invocation) -> Result<Reply, Stop> {
        let events = self
            .store
            .channel_events_of_kind(&who.channel, "drill_reported", DRILLS_LISTED)
            .await?;
        let mut drills = Vec::with_capacity(events.len());
        for event in events {
            let recorded: Recorded =
                serde_json::from_str(&event.data).map_err(|source| EngineError::Unreadable {
                    incident: event.incident_id,
                    source,
                })?;
            if let Event::DrillReported(report) = recorded.event {
                drills.push((event.incident_id, *report));
            }
        }
        let drills: Vec<(IncidentId, _)> = drills;
        Ok(Reply::with(notify::drill_history(&drills)))
    }
}
