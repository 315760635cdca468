//! The shape of the commands that also amend a resolved incident (`update`, `rpo`, `assign`,
//! `resolve <root cause>`): the incident named, else the channel's only open one, else — with none
//! open — the channel's latest; one event by the domain's rules (`incident::correction` says until
//! when a resolved incident takes one); and what follows from it.

use commands::{CommandName, IncidentRef};

use super::usage;
use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{DomainError, Event, Incident};

impl Engine {
    pub(super) async fn one_amendment(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
        command: CommandName,
        decide: impl Fn(&Incident, i64) -> Result<Event, DomainError>,
        effects: impl Fn(&Incident, &Incident, i64) -> Effects,
    ) -> Result<Reply, Stop> {
        let loaded = self.target_or_latest(who, named, usage(command)).await?;
        self.one_event_on(loaded, who, decide, effects).await
    }
}
