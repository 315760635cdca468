//! The durable cadence: status updates, RTO warnings, step nudges, the question to an incident
//! left alone (`stale`), follow-up lists and their reminders, each a due time in the store. A
//! tick finds the due timers through the due-time index and handles each as an ordinary change
//! of its incident, so a restart or a second replica neither skips nor
//! repeats a post: whoever commits first wins, and the other sees the timer already moved.

use super::follow_ups::follow_up_events;
use super::load::{Attempt, Effects};
use super::timers::{next_rto_threshold, rto_threshold_ms, rto_threshold_reached};
use super::{bot_person, Engine, EngineError, MAX_ATTEMPTS};
use crate::clock::{Clock, SimulatedClock};
use crate::incident::{Event, Incident, TimerKind};
use crate::notify;
use crate::store::Timer;

/// Timers handled per tick; more wait for the next tick.
const TIMERS_PER_TICK: u32 = 500;

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
        for _ in 0..MAX_ATTEMPTS {
            let Some(loaded) = self.load(timer.incident_id).await? else {
                return Ok(());
            };
            if !self.still_listed(timer).await? {
                return Ok(());
            }
            let attempt = self
                .attempt(
                    loaded,
                    &bot,
                    |incident, now| Ok(self.timer_events(incident, kind, now)),
                    |before, after, now| self.timer_effects(before, after, kind, now),
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

    /// Whether `timer` is still set for the time it was listed for.
    async fn still_listed(&self, timer: &Timer) -> Result<bool, EngineError> {
        Ok(self
            .store
            .timers(timer.incident_id)
            .await?
            .iter()
            .any(|stored| stored.kind == timer.kind && stored.due_at_ms == timer.due_at_ms))
    }

    /// The events a due timer records; none when there is nothing to say (the timer is then
    /// still moved or removed by its effects).
    fn timer_events(&self, incident: &Incident, kind: TimerKind, now: i64) -> Vec<Event> {
        match kind {
            TimerKind::FollowUp(_)
            | TimerKind::FollowUpOpens(_)
            | TimerKind::FollowUpReminder(_) => follow_up_events(incident, kind),
            _ if !incident.is_open() => Vec::new(),
            TimerKind::Update | TimerKind::Stale if self.asks_if_stale(incident, now) => {
                vec![Event::StaleAsked]
            }
            TimerKind::Stale => Vec::new(),
            TimerKind::Update => vec![Event::UpdatePosted {
                number: incident.updates_posted + 1,
            }],
            TimerKind::Rto => incident
                .rto_secs
                .and_then(|rto| {
                    rto_threshold_reached(
                        incident.opened_at_ms,
                        rto,
                        incident.rto_warned_percent,
                        now,
                    )
                })
                .map(|percent| vec![Event::RtoWarned { percent }])
                .unwrap_or_default(),
            TimerKind::Nudge => match incident.current_step() {
                Some(step) if !incident.steps[step].nudged => vec![Event::StepNudged { step }],
                _ => Vec::new(),
            },
        }
    }

    fn timer_effects(
        &self,
        before: &Incident,
        incident: &Incident,
        kind: TimerKind,
        now: i64,
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
                self.stale_question(incident, now)
            }
            TimerKind::Stale => Effects {
                timers: vec![self.stale_timer(incident)],
                ..Effects::default()
            },
            TimerKind::Update => {
                let next = self.next_update_due(incident, now);
                Effects {
                    posts: vec![notify::update(incident, self.runbook(), now, Some(next))],
                    timers: vec![(kind, Some(next))],
                    ..Effects::default()
                }
            }
            TimerKind::Rto => {
                let Some(rto) = incident.rto_secs else {
                    return delete;
                };
                let next = next_rto_threshold(incident.rto_warned_percent)
                    .map(|percent| rto_threshold_ms(incident.opened_at_ms, rto, percent));
                let warned = incident.rto_warned_percent > before.rto_warned_percent;
                Effects {
                    posts: warned
                        .then(|| notify::rto_warning(incident, incident.rto_warned_percent, now))
                        .into_iter()
                        .collect(),
                    timers: vec![(kind, next)],
                    ..Effects::default()
                }
            }
            TimerKind::Nudge => Effects {
                posts: incident
                    .current_step()
                    .filter(|step| incident.steps[*step].nudged && !before.steps[*step].nudged)
                    .map(|step| notify::nudge(incident, step, now))
                    .into_iter()
                    .collect(),
                ..delete
            },
        }
    }
}
