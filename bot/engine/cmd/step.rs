//! `/incident step [n] done|skip|fail|retry [note]` (and the step buttons): confirms, fails or
//! retries a step by the checklist's rules (any current track, when several run in parallel),
//! and shows the card in its new state.

use commands::{CommandName, Step, StepAction};

use super::{nudge_timer, usage};
use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{decide, Incident, Outcome, Person};
use crate::notify;

/// Someone else confirming the step you are looking at a moment before you is the same step,
/// not a reason to confirm the next one.
const SAME_MOMENT_MS: i64 = 10_000;

/// The step a `/incident step …` without a number means: the current one, pinned now so that a
/// confirmation racing ours is told apart; or the step someone else confirmed in the last few
/// seconds, so that two people typing `done` for the same step confirm it once. With several
/// tracks current there is no telling which: `None`, and the domain asks which.
fn meant_step(incident: &Incident, person: &Person, now_ms: i64) -> Option<usize> {
    let latest = incident
        .steps
        .iter()
        .enumerate()
        .filter_map(|(index, step)| Some((index, step.confirmation.as_ref()?)))
        .max_by_key(|(_, confirmation)| confirmation.at_ms);
    let previous = latest.and_then(|(index, confirmation)| {
        let just_now = now_ms.saturating_sub(confirmation.at_ms) < SAME_MOMENT_MS;
        (just_now && confirmation.by.id != person.id).then_some(index)
    });
    previous.or_else(|| incident.only_current_step())
}

impl Engine {
    pub(super) async fn step(&self, who: &Invocation, step: Step) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, step.incident, usage(CommandName::Step))
            .await?;
        let pinned = match step.number {
            Some(number) => Some(
                usize::try_from(number)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(1),
            ),
            None => meant_step(&loaded.incident, &who.person, self.now_ms()),
        };
        let action = step.action;
        let note = step.note;
        let name = &who.person.name;
        let record = |incident: &Incident| match action {
            StepAction::Done => decide::confirm(incident, pinned, Outcome::Done, note.clone()),
            StepAction::Skip => decide::confirm(incident, pinned, Outcome::Skipped, note.clone()),
            StepAction::Fail => decide::fail(incident, pinned, note.clone().unwrap_or_default()),
            StepAction::Retry => decide::retry(incident, pinned, note.clone()),
        };
        // Typed without a number while several tracks were open: which one was meant stays
        // unknown even if the others are confirmed before this is decided, so ask now.
        if pinned.is_none() && loaded.incident.current_steps().len() > 1 {
            if let Err(refusal) = record(&loaded.incident) {
                return Err(Stop::Refused(Reply::with(notify::refused(&refusal))));
            }
        }
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| record(incident).map(|event| vec![event]),
                |before, after, _| {
                    let Some(index) = pinned.or_else(|| before.only_current_step()) else {
                        return Effects::default();
                    };
                    let post = match action {
                        StepAction::Fail => notify::step_failed(after, index),
                        StepAction::Done | StepAction::Skip => self.checklist_post_pinging(
                            Some(before),
                            after,
                            Some(notify::confirmation_headline(after, index)),
                        ),
                        StepAction::Retry => self.checklist_post(
                            after,
                            Some(notify::retried_headline(after, index, name)),
                        ),
                    };
                    Effects {
                        timers: vec![nudge_timer(after)],
                        ..Effects::post(post)
                    }
                },
            )
            .await?)
    }
}
