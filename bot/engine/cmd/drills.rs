//! `/incident drills`: the channel's drill history, from the reports kept when each drill was
//! resolved (newest first; a drill reopened and resolved again counts with its latest report).

use crate::engine::{Engine, EngineError, Invocation, Reply, Stop};
use crate::incident::{Event, Recorded};
use crate::notify;

/// The most drills listed.
const DRILLS_LISTED: u32 = 20;

impl Engine {
    pub(super) async fn drills(&self, who: &Invocation) -> Result<Reply, Stop> {
        let events = self
            .store
            .channel_events_of_kind(&who.channel, Event::DRILL_REPORTED, DRILLS_LISTED)
            .await?;
        let mut drills = Vec::with_capacity(events.len());
        for event in events {
            if drills.iter().any(|(id, _)| *id == event.incident_id) {
                continue;
            }
            let recorded: Recorded =
                serde_json::from_str(&event.data).map_err(|source| EngineError::Unreadable {
                    incident: event.incident_id,
                    source,
                })?;
            if let Event::DrillReported(report) = recorded.event {
                drills.push((event.incident_id, *report));
            }
        }
        Ok(Reply::with(notify::drill_history(&drills)))
    }
}
