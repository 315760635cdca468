//! The durable cadence: status updates, RTO warnings, step nudges and follow-up reminders, each a
//! due time in the store. A tick finds the due timers through the due-time index and handles each
//! as an ordinary change of its incident, so a restart or a second replica neither skips nor
//! repeats a post: whoever commits first wins, and the other sees the timer already moved.

use std::sync::atomic::{AtomicBool, Ordering};

use super::load::Effects;
use super::timers::{
    self, next_rto_threshold, next_update_ms, rto_threshold_ms, rto_threshold_reached,
};
use super::{bot_person, Engine, EngineError, MAX_ATTEMPTS};
use crate::clock::{Clock, SimulatedClock};
use crate::incident::{Event, Incident};
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
            .due_timers(self.now_ms(), TIMERS_PER_TICK)
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
        let target = clock
            .now()
            .timestamp_millis()
            .saturating_add(by.num_milliseconds());
        while let Some(due) = self.store.next_due_at().await? {
            if due > target {
                break;
            }
            if due > clock.now().timestamp_millis() {
                clock.set(chrono::DateTime::from_timestamp_millis(due).unwrap_or_default());
            }
            self.run_due_timers().await?;
        }
        clock.set(chrono::DateTime::from_timestamp_millis(target).unwrap_or_default());
        self.run_due_timers().await?;
        Ok(())
    }

    /// Fires a due timer, unless another replica fired it first. The incident is read before the
    /// timer: a replica that fired the timer moved it in the same commit as the incident, so a
    /// timer still as listed means the incident was read before that commit, and a commit based
    /// on it fails. After a lost race the timer is looked at again, not decided again on the
    /// fresh state: that would post a second update.
    async fn fire(&self, timer: &Timer) -> Result<(), EngineError> {
        let name = timer.name.clone();
        let bot = bot_person();
        for _ in 0..MAX_ATTEMPTS {
            let Some(loaded) = self.load(timer.incident_id).await? else {
                return Ok(());
            };
            if !self.still_listed(timer).await? {
                return Ok(());
            }
            let decided = AtomicBool::new(false);
            let lost = AtomicBool::new(false);
            self.change(
                loaded,
                &bot,
                |incident, now| {
                    if decided.swap(true, Ordering::Relaxed) {
                        lost.store(true, Ordering::Relaxed);
                        return Err(String::new()); // ends `change`; nothing is told to anyone
                    }
                    Ok(self.timer_events(incident, &name, now))
                },
                |before, after, now| self.timer_effects(before, after, &name, now),
            )
            .await?;
            if !lost.load(Ordering::Relaxed) {
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
            .any(|stored| stored.name == timer.name && stored.due_at_ms == timer.due_at_ms))
    }

    /// The events a due timer records; none when there is nothing to say (the timer is then
    /// still moved or removed by its effects).
    fn timer_events(&self, incident: &Incident, name: &str, now: i64) -> Vec<Event> {
        if let Some(group) = name.strip_prefix(timers::FOLLOW_UP_PREFIX) {
            return group
                .parse()
                .map(|group| vec![Event::FollowUpReminded { group }])
                .unwrap_or_default();
        }
        if !incident.is_open() {
            return Vec::new();
        }
        match name {
            timers::UPDATE => vec![Event::UpdatePosted {
                number: incident.updates_posted + 1,
            }],
            timers::RTO => incident
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
            timers::NUDGE => match incident.current_step() {
                Some(step) if !incident.steps[step].nudged => vec![Event::StepNudged { step }],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn timer_effects(
        &self,
        before: &Incident,
        incident: &Incident,
        name: &str,
        now: i64,
    ) -> Effects {
        let delete = (name.to_string(), None);
        if let Some(group) = name.strip_prefix(timers::FOLLOW_UP_PREFIX) {
            let posts = group
                .parse::<usize>()
                .ok()
                .and_then(|group| self.runbook().follow_ups.get(group))
                .map(|group| notify::follow_up(incident, group))
                .into_iter()
                .collect();
            return Effects {
                posts,
                timers: vec![delete],
                ..Effects::default()
            };
        }
        if !incident.is_open() {
            return Effects {
                timers: vec![delete],
                ..Effects::default()
            };
        }
        match name {
            timers::UPDATE => {
                let interval = self.config.update_interval_secs(incident.severity);
                let next = next_update_ms(incident.opened_at_ms, interval, now);
                Effects {
                    posts: vec![notify::update(incident, self.runbook(), now, Some(next))],
                    timers: vec![(name.to_string(), Some(next))],
                    ..Effects::default()
                }
            }
            timers::RTO => {
                let Some(rto) = incident.rto_secs else {
                    return Effects {
                        timers: vec![delete],
                        ..Effects::default()
                    };
                };
                let next = next_rto_threshold(incident.rto_warned_percent)
                    .map(|percent| rto_threshold_ms(incident.opened_at_ms, rto, percent));
                let warned = incident.rto_warned_percent > before.rto_warned_percent;
                Effects {
                    posts: warned
                        .then(|| notify::rto_warning(incident, incident.rto_warned_percent, now))
                        .into_iter()
                        .collect(),
                    timers: vec![(name.to_string(), next)],
                    ..Effects::default()
                }
            }
            timers::NUDGE => Effects {
                posts: incident
                    .current_step()
                    .filter(|step| incident.steps[*step].nudged && !before.steps[*step].nudged)
                    .map(|step| notify::nudge(incident, step, now))
                    .into_iter()
                    .collect(),
                timers: vec![delete],
                ..Effects::default()
            },
            _ => Effects {
                timers: vec![delete],
                ..Effects::default()
            },
        }
    }
}
