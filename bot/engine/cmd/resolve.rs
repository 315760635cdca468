//! `/incident resolve [root cause] [INC-n]`: the RESOLVED notification; every timer of the
//! incident is cleared and the runbook's follow-ups are scheduled; steps failed or never
//! confirmed do not stop it, and the answer to the resolver lists them. On a resolved incident
//! it amends the root cause, with a short post (not a second RESOLVED).

use commands::{CommandName, Resolve};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{correction, decide, TimerKind};
use crate::notify;

impl Engine {
    pub(super) async fn resolve(&self, who: &Invocation, resolve: Resolve) -> Result<Reply, Stop> {
        let cause = resolve.root_cause.as_deref();
        self.one_amendment(
            who,
            resolve.incident,
            CommandName::Resolve,
            |incident, now| match incident.is_open() {
                true => decide::resolve(incident, resolve.root_cause.clone()),
                false => correction::amend_root_cause(incident, cause, now),
            },
            |before, after, now| match before.is_open() {
                false => Effects::post(notify::root_cause_amended(before, after, &who.person.name)),
                true => Effects {
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
            },
        )
        .await
    }
}
