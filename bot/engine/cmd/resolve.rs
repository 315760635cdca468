//! `/incident resolve [root cause] [INC-n]`: every timer of the incident is cleared; a real
//! incident posts the RESOLVED notification and its first follow-up list and schedules the
//! others, a drill posts its report (see `engine::follow_ups`); steps failed or never confirmed
//! do not stop it, and the answer to the resolver lists them. On a resolved incident it amends
//! the root cause, with a short post (not a second RESOLVED).

use commands::{CommandName, Resolve};

use super::usage;
use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{correction, decide};
use crate::notify;

impl Engine {
    pub(super) async fn resolve(&self, who: &Invocation, resolve: Resolve) -> Result<Reply, Stop> {
        let cause = resolve.root_cause.as_deref();
        let loaded = self
            .target_or_latest(who, resolve.incident, usage(CommandName::Resolve))
            .await?;
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, now| match incident.is_open() {
                    true => {
                        let resolved = decide::resolve(incident, resolve.root_cause.clone())?;
                        Ok(self.closing_events(incident, resolved, now))
                    }
                    false => correction::amend_root_cause(incident, cause, now).map(|e| vec![e]),
                },
                |before, after, now| match before.is_open() {
                    false => {
                        Effects::post(notify::root_cause_amended(before, after, &who.person.name))
                    }
                    true => Effects {
                        reply: notify::resolved_with_open_steps(after),
                        ..self.closing_effects(after, now)
                    },
                },
            )
            .await?)
    }
}
