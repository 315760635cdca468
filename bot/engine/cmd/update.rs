//! `/incident update <text> [INC-n]`: a note for the channel, quoted in the status updates.

use commands::{CommandName, Update};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::decide;
use crate::notify;

impl Engine {
    pub(super) async fn update(&self, who: &Invocation, update: Update) -> Result<Reply, Stop> {
        self.one_event(
            who,
            update.incident,
            CommandName::Update,
            |incident, _| decide::note(incident, &update.text),
            |_, after, _| Effects {
                posts: after
                    .latest_note
                    .as_ref()
                    .map(|remark| notify::note(after, remark))
                    .into_iter()
                    .collect(),
                ..Effects::default()
            },
        )
        .await
    }
}
