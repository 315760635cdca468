//! `/incident rpo <last good data> [INC-n]`: when the last good data was written (`14:30`,
//! `10m ago`), for the actual RPO; also after resolve, when it is often found.

use commands::{CommandName, Rpo};

use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::decide;
use crate::notify;

impl Engine {
    pub(super) async fn record_rpo(&self, who: &Invocation, rpo: Rpo) -> Result<Reply, Stop> {
        self.one_amendment(
            who,
            rpo.incident,
            CommandName::Rpo,
            |incident, now| decide::last_good_data(incident, &rpo.last_good_data, now),
            |before, after, now| {
                let recorded = notify::last_good_data_recorded(after, &who.person.name, now);
                Effects::post(match before.is_open() {
                    true => recorded,
                    false => notify::after_resolve(after, recorded),
                })
            },
        )
        .await
    }
}
