//! `/incident rpo <last good data> [INC-n]`: when the last good data was written (`14:30`,
//! `10m ago`), for the actual RPO.

use commands::{CommandName, Rpo};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::decide;
use crate::notify;

impl Engine {
    pub(super) async fn record_rpo(&self, who: &Invocation, rpo: Rpo) -> Result<Reply, Stop> {
        self.one_event(
            who,
            rpo.incident,
            CommandName::Rpo,
            |incident, now| decide::last_good_data(incident, &rpo.last_good_data, now),
            |_, after, _| Effects::post(notify::last_good_data_recorded(after, &who.person.name)),
        )
        .await
    }
}
