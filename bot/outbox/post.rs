//! A queued post as a platform's sender gets it: its message decoded, and the platform's
//! references it may need (the message it replaces, the message its incident's conversation
//! hangs from) read by the worker, so that no sender reads the store.

use super::DeliveryError;
use crate::instant::UnixMillis;
use crate::notify::Message;
use crate::store::{ChannelKey, IncidentId, OutboxPost, Store};

/// One post to deliver: everything a sender needs, nothing it must look up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// The post's outbox id.
    pub id: u64,
    /// The incident it belongs to; `None` for a post of no incident.
    pub incident: Option<IncidentId>,
    pub channel: ChannelKey,
    /// What to say. Its `kind` is the post's kind.
    pub message: Message,
    /// When the post was queued.
    pub queued_at_ms: UnixMillis,
    /// The platform's reference of the message this post edits (Slack `ts`), which was sent
    /// before this post was handed over. `None` for a new message, and for an edit of a
    /// message the platform gave no reference for, or that was given up as a dead letter: then
    /// post a new message (it takes the edited post's place).
    pub replaces: Option<String>,
    /// The platform's reference of the incident's first sent message (the root of its thread);
    /// `None` for a post of no incident, and while none is sent.
    pub thread_root: Option<String>,
}

impl Post {
    /// The post `queued`, ready to send: its body decoded (a body that is none is a bug: the
    /// post is refused rather than garbage posted) and its incident's thread root read from
    /// `store` (a transient failure when the store cannot say).
    pub(super) async fn read(store: &Store, queued: &OutboxPost) -> Result<Post, DeliveryError> {
        let message = serde_json::from_str(&queued.body).map_err(|error| {
            DeliveryError::Undeliverable(format!(
                "post #{} ({}) holds no readable message, so it cannot be sent: {error}",
                queued.id, queued.kind
            ))
        })?;
        Ok(Post {
            id: queued.id,
            incident: queued.incident_id,
            channel: queued.channel.clone(),
            message,
            queued_at_ms: queued.created_at_ms,
            replaces: queued.replaces_message_ref.clone(),
            thread_root: thread_root(store, queued.incident_id).await?,
        })
    }
}

/// The platform's reference of the incident's first sent message.
async fn thread_root(
    store: &Store,
    incident: Option<IncidentId>,
) -> Result<Option<String>, DeliveryError> {
    let Some(incident) = incident else {
        return Ok(None);
    };
    store.first_message_ref(incident).await.map_err(|error| {
        DeliveryError::Transient(format!(
            "cannot read the thread of {incident} from the database: {error}"
        ))
    })
}
