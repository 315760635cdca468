//! `/incident reopen [INC-n] [reason]`: a resolved or cancelled incident is open again. Its timers
//! resume as if it had never closed (updates on the opening's cadence, the RTO warnings not yet
//! given, the current step's nudge) and the follow-up reminders scheduled at resolve are
//! withdrawn. Without a name, the channel's latest incident.

use commands::{CommandName, Reopen};

use super::{nudge_timer, usage};
use crate::engine::load::Effects;
use crate::engine::scheduler::rto_timer;
use crate::engine::timers::next_update_ms;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{correction, Incident, TimerKind};
use crate::notify;

impl Engine {
    pub(super) async fn reopen(&self, who: &Invocation, reopen: Reopen) -> Result<Reply, Stop> {
        let loaded = self
            .named_or_latest(who, reopen.incident, usage(CommandName::Reopen))
            .await?;
        let reason = reopen.reason.as_deref();
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, now| {
                    correction::reopen(incident, reopen.reason.clone(), now)
                        .map(|event| vec![event])
                },
                |before, after, now| {
                    let (timers, next_update) = self.resumed_timers(after, now);
                    Effects {
                        clear_timers: true,
                        timers,
                        ..Effects::post(notify::reopened(
                            after,
                            before,
                            self.runbook(),
                            (&who.person.name, reason),
                            now,
                            next_update,
                        ))
                    }
                },
            )
            .await?)
    }

    /// The timers of an incident reopened at `now`, set after every timer it had (the follow-ups)
    /// is cleared; and when the next update is due.
    fn resumed_timers(
        &self,
        incident: &Incident,
        now: i64,
    ) -> (Vec<(TimerKind, Option<i64>)>, i64) {
        let interval = self.config.update_interval_secs(incident.severity);
        let next_update = next_update_ms(incident.opened_at_ms, interval, now);
        let timers = vec![
            (TimerKind::Update, Some(next_update)),
            nudge_timer(incident),
            rto_timer(incident),
            self.stale_timer(incident),
        ];
        (timers, next_update)
    }
}
