//! What a chat platform's adapter gives `serve` to assemble: its routes, its tasks, its
//! readiness, and the sender its outbox worker delivers through.

use std::sync::Arc;

use axum::Router;
use tokio::task::JoinHandle;

use crate::chat::readiness::Readiness;

pub struct Adapter<D> {
    /// The platform's routes; none when it takes traffic over a connection of its own.
    pub routes: Router,
    pub tasks: Vec<JoinHandle<()>>,
    pub health: Arc<dyn Readiness>,
    /// The platform's sender (a [`Deliver`](crate::outbox::Deliver)), for the outbox worker.
    pub sender: D,
}
