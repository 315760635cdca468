//! What every platform's sender shares: reading a queued post's message, finding the message
//! its incident's conversation hangs from, the deadline of one delivery, and the options that
//! say where posts go.

use std::future::Future;
use std::time::Duration;

use super::{Delivered, DeliveryError};
use crate::notify::Message;
use crate::store::{OutboxPost, Store};

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

/// The post's message. A body that is none is a bug: say so rather than post garbage.
pub fn decode_message(post: &OutboxPost) -> Result<Message, DeliveryError> {
    serde_json::from_str(&post.body).map_err(|error| {
        DeliveryError::Rejected(format!(
            "post #{} ({}) holds no readable message, so it cannot be sent: {error}",
            post.id, post.kind
        ))
    })
}

/// The platform's reference of the post's incident's first sent message (the thread's root);
/// `None` for a post of no incident, or while none is sent.
pub async fn incident_first_message(
    store: &Store,
    post: &OutboxPost,
) -> Result<Option<String>, DeliveryError> {
    let Some(incident) = post.incident_id else {
        return Ok(None);
    };
    store.first_message_ref(incident).await.map_err(|error| {
        DeliveryError::Transient(format!(
            "cannot read the thread of INC-{incident} from the database: {error}"
        ))
    })
}

/// One delivery to `platform` (`Slack`), given up as a transient failure after
/// [`DELIVERY_DEADLINE`].
pub async fn within_deadline(
    platform: &str,
    delivery: impl Future<Output = Result<Delivered, DeliveryError>>,
) -> Result<Delivered, DeliveryError> {
    match tokio::time::timeout(DELIVERY_DEADLINE, delivery).await {
        Ok(delivered) => delivered,
        Err(_) => Err(DeliveryError::Transient(format!(
            "{platform} took more than {DELIVERY_DEADLINE:?} over this post"
        ))),
    }
}
