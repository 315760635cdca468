//! Incidents left alone, the engine's side: after `STALE_AFTER` without a human command the bot
//! asks once whether the incident is still going (the `stale` timer, or the update due at that
//! moment, which the question then replaces), posts its updates hourly until someone acts, and
//! goes back to the usual cadence when someone does. A day of silence stays within
//! [`MAX_QUIET_POSTS_PER_DAY`](crate::incident::stale::MAX_QUIET_POSTS_PER_DAY) posts.
//!
//! The `stale` timer is moved lazily: a command does not touch it; when it fires and someone
//! acted meanwhile, it is set again from their last command.

use super::load::Effects;
use super::timers::next_update_ms;
use super::Engine;
use crate::incident::stale::STALE_UPDATE_SECS;
use crate::incident::{Incident, Person, TimerKind};
use crate::notify;

/// Seconds as milliseconds, saturating.
fn ms(secs: u64) -> i64 {
    i64::try_from(secs)
        .unwrap_or(i64::MAX / 1000)
        .saturating_mul(1000)
}

impl Engine {
    fn stale_after_ms(&self) -> i64 {
        ms(self.config.stale_after_secs())
    }

    /// Whether a timer firing at `now_ms` asks whether `incident` is still going.
    pub(super) fn asks_if_stale(&self, incident: &Incident, now_ms: i64) -> bool {
        incident.stale_question_due(self.stale_after_ms(), now_ms)
    }

    /// The `stale` timer: `STALE_AFTER` after the last human command, while the incident is open
    /// and not asked yet.
    pub(super) fn stale_timer(&self, incident: &Incident) -> (TimerKind, Option<i64>) {
        let due = (incident.is_open() && !incident.is_stale()).then(|| {
            incident
                .last_human_ms()
                .saturating_add(self.stale_after_ms())
        });
        (TimerKind::Stale, due)
    }

    /// The cadence of an incident's status updates: its severity's, or hourly (never sooner than
    /// the usual cadence) while it is stale.
    pub(super) fn update_every_secs(&self, incident: &Incident) -> u64 {
        let interval = self.config.update_interval_secs(incident.severity);
        if incident.is_stale() {
            interval.max(STALE_UPDATE_SECS)
        } else {
            interval
        }
    }

    /// When the next status update is due after one at `now_ms`: the usual slot, or an hour
    /// later while the incident is stale.
    pub(super) fn next_update_due(&self, incident: &Incident, now_ms: i64) -> i64 {
        let interval = self.config.update_interval_secs(incident.severity);
        if incident.is_stale() {
            incident.next_quiet_post_ms(ms(self.update_every_secs(incident)), now_ms)
        } else {
            next_update_ms(incident.opened_at_ms, interval, now_ms)
        }
    }

    /// The question, just asked (`incident` records it), and the hourly updates from now on.
    pub(super) fn stale_question(&self, incident: &Incident, now_ms: i64) -> Effects {
        let next = self.next_update_due(incident, now_ms);
        let quiet_secs = u64::try_from(now_ms.saturating_sub(incident.last_human_ms()) / 1000)
            .unwrap_or_default();
        Effects {
            posts: vec![notify::stale_question(
                incident,
                quiet_secs,
                self.config.update_interval_secs(incident.severity),
                next,
            )],
            timers: vec![(TimerKind::Update, Some(next)), (TimerKind::Stale, None)],
            ..Effects::default()
        }
    }

    /// The timers a person's change sets when it ends a silence the bot asked about: the usual
    /// update cadence, and the `stale` clock from now.
    pub(super) fn silence_ended_timers(
        &self,
        before: &Incident,
        after: &Incident,
        by: &Person,
        now_ms: i64,
    ) -> Vec<(TimerKind, Option<i64>)> {
        if by.is_bot() || !before.is_stale() || !after.is_open() {
            return Vec::new();
        }
        let interval = self.config.update_interval_secs(after.severity);
        vec![
            (
                TimerKind::Update,
                Some(next_update_ms(after.opened_at_ms, interval, now_ms)),
            ),
            self.stale_timer(after),
        ]
    }
}
