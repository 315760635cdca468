//! Folding events into state: an incident is its `Opened` event plus everything after it.

use std::collections::BTreeMap;

use super::event::{Event, Opening, Recorded};
use super::model::{Confirmation, Incident, Person, Remark, Resolution};
use super::IncidentId;

impl Incident {
    /// The incident an opening starts, at `at_ms` by `by`.
    pub fn opened(id: IncidentId, opening: &Opening, at_ms: i64, by: &Person) -> Incident {
        let opening = opening.clone();
        let mut incident = Incident {
            id,
            channel: opening.channel,
            drill: opening.drill,
            severity: opening.severity,
            scenario: opening.scenario,
            description: opening.description,
            opened_at_ms: at_ms,
            opened_by: by.clone(),
            services: opening.services,
            rto_secs: opening.rto_secs,
            rpo_secs: opening.rpo_secs,
            // The bot opening an incident from an alert leaves the commander to be claimed.
            roles: match by.is_bot() {
                true => BTreeMap::new(),
                false => BTreeMap::from([("commander".to_string(), by.clone())]),
            },
            steps: opening.steps,
            latest_note: None,
            last_good_data_ms: None,
            resolution: None,
            updates_posted: 0,
            rto_warned_percent: 0,
            objectives: opening.objectives,
            restored: None,
            cancellation: None,
            postmortem_final: None,
            last_human_at_ms: (!by.is_bot()).then_some(at_ms),
            stale_asked_at_ms: None,
            quiet_posts: 0,
            quiet_post_at_ms: None,
            follow_ups: Vec::new(),
            alerts: Vec::new(),
        };
        incident.start_current_steps(at_ms);
        incident
    }

    /// Applies one event. Events were validated before they were stored, so this only records.
    pub fn apply(&mut self, recorded: &Recorded) {
        let remark = |text: &str| Remark {
            text: text.to_string(),
            by: recorded.by.clone(),
            at_ms: recorded.at_ms,
        };
        match &recorded.event {
            Event::Opened(_) => {}
            Event::StepConfirmed {
                step,
                outcome,
                note,
            } => {
                if let Some(state) = self.steps.get_mut(*step) {
                    state.confirmation = Some(Confirmation {
                        outcome: *outcome,
                        by: recorded.by.clone(),
                        at_ms: recorded.at_ms,
                        note: note.clone(),
                    });
                    state.failure = None;
                }
                self.start_current_steps(recorded.at_ms);
            }
            Event::StepFailed { step, note } => {
                if let Some(state) = self.steps.get_mut(*step) {
                    state.failure = Some(remark(note));
                }
            }
            Event::StepRetried { step, .. } => {
                if let Some(state) = self.steps.get_mut(*step) {
                    state.failure = None;
                }
            }
            Event::OptionChosen { step, key } => {
                if let Some(state) = self.steps.get_mut(*step) {
                    state.chosen = Some(key.clone());
                }
            }
            Event::NoteAdded { text } => self.latest_note = Some(remark(text)),
            Event::RoleAssigned { role, person } => {
                self.roles.insert(role.clone(), person.clone());
            }
            Event::SeverityChanged { severity } => self.severity = *severity,
            Event::LastGoodDataRecorded { at_ms } => self.last_good_data_ms = Some(*at_ms),
            Event::Resolved { root_cause } => {
                self.resolution = Some(Resolution {
                    at_ms: recorded.at_ms,
                    by: recorded.by.clone(),
                    root_cause: root_cause.clone(),
                })
            }
            Event::UpdatePosted { number } => self.updates_posted = *number,
            Event::RtoWarned { percent } => self.record_rto_warning(*percent),
            Event::StepNudged { step } => {
                if let Some(state) = self.steps.get_mut(*step) {
                    state.nudged = true;
                }
            }
            Event::FollowUpReminded { .. } | Event::PostmortemPosted => {}
            Event::ServicesRestored { services } => {
                self.record_restored(services, recorded.at_ms, &recorded.by)
            }
            Event::Reopened { .. }
            | Event::Cancelled { .. }
            | Event::RootCauseAmended { .. }
            | Event::PostmortemFinalized => self.apply_correction(recorded),
            Event::StaleAsked => self.stale_asked_at_ms = Some(recorded.at_ms),
            Event::FollowUpsScheduled { lists } => self.follow_ups = lists.clone(),
            Event::FollowUpTicked { list, item, done } => {
                self.tick_follow_up(*list, *item, *done, &recorded.by, recorded.at_ms)
            }
            Event::FollowUpOpened { .. } | Event::DrillReported(_) => {}
            Event::AlertFired { alert } => super::alerts::set_firing(&mut self.alerts, alert, true),
            Event::AlertResolved { alert } => {
                super::alerts::set_firing(&mut self.alerts, alert, false)
            }
        }
        self.count_quiet(recorded);
    }
}
