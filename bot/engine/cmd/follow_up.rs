//! `/incident followup [INC-n] <item> done|undo` (and the follow-up buttons): ticks an item of a
//! resolved incident's follow-up lists, and tells the channel what is left.

use commands::{CommandName, FollowUp, FollowUpAction};

use super::usage;
use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{follow_ups, Incident};
use crate::notify;

/// The item whose tick changed between `before` and `after`, as (list, item).
fn ticked(before: &Incident, after: &Incident) -> Option<(usize, usize)> {
    after
        .follow_ups
        .iter()
        .enumerate()
        .find_map(|(list, items)| {
            items.items.iter().enumerate().find_map(|(item, state)| {
                let was = before.follow_ups.get(list)?.items.get(item)?;
                (was.done.is_some() != state.done.is_some()).then_some((list, item))
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
                |incident, _| follow_ups::tick(incident, &command.item, done).map(|e| vec![e]),
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
