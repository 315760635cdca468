//! `/incident update <text> [INC-n]`: a note for the channel, quoted in the status updates; on a
//! resolved incident, a note on its timeline (never a status update).

use commands::{CommandName, Update};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::decide;
use crate::notify;

impl Engine {
    pub(super) async fn update(&self, who: &Invocation, update: Update) -> Result<Reply, Stop> {
        self.one_amendment(
            who,
            update.incident,
            CommandName::Update,
            |incident, now| decide::note(incident, &update.text, now),
            |before, after, _| Effects {
                posts: after
                    .latest_note
                    .as_ref()
                    .map(|remark| match before.is_open() {
                        true => notify::note(after, remark),
                        false => notify::note_after_resolve(after, remark),
                    })
                    .into_iter()
                    .collect(),
                ..Effects::default()
            },
        )
        .await
    }
}
