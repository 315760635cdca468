//! `/incident severity <severity> [INC-n]`: a new severity pages the roles it calls for that the
//! old one did not, and moves the next status update to the new cadence.

use commands::{ChangeSeverity, CommandName};

use crate::engine::load::Effects;
use crate::engine::timers::next_update_ms;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{decide, TimerKind};
use crate::notify;

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
                let interval = self.config.update_interval_secs(after.severity);
                let next_update = next_update_ms(after.opened_at_ms, interval, now);
                Effects {
                    timers: vec![(TimerKind::Update, Some(next_update))],
                    ..Effects::post(notify::severity_changed(
                        after,
                        before.severity,
                        &who.person.name,
                        newly,
                    ))
                }
            },
        )
        .await
    }
}
