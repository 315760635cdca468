//! The durable cadence: status updates, RTO warnings, step nudges, the question to an incident
//! left alone (`stale`), follow-up lists and their reminders, each a due time in the store. A
//! tick finds the due timers through the due-time index and handles each as an ordinary change
//! of its incident, so a restart or a second replica neither skips nor
//! repeats a post: whoever commits first wins, and the other sees the timer already moved.
//!
//! RTO warnings are about the tightest RTO among the services not yet restored
//! ([`Incident::rto_watch`]); once everything is restored the RTO timer is gone.
//!
//! One post per moment: an RTO threshold reached within [`FOLD_MS`] (60 s) of a status update
//! is announced in that update, not in a post of its own. An update folds in a threshold reached
//! up to 60 s after its time; an RTO timer that fires while an update is due within 60 s waits
//! for it (it moves to a second after the update, and the update moves it on). Either way the RTO
//! timer advances to the next threshold, and the warning is on the timeline as `rto_warned`.

use super::follow_ups::follow_up_events;
use super::load::{Attempt, Effects};
use super::timers::{
    due_nudges, next_nudge_ms, next_rto_threshold, rto_threshold_ms, rto_threshold_reached,
};
use super::{bot_person, Engine, EngineError, MAX_ATTEMPTS};
use crate::clock::{Clock, SimulatedClock};
use crate::incident::{Event, Incident, TimerKind};
use crate::notify;
use crate::store::Timer;

/// Timers handled per tick; more wait for the next tick.
const TIMERS_PER_TICK: u32 = 500;

/// An RTO threshold reached this close to a status update is announced in the update.
pub const FOLD_MS: i64 = 60_000;

/// The RTO timer: due at the next threshold of what [`Incident::rto_watch`] watches; none once
/// nothing with an RTO is left to restore.
pub(super) fn rto_timer(incident: &Incident) -> (TimerKind, Option<i64>) {
    let due = incident.rto_watch().and_then(|watch| {
        next_rto_threshold(watch.warned_percent)
            .map(|percent| rto_threshold_ms(incident.opened_at_ms, watch.rto_secs, percent))
    });
    (TimerKind::Rto, due)
}

/// The highest RTO threshold reached by `by_ms` and not yet announced.
fn rto_reached(incident: &Incident, by_ms: i64) -> Option<u8> {
    let watch = incident.rto_watch()?;
    rto_threshold_reached(
        incident.opened_at_ms,
        watch.rto_secs,
        watch.warned_percent,
        by_ms,
    )
}

/// The warning a change recorded, if any: the percent it announced.
fn warned(before: &Incident, after: &Incident) -> Option<u8> {
    let (before, after) = (before.rto_watch()?, after.rto_watch()?);
    (after.warned_percent > before.warned_percent).then_some(after.warned_percent)
}

/// Whether an RTO timer firing at `now` waits for the update due at `update_due`.
fn waits_for_update(update_due: Option<i64>, now: i64) -> bool {
    update_due.is_some_and(|due| due <= now.saturating_add(FOLD_MS))
}

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub due: usize,
}

impl Engine {
    /// Handles every timer due now. Call it every second or so (and after `/advance` in a
    /// simulated clock).
    pub async fn run_due_timers(&self) -> Result<TickReport, EngineError> {
        let due = self
            .store
            .due_timers(self.clock.now_millis(), TIMERS_PER_TICK)
            .await?;
        for timer in &due {
            self.fire(timer).await?;
        }
        Ok(TickReport { due: due.len() })
    }

    /// Moves a simulated clock forward by `by`, stopping at every due time on the way so each
    /// automatic post happens at its own moment, as it would on the real clock.
    pub async fn advance_clock(
        &self,
        clock: &SimulatedClock,
        by: chrono::Duration,
    ) -> Result<(), EngineError> {
        let target = clock.now_millis() + by.num_milliseconds();
        while let Some(due) = self.store.next_due_at().await? {
            if due > target {
                break;
            }
            if due > clock.now_millis() {
                clock.set(due.to_datetime().unwrap_or_default());
            }
            self.run_due_timers().await?;
        }
        clock.set(target.to_datetime().unwrap_or_default());
        self.run_due_timers().await?;
        Ok(())
    }

    /// Fires a due timer, unless another replica fired it first. The incident is read before the
    /// timer: a replica that fired the timer moved it in the same commit as the incident, so a
    /// timer still as listed means the incident was read before that commit, and a commit based
    /// on it fails. After a lost race the timer is looked at again, not decided again on the
    /// fresh state: that would post a second update.
    async fn fire(&self, timer: &Timer) -> Result<(), EngineError> {
        let kind = timer.kind;
        let bot = bot_person();
        let _turn = self.turns.take(timer.incident_id).await;
        for _ in 0..MAX_ATTEMPTS {
            let Some(loaded) = self.load(timer.incident_id).await? else {
                return Ok(());
            };
            let set = self.store.timers(timer.incident_id).await?;
            if !set
                .iter()
                .any(|stored| stored.kind == timer.kind && stored.due_at_ms == timer.due_at_ms)
            {
                return Ok(());
            }
            let update_due = set
                .iter()
                .find(|stored| stored.kind == TimerKind::Update)
                .map(|stored| stored.due_at_ms.millis());
            let attempt = self
                .attempt(
                    loaded,
                    &bot,
                    |incident, now| Ok(self.timer_events(incident, kind, now, update_due)),
                    |before, after, now| self.timer_effects(before, after, kind, now, update_due),
                )
                .await?;
            if !matches!(attempt, Attempt::Lost) {
                return Ok(());
            }
        }
        Err(EngineError::Contended {
            incident: timer.incident_id,
        })
    }

    /// The events a due timer records; none when there is nothing to say (the timer is then
    /// still moved or removed by its effects). `update_due` is when the next status update is
    /// due, if one is set.
    fn timer_events(
        &self,
        incident: &Incident,
        kind: TimerKind,
        now: i64,
        update_due: Option<i64>,
    ) -> Vec<Event> {
        match kind {
            TimerKind::FollowUp(_)
            | TimerKind::FollowUpOpens(_)
            | TimerKind::FollowUpReminder(_) => follow_up_events(incident, kind),
            _ if !incident.is_open() => Vec::new(),
            TimerKind::Update | TimerKind::Stale if self.asks_if_stale(incident, now) => {
                let folded = rto_reached(incident, now.saturating_add(FOLD_MS));
                std::iter::once(Event::StaleAsked)
                    .chain(folded.map(|percent| Event::RtoWarned { percent }))
                    .collect()
            }
            TimerKind::Stale => Vec::new(),
            TimerKind::Update => {
                let folded = rto_reached(incident, now.saturating_add(FOLD_MS));
                std::iter::once(Event::UpdatePosted {
                    number: incident.updates_posted + 1,
                })
                .chain(folded.map(|percent| Event::RtoWarned { percent }))
                .collect()
            }
            TimerKind::Rto if waits_for_update(update_due, now) => Vec::new(),
            TimerKind::Rto => rto_reached(incident, now)
                .map(|percent| Event::RtoWarned { percent })
                .into_iter()
                .collect(),
            TimerKind::Nudge => due_nudges(incident, now)
                .into_iter()
                .map(|step| Event::StepNudged { step })
                .collect(),
        }
    }

    fn timer_effects(
        &self,
        before: &Incident,
        incident: &Incident,
        kind: TimerKind,
        now: i64,
        update_due: Option<i64>,
    ) -> Effects {
        let delete = Effects {
            timers: vec![(kind, None)],
            ..Effects::default()
        };
        match kind {
            TimerKind::FollowUp(_)
            | TimerKind::FollowUpOpens(_)
            | TimerKind::FollowUpReminder(_) => self.follow_up_effects(
                incident,
                kind,
                !follow_up_events(before, kind).is_empty(),
                now,
            ),
            _ if !incident.is_open() => delete,
            TimerKind::Update | TimerKind::Stale if incident.is_stale() && !before.is_stale() => {
                let mut asked = self.stale_question(incident, now);
                if let Some(percent) = warned(before, incident) {
                    asked.posts = asked
                        .posts
                        .into_iter()
                        .map(|post| notify::with_rto_warning(post, incident, percent, now))
                        .collect();
                    asked.timers.push(rto_timer(incident));
                }
                asked
            }
            TimerKind::Stale => Effects {
                timers: vec![self.stale_timer(incident)],
                ..Effects::default()
            },
            TimerKind::Update => {
                let next = self.next_update_due(incident, now);
                let mut post = notify::update(
                    incident,
                    self.runbook(),
                    self.update_every_secs(incident),
                    now,
                    Some(next),
                );
                let mut timers = vec![(kind, Some(next))];
                if let Some(percent) = warned(before, incident) {
                    post = notify::with_rto_warning(post, incident, percent, now);
                    timers.push(rto_timer(incident));
                }
                Effects {
                    posts: vec![post],
                    timers,
                    ..Effects::default()
                }
            }
            TimerKind::Rto if waits_for_update(update_due, now) => Effects {
                timers: vec![(kind, update_due.map(|due| due.saturating_add(1_000)))],
                ..Effects::default()
            },
            TimerKind::Rto => Effects {
                posts: warned(before, incident)
                    .map(|percent| notify::rto_warning(incident, percent, now))
                    .into_iter()
                    .collect(),
                timers: vec![rto_timer(incident)],
                ..Effects::default()
            },
            TimerKind::Nudge => Effects {
                posts: incident
                    .current_steps()
                    .into_iter()
                    .filter(|&step| incident.steps[step].nudged && !before.steps[step].nudged)
                    .map(|step| notify::nudge(incident, step, now))
                    .collect(),
                timers: vec![(kind, next_nudge_ms(incident))],
                ..Effects::default()
            },
        }
    }
}
