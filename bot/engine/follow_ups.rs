//! How an incident closes, the engine's side: a drill gets its report (kept as an event for the
//! drill history) and schedules nothing; a real incident gets the RESOLVED notification, the
//! runbook's follow-up lists with their windows (the first posted at once) and their timers;
//! and what those timers post when they fire.

use super::load::Effects;
use super::Engine;
use crate::incident::drill_report::{self, DrillReport};
use crate::incident::{follow_ups, Event, Incident, TimerKind};
use crate::notify::{self, ListMoment};

impl Engine {
    /// The events that close `incident` at `now_ms` besides `resolved`: a drill's report, or
    /// the follow-up lists.
    pub(super) fn closing_events(
        &self,
        incident: &Incident,
        resolved: Event,
        now_ms: i64,
    ) -> Vec<Event> {
        if incident.drill {
            let report = self.drill_report(incident, now_ms);
            return vec![resolved, Event::DrillReported(Box::new(report))];
        }
        let lists = follow_ups::schedule(&self.runbook().follow_ups, now_ms);
        match lists.is_empty() {
            true => vec![resolved],
            false => vec![resolved, Event::FollowUpsScheduled { lists }],
        }
    }

    /// A drill's report, ended at `ended_at_ms`.
    fn drill_report(&self, drill: &Incident, ended_at_ms: i64) -> DrillReport {
        let services = drill_report::restored_with_checklist(drill, |service| {
            self.runbook().objective(service)?.rto_secs
        });
        drill_report::report(drill, services, ended_at_ms)
    }

    /// What closing posts and schedules: every timer cleared; the drill report, or the RESOLVED
    /// notification with the first follow-up list and the timers of the others.
    pub(super) fn closing_effects(&self, after: &Incident, now_ms: i64) -> Effects {
        if after.drill {
            let report = self.drill_report(after, now_ms);
            return Effects {
                clear_timers: true,
                ..Effects::post(notify::drill_report(after.id, &report))
            };
        }
        let mut posts = vec![notify::resolved(after, self.runbook())];
        if !after.follow_ups.is_empty() {
            posts.push(notify::follow_up_list(after, 0, ListMoment::Opens, now_ms));
        }
        let timers = after
            .follow_ups
            .iter()
            .enumerate()
            .flat_map(|(index, list)| {
                let opens = (index > 0)
                    .then_some((TimerKind::FollowUpOpens(index), Some(list.opens_at_ms)));
                let reminder = list
                    .reminder_at_ms()
                    .map(|at| (TimerKind::FollowUpReminder(index), Some(at)));
                opens.into_iter().chain(reminder)
            })
            .collect();
        Effects {
            posts,
            timers,
            clear_timers: true,
            ..Effects::default()
        }
    }

    /// What a follow-up list's timer posts (`recorded`: whether its event was recorded).
    pub(super) fn follow_up_effects(
        &self,
        incident: &Incident,
        kind: TimerKind,
        recorded: bool,
        now_ms: i64,
    ) -> Effects {
        let post = match kind {
            TimerKind::FollowUpOpens(list) => Some((list, ListMoment::Opens)),
            TimerKind::FollowUpReminder(list) => Some((list, ListMoment::Reminder)),
            _ => None,
        }
        .filter(|_| recorded)
        .map(|(list, moment)| notify::follow_up_list(incident, list, moment, now_ms));
        Effects {
            posts: post.into_iter().collect(),
            timers: vec![(kind, None)],
            ..Effects::default()
        }
    }
}

/// What a follow-up list's timer records: the list posted when its window opens; the
/// reminder only while it has open items.
pub(super) fn follow_up_events(incident: &Incident, kind: TimerKind) -> Vec<Event> {
    match kind {
        TimerKind::FollowUpOpens(list) if list < incident.follow_ups.len() => {
            vec![Event::FollowUpOpened { list }]
        }
        TimerKind::FollowUpReminder(list)
            if incident
                .follow_ups
                .get(list)
                .is_some_and(|found| found.open_items() > 0) =>
        {
            vec![Event::FollowUpReminded { group: list }]
        }
        _ => Vec::new(),
    }
}
