//! `/incident status [INC-n]`: where an incident stands, for the person who asked; with no
//! incident open, the channel's latest one.

use commands::{CommandName, IncidentRef};

use super::usage;
use crate::engine::timers::next_update_ms;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::TimerKind;
use crate::notify;

impl Engine {
    pub(super) async fn status(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
    ) -> Result<Reply, Stop> {
        let loaded = self
            .target_or_latest(who, named, usage(CommandName::Status))
            .await?;
        let now = self.now_ms();
        let incident = loaded.incident;
        let mut next_update = incident.is_open().then(|| {
            next_update_ms(
                incident.opened_at_ms,
                self.config.update_interval_secs(incident.severity),
                now,
            )
        });
        if incident.is_stale() {
            // Hourly while nobody acts: the timer says when.
            next_update = self
                .store
                .timers(incident.id)
                .await?
                .into_iter()
                .find(|timer| timer.kind == TimerKind::Update)
                .map(|timer| timer.due_at_ms.millis())
                .or(next_update);
        }
        Ok(Reply::with(notify::status(
            &incident,
            self.runbook(),
            now,
            next_update,
        )))
    }
}
