//! The outbox's sender for Discord: one queued post becomes one REST call (a few when a thread
//! has to be started first), and the answer becomes what the outbox records.
//!
//! - Message references are stored as `<channel_id>/<message_id>` ([`MessageRef`]), so an edit
//!   knows the channel or thread its message is in.
//! - A post that edits another ([`Post::replaces`], the checklist) is a `PATCH` of that
//!   message; its reference stays the same. When Discord answers that the message is gone
//!   (10008 Unknown Message: deleted by someone), the answer is
//!   [`DeliveryError::EditedMessageGone`], and the outbox posts the edit anew.
//! - Any other post is a `POST` of a message. The incident's first message goes to the channel;
//!   every later post of the incident goes to the thread started from it (named `INC-7`), the
//!   post's [`Post::thread_root`]. Discord gives a thread started from a message that message's
//!   id, so the thread is the first message's id: the post goes there, and when Discord answers
//!   that no such channel exists (code 10003), the thread is started and the post sent again.
//!   A channel that takes no threads (a thread itself, an announcement channel, missing
//!   Create Public Threads) gets the post in the channel, with a warning saying why; the
//!   sender remembers such channels until it restarts, so later posts go there in one call. With
//!   [`SenderOptions::updates_in_channel`] the periodic updates go to the channel instead of the
//!   thread. Posts of no incident go to the channel.
//! - Documents (the post-mortem draft) are attached to the message as files, in the same call.
//!
//! The sender never retries by itself; each call times out ([`DiscordRest::with_timeout`]) and
//! a whole delivery gives up after the outbox's delivery deadline ([`DeliveryPolicy::delivery_deadline`](crate::outbox::DeliveryPolicy::delivery_deadline)), well within the outbox's claim.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use super::render::message_payload;
use super::rest::{codes, DiscordRest, MessageRef, RestError};
use crate::incident::IncidentId;
use crate::notify::{Message, MessageKind};
pub use crate::outbox::senders::SenderOptions;
use crate::outbox::{Deliver, Delivered, DeliveryError, Post};
use crate::platform::Platform;

/// Refusals of starting a thread that posting in the channel gets around.
const THREADS_REFUSED: [u64; 3] = [
    codes::WRONG_CHANNEL_TYPE,
    codes::MISSING_PERMISSIONS,
    codes::MISSING_ACCESS,
];

/// Delivers the outbox's Discord posts through the REST API.
#[derive(Debug)]
pub struct DiscordSender {
    rest: DiscordRest,
    options: SenderOptions,
    /// Channels where Discord refused to start a thread: their incidents post in the channel.
    threadless: Mutex<HashSet<String>>,
}

/// What one message is sent as: the rendered payload and its attachments.
struct Outgoing {
    payload: serde_json::Value,
    files: Vec<(String, Vec<u8>)>,
}

impl DiscordSender {
    /// A sender posting with `rest`.
    pub fn new(rest: DiscordRest, options: SenderOptions) -> DiscordSender {
        DiscordSender {
            rest,
            options,
            threadless: Mutex::default(),
        }
    }

    async fn send(&self, post: &Post) -> Result<Delivered, DeliveryError> {
        let message = &post.message;
        let channel = post.channel.channel.as_str();
        let outgoing = Outgoing {
            payload: message_payload(message),
            files: message
                .documents()
                .into_iter()
                .map(|(filename, markdown)| (filename.to_string(), markdown.as_bytes().to_vec()))
                .collect(),
        };
        if let Some(stored) = &post.replaces {
            let target = stored_ref(stored, channel);
            self.rest
                .edit_message(&target.channel_id, &target.message_id, &outgoing.payload)
                .await
                .map_err(edit_refusal)?;
            return Ok(Delivered {
                message_ref: Some(stored.clone()),
            });
        }
        let posted = match (post.incident, &post.thread_root) {
            (Some(incident), Some(first)) if !self.in_channel(message) => {
                let root = stored_ref(first, channel);
                self.post_in_thread(incident, &root, &outgoing).await?
            }
            _ => self.post(channel, &outgoing).await?,
        };
        Ok(Delivered {
            message_ref: Some(posted.to_string()),
        })
    }

    /// Whether a post of an incident goes to the channel rather than its thread.
    fn in_channel(&self, message: &Message) -> bool {
        message.kind == MessageKind::Update && self.options.updates_in_channel
    }

    async fn post(&self, channel_id: &str, outgoing: &Outgoing) -> Result<MessageRef, RestError> {
        self.rest
            .create_message(channel_id, &outgoing.payload, &outgoing.files)
            .await
    }

    /// Posts in the thread of the incident's first message (`root`), starting the thread when
    /// it does not exist yet, or in the channel when the channel takes no threads.
    async fn post_in_thread(
        &self,
        incident: IncidentId,
        root: &MessageRef,
        outgoing: &Outgoing,
    ) -> Result<MessageRef, RestError> {
        if self.threadless().contains(&root.channel_id) {
            return self.post(&root.channel_id, outgoing).await;
        }
        let thread_id = root.message_id.as_str();
        match self.post(thread_id, outgoing).await {
            Err(error) if error.code() == Some(codes::UNKNOWN_CHANNEL) => {}
            posted => return posted,
        }
        let name = incident.to_string();
        let started = self
            .rest
            .start_thread_from_message(&root.channel_id, &root.message_id, &name)
            .await;
        match started {
            Ok(thread_id) => self.post(&thread_id, outgoing).await,
            Err(error) if error.code() == Some(codes::THREAD_ALREADY_STARTED) => {
                self.post(thread_id, outgoing).await
            }
            Err(error)
                if error
                    .code()
                    .is_some_and(|code| THREADS_REFUSED.contains(&code)) =>
            {
                tracing::warn!(
                    "Discord would not start a thread for {name} in channel {} ({error}); \
                     posting in the channel instead. To get threads, give the bot Create \
                     Public Threads and Send Messages in Threads there.",
                    root.channel_id
                );
                self.threadless().insert(root.channel_id.clone());
                self.post(&root.channel_id, outgoing).await
            }
            Err(error) => Err(error),
        }
    }
}

impl DiscordSender {
    fn threadless(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.threadless
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Deliver for DiscordSender {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    async fn deliver(&self, post: &Post) -> Result<Delivered, DeliveryError> {
        self.send(post).await
    }
}

/// What a failed `PATCH` of a message means for the outbox.
fn edit_refusal(error: RestError) -> DeliveryError {
    match error.code() {
        Some(codes::UNKNOWN_MESSAGE) => DeliveryError::EditedMessageGone(error.to_string()),
        _ => error.into(),
    }
}

/// A stored reference; one without a channel (not written by this sender) is taken to be a
/// message of the post's channel.
fn stored_ref(stored: &str, channel_id: &str) -> MessageRef {
    MessageRef::parse(stored).unwrap_or_else(|| MessageRef {
        channel_id: channel_id.to_string(),
        message_id: stored.to_string(),
    })
}
