//! What every platform's sender shares: the deadline of one delivery, and the options that say
//! where posts go.

use std::future::Future;
use std::time::Duration;

use super::{Delivered, DeliveryError};
use crate::platform::Platform;

/// The longest one delivery may take, all its calls together: well within the outbox's claim
/// ([`DeliveryPolicy::claim_lease`](super::DeliveryPolicy::claim_lease)).
pub const DELIVERY_DEADLINE: Duration = Duration::from_secs(60);

/// How a sender posts, beyond what the messages say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SenderOptions {
    /// Show the periodic status updates in the channel, not only in the incident's thread
    /// (`UPDATES_IN_CHANNEL`): Slack broadcasts the thread reply to the channel, Discord posts
    /// the update in the channel instead of the thread.
    pub updates_in_channel: bool,
}

/// One delivery to `platform`, given up as a transient failure after [`DELIVERY_DEADLINE`].
pub async fn within_deadline(
    platform: Platform,
    delivery: impl Future<Output = Result<Delivered, DeliveryError>>,
) -> Result<Delivered, DeliveryError> {
    match tokio::time::timeout(DELIVERY_DEADLINE, delivery).await {
        Ok(delivered) => delivered,
        Err(_) => Err(DeliveryError::Transient(format!(
            "{} took more than {DELIVERY_DEADLINE:?} over this post",
            platform.name()
        ))),
    }
}
