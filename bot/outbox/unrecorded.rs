//! Deliveries the platform took but the store did not record (it failed just after: a full
//! disk, a database restarting), kept in memory so that the worker records them as soon as the
//! store takes writes again, before it claims anything else, instead of letting their claims
//! run out and sending them a second time. Only a stop of the process before then loses them
//! (the post then goes out again: at least once).

use std::sync::{Mutex, PoisonError};

use super::worker::Sent;
use crate::store::{OutboxPost, UnixMillis};

/// A delivery waiting for its record.
pub(super) struct Delivery {
    pub post: OutboxPost,
    pub sent: Sent,
    /// When the sender was called, and when it answered.
    pub called_at: UnixMillis,
    pub answered_at: UnixMillis,
}

/// The deliveries waiting, in the order they were made.
#[derive(Default)]
pub(super) struct Unrecorded(Mutex<Vec<Delivery>>);

impl Unrecorded {
    pub fn keep(&self, delivery: Delivery) {
        self.deliveries().push(delivery);
    }

    /// All of them, taken: put back those the store still refuses.
    pub fn take(&self) -> Vec<Delivery> {
        std::mem::take(&mut *self.deliveries())
    }

    pub fn put_back(&self, deliveries: impl IntoIterator<Item = Delivery>) {
        let mut waiting = self.deliveries();
        let kept_meanwhile = std::mem::take(&mut *waiting);
        waiting.extend(deliveries);
        waiting.extend(kept_meanwhile);
    }

    fn deliveries(&self) -> std::sync::MutexGuard<'_, Vec<Delivery>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
