//! `/postmortem [INC-n] final`: the post-mortem of a resolved incident is marked final (an
//! event), and the final draft is posted; from then on the incident takes no amendments. With no
//! incident open, the channel's latest one.

use commands::{CommandName, IncidentRef};

use super::usage;
use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{correction, Event, Recorded};
use crate::notify;

impl Engine {
    pub(super) async fn finalize_postmortem(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
    ) -> Result<Reply, Stop> {
        let loaded = self
            .target_or_latest(who, named, usage(CommandName::Postmortem))
            .await?;
        let timeline = self.timeline(loaded.incident.id).await?;
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| correction::finalize_postmortem(incident).map(|event| vec![event]),
                |_, after, now| {
                    let mut timeline = timeline.clone();
                    timeline.push(Recorded {
                        at_ms: now,
                        by: who.person.clone(),
                        event: Event::PostmortemFinalized,
                    });
                    let markdown = crate::postmortem::draft(after, &timeline, self.runbook(), now);
                    Effects {
                        reply: Some(notify::postmortem_final_marked(after)),
                        ..Effects::post(notify::postmortem_final(after, markdown))
                    }
                },
            )
            .await?)
    }
}
