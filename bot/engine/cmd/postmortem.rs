//! `/postmortem [INC-n]`: the Markdown draft, posted in the channel as a file with the event that
//! records it; the person who asked is told so. With no incident open, the channel's latest one
//! (the post-mortem the morning after).

use commands::{CommandName, Postmortem};

use super::usage;
use crate::engine::load::Effects;
use crate::engine::{Engine, EngineError, Invocation, Reply, Stop};
use crate::incident::{Event, IncidentId};
use crate::notify;

impl Engine {
    pub(super) async fn postmortem(
        &self,
        who: &Invocation,
        postmortem: Postmortem,
    ) -> Result<Reply, Stop> {
        if postmortem.finalize {
            return self.finalize_postmortem(who, postmortem.incident).await;
        }
        let loaded = self
            .target_or_latest(who, postmortem.incident, usage(CommandName::Postmortem))
            .await?;
        let timeline = self.timeline(loaded.incident.id).await?;
        Ok(self
            .change(
                loaded,
                &who.person,
                |_, _| Ok(vec![Event::PostmortemPosted]),
                |before, _, now| Effects {
                    reply: Some(notify::postmortem_posting(before)),
                    ..Effects::post(notify::postmortem(
                        before,
                        crate::postmortem::draft(before, &timeline, self.runbook(), now),
                    ))
                },
            )
            .await?)
    }

    /// The post-mortem draft of INC-`id` as Markdown, without posting it (`incident-bot
    /// postmortem`, on a database it only reads); `None` when there is no such incident.
    pub async fn postmortem_draft(&self, id: IncidentId) -> Result<Option<String>, EngineError> {
        let Some(loaded) = self.load(id).await? else {
            return Ok(None);
        };
        let timeline = self.timeline(id).await?;
        Ok(Some(crate::postmortem::draft(
            &loaded.incident,
            &timeline,
            self.runbook(),
            self.now_ms(),
        )))
    }
}
