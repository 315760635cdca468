//! One change of an incident at a time within this process. A command or a timer takes its
//! incident's turn before it reads the state it decides on and keeps it until its commit is
//! done, so two changes of one incident made here never decide on the same version and lose a
//! race to each other: a lost race costs a round trip to the database and a decision again, and
//! on SQLite one more write of the group it was committed with.
//!
//! Incidents share a fixed number of turns, by number, so memory stays bounded however many
//! incidents there are; two incidents that share one only wait for each other's commit. Nothing
//! awaits a second turn while holding one. Replicas on one PostgreSQL database still race
//! there, where the version check decides.

use tokio::sync::{Mutex, MutexGuard};

use crate::incident::IncidentId;

/// How many turns incidents share: more than the incidents a team has open at once.
const TURNS: u64 = 256;

pub(super) struct Turns(Box<[Mutex<()>]>);

impl Turns {
    pub fn new() -> Turns {
        Turns((0..TURNS).map(|_| Mutex::new(())).collect())
    }

    /// Waits for `id`'s turn; it lasts as long as the guard.
    pub async fn take(&self, id: IncidentId) -> MutexGuard<'_, ()> {
        let slot = usize::try_from(id.number() % TURNS).unwrap_or_default();
        self.0[slot].lock().await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn an_incident_waits_for_its_own_turn_and_not_for_another_s() {
        let turns = Turns::new();
        let first = turns.take(IncidentId::new(7)).await;
        let same = tokio::time::timeout(Duration::from_millis(50), turns.take(IncidentId::new(7)));
        assert!(same.await.is_err(), "INC-7's second change waits");
        let other = tokio::time::timeout(Duration::from_millis(50), turns.take(IncidentId::new(8)));
        assert!(other.await.is_ok(), "INC-8 does not wait for INC-7");
        drop(first);
        let after = tokio::time::timeout(Duration::from_millis(50), turns.take(IncidentId::new(7)));
        assert!(
            after.await.is_ok(),
            "INC-7's turn comes once the first is done"
        );
    }
}
