//! `/incident resolve [root cause] [INC-n]`: the RESOLVED notification; every timer of the
//! incident is cleared and the runbook's follow-ups are scheduled. Steps failed or never
//! confirmed do not stop it: the answer to the resolver lists them.

use commands::{CommandName, Resolve};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{decide, TimerKind};
use crate::notify;

impl Engine {
    pub(super) async fn resolve(&self, who: &Invocation, resolve: Resolve) -> Result<Reply, Stop> {
        self.one_event(
            who,
            resolve.incident,
            CommandName::Resolve,
            |incident, _| decide::resolve(incident, resolve.root_cause.clone()),
            |_, after, now| Effects {
                clear_timers: true,
                timers: self
                    .runbook()
                    .follow_ups
                    .iter()
                    .enumerate()
                    .filter_map(|(index, group)| {
                        let due = i64::try_from(group.due_after_secs?)
                            .ok()?
                            .checked_mul(1000)?;
                        Some((TimerKind::FollowUp(index), Some(now.saturating_add(due))))
                    })
                    .collect(),
                reply: notify::resolved_with_open_steps(after),
                ..Effects::post(notify::resolved(after, self.runbook()))
            },
        )
        .await
    }
}
