//! The incidents of a database this process alone writes to, kept in memory, so that reading an
//! incident or finding a channel's open incidents costs no trip to the database. Used only when
//! the store is the sole writer (a SQLite file under its writer lock, or a database in memory);
//! with PostgreSQL replicas every read goes to the database.
//!
//! It only ever holds what was committed:
//! - a snapshot enters as read from the store or after its commit succeeded, and replaces only an
//!   older version of the same incident; snapshots are bounded in number, and a miss reads the
//!   store;
//! - the index of open incidents by channel is complete: loaded whole when the engine starts,
//!   then kept by this process's own commits (nobody else writes): creations, resolutions,
//!   cancellations and reopenings. Each incident's place in it is set by the newest version seen,
//!   so a snapshot read before a commit, or a creation that a resolution overtook, cannot undo
//!   what a newer one said.
use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::load::Loaded;
use crate::incident::{ChannelKey, IncidentId};

/// Snapshots kept at most; beyond, an arbitrary one is dropped.
const MAX_SNAPSHOTS: usize = 1024;

#[derive(Default)]
pub(super) struct Cache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    snapshots: HashMap<IncidentId, Loaded>,
    open_by_channel: HashMap<ChannelKey, BTreeSet<IncidentId>>,
    /// The version each incident's place in `open_by_channel` was last set from, for those seen
    /// since start-up.
    indexed_at: HashMap<IncidentId, u64>,
}

impl Cache {
    /// A cache whose index starts with these open incidents.
    pub fn new(open: impl IntoIterator<Item = (IncidentId, ChannelKey)>) -> Cache {
        let cache = Cache::default();
        {
            let mut state = cache.lock();
            for (id, channel) in open {
                state.open_by_channel.entry(channel).or_default().insert(id);
            }
        }
        cache
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, id: IncidentId) -> Option<Loaded> {
        self.lock().snapshots.get(&id).cloned()
    }

    /// The open incidents of a channel, by id.
    pub fn open_in(&self, channel: &ChannelKey) -> Vec<IncidentId> {
        self.lock()
            .open_by_channel
            .get(channel)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Keeps a snapshot read from the store or just committed, unless a newer one is kept, and
    /// puts the incident in or out of its channel's open incidents.
    pub fn remember(&self, loaded: &Loaded) {
        let mut state = self.lock();
        state.keep(loaded);
        state.index(loaded);
    }
}

impl State {
    fn keep(&mut self, loaded: &Loaded) {
        let id = loaded.incident.id;
        if let Some(kept) = self.snapshots.get(&id) {
            if kept.version >= loaded.version {
                return;
            }
        } else if self.snapshots.len() >= MAX_SNAPSHOTS {
            if let Some(&evicted) = self.snapshots.keys().next() {
                self.snapshots.remove(&evicted);
            }
        }
        self.snapshots.insert(id, loaded.clone());
    }

    /// Puts the incident in or out of its channel's open incidents, as `loaded` says, unless a
    /// newer version said otherwise already.
    fn index(&mut self, loaded: &Loaded) {
        let id = loaded.incident.id;
        if self
            .indexed_at
            .get(&id)
            .is_some_and(|&version| version >= loaded.version)
        {
            return;
        }
        self.indexed_at.insert(id, loaded.version);
        let channel = &loaded.incident.channel;
        if loaded.incident.is_open() {
            self.open_by_channel
                .entry(channel.clone())
                .or_default()
                .insert(id);
        } else if let Some(ids) = self.open_by_channel.get_mut(channel) {
            ids.remove(&id);
            if ids.is_empty() {
                self.open_by_channel.remove(channel);
            }
        }
    }
}
