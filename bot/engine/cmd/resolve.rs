//! `/incident resolve [root cause] [INC-n]`: every timer of the incident is cleared; a real
//! incident posts the RESOLVED notification and its first follow-up list and schedules the
//! others, a drill posts its report (see `engine::follow_ups`).

use commands::{CommandName, Resolve};

use super::usage;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::decide;

impl Engine {
    pub(super) async fn resolve(&self, who: &Invocation, resolve: Resolve) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, resolve.incident, usage(CommandName::Resolve))
            .await?;
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, now| {
                    let resolved = decide::resolve(incident, resolve.root_cause.clone())?;
                    Ok(self.closing_events(incident, resolved, now))
                },
                |_, after, now| self.closing_effects(after, now),
            )
            .await?)
    }
}
