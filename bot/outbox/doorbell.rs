//! The outbox's doorbell: rung after a commit that queued posts, it wakes every outbox worker
//! listening (one per platform), so a post goes out at once rather than at the worker's next
//! poll. A ring is never lost: one that comes while a worker is busy wakes its next wait.

use std::sync::Arc;

use tokio::sync::watch;

/// Rings every [`Listener`]. Cloning it gives another handle on the same bell.
#[derive(Debug, Clone)]
pub struct Doorbell {
    /// The number of rings so far: each listener remembers the last it saw.
    rings: Arc<watch::Sender<u64>>,
}

/// One waiter on a [`Doorbell`].
#[derive(Debug)]
pub struct Listener {
    rings: watch::Receiver<u64>,
}

impl Default for Doorbell {
    fn default() -> Doorbell {
        Doorbell {
            rings: Arc::new(watch::Sender::new(0)),
        }
    }
}

impl Doorbell {
    /// Wakes every listener (at once if it is waiting, else at its next wait).
    pub fn ring(&self) {
        self.rings
            .send_modify(|rings| *rings = rings.wrapping_add(1));
    }

    /// A listener woken by the rings from now on.
    pub fn listen(&self) -> Listener {
        Listener {
            rings: self.rings.subscribe(),
        }
    }
}

impl Listener {
    /// Returns once the bell rang since the last time this returned (or since the listener was
    /// made); never, if every handle on the bell is gone.
    pub async fn rung(&mut self) {
        if self.rings.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    async fn woken(listener: &mut Listener) -> bool {
        tokio::time::timeout(Duration::from_millis(20), listener.rung())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn a_ring_wakes_every_listener_once_even_if_none_was_waiting() {
        let bell = Doorbell::default();
        let (mut slack, mut discord) = (bell.listen(), bell.listen());
        assert!(!woken(&mut slack).await, "not rung yet");
        bell.ring();
        bell.ring();
        assert!(woken(&mut slack).await);
        assert!(woken(&mut discord).await);
        assert!(
            !woken(&mut slack).await,
            "two rings before a wait wake it once"
        );
        drop(bell);
        assert!(
            !woken(&mut discord).await,
            "a bell that is gone never rings"
        );
    }
}
