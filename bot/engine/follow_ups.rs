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
            let report = Self::drill_report(incident, now_ms);
            return vec![resolved, Event::DrillReported(Box::new(report))];
        }
        let mut lists = follow_ups::schedule(&self.runbook().follow_ups, now_ms);
        follow_ups::carry_ticks(&mut lists, &incident.follow_ups);
        match lists.is_empty() {
            true => vec![resolved],
            false => vec![resolved, Event::FollowUpsScheduled { lists }],
        }
    }

    /// The follow-up lists of an incident resolved by a version that did not keep them, as they
    /// would have been scheduled at its resolution: so that its items can be ticked too.
    pub(super) fn lists_kept_late(&self, incident: &Incident) -> Option<Event> {
        let resolved = incident.resolution.as_ref()?;
        let lists = follow_ups::schedule(&self.runbook().follow_ups, resolved.at_ms);
        (incident.follow_ups.is_empty() && !incident.drill && !lists.is_empty())
            .then_some(Event::FollowUpsScheduled { lists })
    }

    /// A drill's report, ended at `ended_at_ms`.
    fn drill_report(drill: &Incident, ended_at_ms: i64) -> DrillReport {
        drill_report::report(drill, drill_report::restore_times(drill), ended_at_ms)
    }

    /// What closing posts and schedules: every timer cleared; the drill report, or the RESOLVED
    /// notification with the first follow-up list and the timers of the others.
    pub(super) fn closing_effects(&self, after: &Incident, now_ms: i64) -> Effects {
        if after.drill {
            let report = Self::drill_report(after, now_ms);
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

    /// What a follow-up timer posts (`recorded`: whether its event was recorded). A
    /// `follow-up-N` timer, set by versions before follow-up windows at the deadline of group
    /// N, posts that group as those versions did, or, once the incident keeps its lists (ticked
    /// since), the list's reminder.
    pub(super) fn follow_up_effects(
        &self,
        incident: &Incident,
        kind: TimerKind,
        recorded: bool,
        now_ms: i64,
    ) -> Effects {
        let post = match kind {
            TimerKind::FollowUp(group) if incident.follow_ups.is_empty() => self
                .runbook()
                .follow_ups
                .get(group)
                .map(|group| notify::follow_up(incident, group)),
            TimerKind::FollowUp(list) | TimerKind::FollowUpReminder(list) => Some(
                notify::follow_up_list(incident, list, ListMoment::Reminder, now_ms),
            ),
            TimerKind::FollowUpOpens(list) => Some(notify::follow_up_list(
                incident,
                list,
                ListMoment::Opens,
                now_ms,
            )),
            _ => None,
        }
        .filter(|_| recorded);
        Effects {
            posts: post.into_iter().collect(),
            timers: vec![(kind, None)],
            ..Effects::default()
        }
    }
}

/// What a follow-up timer records: a list posted when its window opens; a reminder (or an
/// older version's deadline post) only while the list has open items.
pub(super) fn follow_up_events(incident: &Incident, kind: TimerKind) -> Vec<Event> {
    let has_open = |list: usize| {
        incident
            .follow_ups
            .get(list)
            .is_some_and(|found| found.open_items() > 0)
    };
    match kind {
        TimerKind::FollowUp(group) if incident.follow_ups.is_empty() => {
            vec![Event::FollowUpReminded { group }]
        }
        TimerKind::FollowUp(list) | TimerKind::FollowUpReminder(list) if has_open(list) => {
            vec![Event::FollowUpReminded { group: list }]
        }
        TimerKind::FollowUpOpens(list) if list < incident.follow_ups.len() => {
            vec![Event::FollowUpOpened { list }]
        }
        _ => Vec::new(),
    }
}
