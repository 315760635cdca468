//! `/incident severity <severity> [INC-n]`: a new severity pages the roles it calls for that the
//! old one did not, and moves the next status update to the new cadence, saying so when the
//! cadence changed.

use commands::{ChangeSeverity, CommandName};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{decide, TimerKind};
use crate::notify::{self, CadenceChange};

impl Engine {
    pub(super) async fn change_severity(
        &self,
        who: &Invocation,
        change: ChangeSeverity,
    ) -> Result<Reply, Stop> {
        self.one_event(
            who,
            change.incident,
            CommandName::Severity,
            |incident, _| decide::change_severity(incident, change.severity),
            |before, after, now| {
                let already: Vec<String> = self
                    .config
                    .paging(before.severity)
                    .into_iter()
                    .map(|(role, _)| role)
                    .collect();
                // A drill pages nobody, at any severity.
                let newly: Vec<(String, Option<String>)> = self
                    .config
                    .paging(after.severity)
                    .into_iter()
                    .filter(|(role, _)| !already.contains(role) && !after.drill)
                    .collect();
                let from_secs = self.update_every_secs(before);
                let to_secs = self.update_every_secs(after);
                let next_ms = self.next_update_due(after, now);
                let cadence = (from_secs != to_secs).then_some(CadenceChange {
                    from_secs,
                    to_secs,
                    next_ms,
                });
                Effects {
                    timers: vec![(TimerKind::Update, Some(next_ms))],
                    ..Effects::post(notify::severity_changed(
                        after,
                        before.severity,
                        &who.person.name,
                        newly,
                        cadence,
                    ))
                }
            },
        )
        .await
    }
}
