//! The deliveries of one outbox round in flight: at most so many at once, and what each
//! returned (an attempt, or the store's error, the first of which the round returns once
//! everything in flight is finished).

use std::future::Future;

use tokio::task::{JoinError, JoinSet};

use super::worker::Attempt;
use crate::store::StoreError;

/// The deliveries of a round, at most `max` at once, and what they returned.
pub(super) struct InFlight {
    tasks: JoinSet<Result<Attempt, StoreError>>,
    max: usize,
    attempts: Vec<Attempt>,
    /// The first store error; the round returns it once everything in flight is finished.
    pub failed: Option<StoreError>,
}

impl InFlight {
    pub fn new(max: usize) -> InFlight {
        InFlight {
            tasks: JoinSet::new(),
            max: max.max(1),
            attempts: Vec::new(),
            failed: None,
        }
    }

    pub fn spawn(
        &mut self,
        delivery: impl Future<Output = Result<Attempt, StoreError>> + Send + 'static,
    ) {
        self.tasks.spawn(delivery);
    }

    pub async fn make_room(&mut self) {
        while self.tasks.len() >= self.max {
            self.join_one().await;
        }
    }

    pub async fn finish(mut self) -> (Vec<Attempt>, Option<StoreError>) {
        while !self.tasks.is_empty() {
            self.join_one().await;
        }
        (self.attempts, self.failed)
    }

    async fn join_one(&mut self) {
        match self.tasks.join_next().await {
            Some(Ok(Ok(attempt))) => self.attempts.push(attempt),
            Some(Ok(Err(error))) => {
                self.failed.get_or_insert(error);
            }
            Some(Err(panicked)) => log_panic(&panicked),
            None => {}
        }
    }
}

/// A sender that panicked leaves its post claimed: it is tried again when the claim runs out.
fn log_panic(error: &JoinError) {
    tracing::error!(
        error = %error,
        "a delivery task panicked (a bug in the sender); its post stays queued and is tried again \
         when its claim runs out"
    );
}
