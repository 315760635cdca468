//! `/incident status [INC-n]`: where an incident stands, for the person who asked; with no
//! incident open, the channel's latest one. Also what `incident-bot status INC-n` prints.

use commands::{CommandName, IncidentRef};

use super::usage;
use crate::engine::timers::next_update_ms;
use crate::engine::{Engine, EngineError, Invocation, Reply, Stop};
use crate::incident::{Incident, IncidentId, TimerKind};
use crate::notify::{self, Message};

impl Engine {
    pub(super) async fn status(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
    ) -> Result<Reply, Stop> {
        let loaded = self
            .target_or_latest(who, named, usage(CommandName::Status))
            .await?;
        Ok(Reply::with(self.status_message(&loaded.incident).await?))
    }

    /// The status of INC-`id`, whatever its channel (`incident-bot status`, on a database it
    /// only reads); `None` when there is no such incident.
    pub async fn status_of(&self, id: IncidentId) -> Result<Option<Message>, EngineError> {
        match self.load(id).await? {
            Some(loaded) => Ok(Some(self.status_message(&loaded.incident).await?)),
            None => Ok(None),
        }
    }

    async fn status_message(&self, incident: &Incident) -> Result<Message, EngineError> {
        let now = self.now_ms();
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
        Ok(notify::status(incident, self.runbook(), now, next_update))
    }
}
