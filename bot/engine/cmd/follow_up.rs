//! `/incident followup [INC-n] <item> done|undo` (and the follow-up buttons): ticks an item of a
//! resolved incident's follow-up lists, and tells the channel what is left. An incident resolved
//! by a version that did not keep the lists gets them, as of its resolution, with the first tick.

use commands::{CommandName, FollowUp, FollowUpAction};

use super::usage;
use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{follow_ups, Event, Incident};
use crate::notify;

/// The item whose tick changed between `before` and `after`, as (list, item).
fn ticked(before: &Incident, after: &Incident) -> Option<(usize, usize)> {
    after
        .follow_ups
        .iter()
        .enumerate()
        .find_map(|(list, items)| {
            items.items.iter().enumerate().find_map(|(item, state)| {
                let was_done = before
                    .follow_ups
                    .get(list)
                    .and_then(|found| found.items.get(item))
                    .is_some_and(|was| was.done.is_some());
                (was_done != state.done.is_some()).then_some((list, item))
            })
        })
}

impl Engine {
    pub(super) async fn follow_up(
        &self,
        who: &Invocation,
        command: FollowUp,
    ) -> Result<Reply, Stop> {
        let loaded = self
            .target_or_latest(who, command.incident, usage(CommandName::FollowUp))
            .await?;
        let done = command.action == FollowUpAction::Done;
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| match self.lists_kept_late(incident) {
                    Some(Event::FollowUpsScheduled { lists }) => {
                        let mut with_lists = incident.clone();
                        with_lists.follow_ups = lists.clone();
                        let tick = follow_ups::tick(&with_lists, &command.item, done)?;
                        Ok(vec![Event::FollowUpsScheduled { lists }, tick])
                    }
                    _ => follow_ups::tick(incident, &command.item, done).map(|e| vec![e]),
                },
                |before, after, _| match ticked(before, after) {
                    Some((list, item)) => Effects::post(notify::follow_up_ticked(
                        after,
                        list,
                        item,
                        &who.person.name,
                    )),
                    None => Effects::default(),
                },
            )
            .await?)
    }
}
