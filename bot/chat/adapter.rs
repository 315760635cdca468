//! What a chat platform's adapter adds to `serve`: its routes, its tasks, its readiness, and the
//! waker of its outbox worker.

use std::sync::Arc;

use axum::Router;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::engine::Engine;
use crate::outbox::{Deliver, DeliveryPolicy, OutboxWorker};
use crate::serve::health::Readiness;

pub struct Adapter {
    /// The platform's routes; none when it takes traffic over a connection of its own.
    pub routes: Router,
    pub tasks: Vec<JoinHandle<()>>,
    pub health: Arc<dyn Readiness>,
    /// Ring it when posts were queued, so the outbox sends them at once.
    pub waker: Arc<Notify>,
}

/// Starts the outbox worker delivering through `sender` until `stopped`; its task, and the
/// waker that makes it send at once.
pub fn start_outbox<D: Deliver + 'static>(
    engine: &Engine,
    clock: Arc<dyn Clock>,
    sender: D,
    policy: DeliveryPolicy,
    mut stopped: watch::Receiver<bool>,
) -> (JoinHandle<()>, Arc<Notify>) {
    let worker = OutboxWorker::new(engine.store().clone(), clock, Arc::new(sender), policy);
    let waker = worker.waker();
    let task = tokio::spawn(worker.run(async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    }));
    (task, waker)
}
