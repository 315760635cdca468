//! Steps that run in parallel, as tracks, and which steps are current. A checklist runs one
//! step at a time until it reaches a group of tracks (`runbook::tracks` says which steps form
//! one); then every unconfirmed track of the group is current at once, each timed from when the
//! group started, confirmed, skipped, failed or retried on its own. A failed track blocks only
//! itself; the steps after the group wait until every track of it is confirmed.

use serde::{Deserialize, Serialize};

use super::model::{Incident, StepState};

/// A step's place in a group of tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Track {
    /// The group, named by the 0-based index of its first step.
    pub group: usize,
    /// Its `(Priority N)` rank, if it has one: tracks are shown by rank, unranked ones last.
    pub priority: Option<u8>,
}

impl Incident {
    /// The steps to work on now, in the order they are shown: the first unconfirmed step; or,
    /// when it is a track, every unconfirmed track of its group by priority. Empty when every
    /// step is confirmed.
    pub fn current_steps(&self) -> Vec<usize> {
        let Some(first) = self
            .steps
            .iter()
            .position(|step| step.confirmation.is_none())
        else {
            return Vec::new();
        };
        let Some(track) = self.steps[first].track else {
            return vec![first];
        };
        self.group_steps(track.group)
            .into_iter()
            .filter(|&index| self.steps[index].confirmation.is_none())
            .collect()
    }

    /// The current step when exactly one step is current.
    pub fn only_current_step(&self) -> Option<usize> {
        match self.current_steps().as_slice() {
            [only] => Some(*only),
            _ => None,
        }
    }

    /// Whether step `index` is one of the current steps.
    pub fn is_current(&self, index: usize) -> bool {
        self.current_steps().contains(&index)
    }

    /// The group of tracks the checklist is in, confirmed tracks included, by priority; `None`
    /// while it runs one step at a time.
    pub fn current_group(&self) -> Option<Vec<usize>> {
        let first = *self.current_steps().first()?;
        let track = self.steps[first].track?;
        Some(self.group_steps(track.group))
    }

    /// Every step of a group, by priority (unranked last), then in runbook order.
    pub fn group_steps(&self, group: usize) -> Vec<usize> {
        let mut steps: Vec<usize> = (0..self.steps.len())
            .filter(|&index| self.steps[index].track.is_some_and(|t| t.group == group))
            .collect();
        steps.sort_by_key(|&index| (priority_order(&self.steps[index]), index));
        steps
    }

    /// Marks every current step that has no start yet as started at `at_ms`: the first step at
    /// opening, the next step after a confirmation, and each track of a group when it starts.
    pub(super) fn start_current_steps(&mut self, at_ms: i64) {
        for index in self.current_steps() {
            self.steps[index].started_at_ms.get_or_insert(at_ms);
        }
    }
}

fn priority_order(step: &StepState) -> u16 {
    step.track
        .and_then(|track| track.priority)
        .map_or(u16::MAX, u16::from)
}

#[cfg(test)]
mod tests {
    use crate::incident::test_support::{confirm, incident, step, track};

    #[test]
    fn one_step_at_a_time_until_a_group_then_every_open_track() {
        let mut incident = incident(vec![
            step("Activate"),
            track(step("Database"), 1, Some(1)),
            track(step("Deploy"), 1, Some(2)),
            track(step("DNS"), 1, Some(3)),
            step("Announce"),
        ]);
        assert_eq!(incident.current_steps(), vec![0]);
        assert_eq!(incident.only_current_step(), Some(0));
        assert_eq!(incident.current_group(), None);
        confirm(&mut incident, 0, 60_000);
        assert_eq!(incident.current_steps(), vec![1, 2, 3]);
        assert_eq!(incident.only_current_step(), None);
        for index in 1..=3 {
            assert_eq!(incident.steps[index].started_at_ms, Some(60_000));
        }
        confirm(&mut incident, 3, 120_000);
        confirm(&mut incident, 1, 180_000);
        assert_eq!(incident.current_steps(), vec![2]);
        assert_eq!(incident.current_group(), Some(vec![1, 2, 3]));
        assert_eq!(incident.steps[4].started_at_ms, None, "waits for the group");
        confirm(&mut incident, 2, 240_000);
        assert_eq!(incident.current_steps(), vec![4]);
        assert_eq!(incident.steps[4].started_at_ms, Some(240_000));
        assert_eq!(
            incident.steps[3].actual_secs(),
            Some(60),
            "from the group's start"
        );
        assert_eq!(incident.steps[2].actual_secs(), Some(180));
    }

    #[test]
    fn tracks_show_by_priority_unranked_last() {
        let incident = incident(vec![
            track(step("Unranked"), 0, None),
            track(step("Second"), 0, Some(2)),
            track(step("First"), 0, Some(1)),
        ]);
        assert_eq!(incident.current_steps(), vec![2, 1, 0]);
        assert!(incident.is_current(0) && incident.is_current(2));
        for index in 0..3 {
            assert_eq!(
                incident.steps[index].started_at_ms,
                Some(0),
                "started at opening"
            );
        }
    }
}
