//! `/incident choose <option> [INC-n]`: picks an option of the current choice step (Option A, B…)
//! and shows the card with the choice made.

use commands::{Choose, CommandName};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::decide;
use crate::notify;

impl Engine {
    pub(super) async fn choose(&self, who: &Invocation, choose: Choose) -> Result<Reply, Stop> {
        let name = &who.person.name;
        self.one_event(
            who,
            choose.incident,
            CommandName::Choose,
            |incident, _| decide::choose(incident, &choose.option),
            |before, after, _| {
                let chosen = (0..after.steps.len())
                    .find(|&index| after.steps[index].chosen != before.steps[index].chosen);
                let headline = chosen.and_then(|index| notify::chosen_headline(after, index, name));
                Effects::post(self.checklist_post(after, headline))
            },
        )
        .await
    }
}
