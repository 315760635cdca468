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
//!   then kept by this process's own creations and resolutions (nobody else writes). Incidents are
//!   never reopened, so the ids of those resolved since start-up are kept to tell a late
//!   "created" apart from a resolution that overtook it.

use std::collections::{BTreeSet, HashMap, HashSet};
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
    resolved: HashSet<IncidentId>,
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

    /// Keeps a snapshot read from the store or just committed, unless a newer one is kept.
    pub fn remember(&self, loaded: &Loaded) {
        let mut state = self.lock();
        state.keep(loaded);
        if !loaded.incident.is_open() {
            let id = loaded.incident.id;
            if let Some(ids) = state.open_by_channel.get_mut(&loaded.incident.channel) {
                ids.remove(&id);
                if ids.is_empty() {
                    state.open_by_channel.remove(&loaded.incident.channel);
                }
            }
            state.resolved.insert(id);
        }
    }

    /// Keeps a newly created incident and adds it to its channel's open incidents.
    pub fn remember_created(&self, created: &Loaded) {
        let id = created.incident.id;
        let mut state = self.lock();
        if state.resolved.contains(&id) {
            return; // resolved already, by a command that found it before we got here
        }
        state.keep(created);
        state
            .open_by_channel
            .entry(created.incident.channel.clone())
            .or_default()
            .insert(id);
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
}
