//! `/incident restored [INC-n] [service…]`: services are back. Their RTO clocks stop; the RTO
//! timer moves to the tightest RTO still running, or goes once everything is back (the incident
//! is then Monitoring). The channel is told which services are back, how long each took against
//! its RTO and what remains, and the checklist card drops its "mark it restored" line.

use commands::{CommandName, Restored};

use crate::engine::load::Effects;
use crate::engine::scheduler::rto_timer;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::restoration;
use crate::notify;

impl Engine {
    pub(super) async fn restored(
        &self,
        who: &Invocation,
        restored: Restored,
    ) -> Result<Reply, Stop> {
        self.one_event(
            who,
            restored.incident,
            CommandName::Restored,
            |incident, _| restoration::restore(incident, &restored.services),
            |before, after, now| {
                let back: Vec<String> = after
                    .objectives
                    .iter()
                    .zip(&before.objectives)
                    .filter(|(now_state, was)| {
                        now_state.restored.is_some() && was.restored.is_none()
                    })
                    .map(|(objective, _)| objective.service.clone())
                    .collect();
                let named = restoration::named(before, &restored.services).unwrap_or_default();
                let already = restoration::already_back(before, &named);
                Effects {
                    reply: notify::some_already_restored(after, &already),
                    posts: vec![
                        notify::restored(after, &back, &who.person.name, now),
                        self.checklist_post(after, None),
                    ],
                    timers: vec![rto_timer(after)],
                    ..Effects::default()
                }
            },
        )
        .await
    }
}
