//! The outbox's sender for Slack: one queued post becomes a Web API call (or a few, for a
//! document), and the answer becomes what the outbox records.
//!
//! - A post that edits another ([`Post::replaces`], the checklist) is a `chat.update` of that
//!   message; its reference stays that `ts`. When Slack answers that the message is gone
//!   (`message_not_found`, `cant_update_message`, `edit_window_closed`: deleted by someone), the
//!   answer is [`DeliveryError::EditedMessageGone`], and the outbox posts the edit anew.
//! - Any other post is a `chat.postMessage`: the incident's first message goes to the channel,
//!   every later post of the incident into that message's thread ([`Post::thread_root`]). With [`SenderOptions::updates_in_channel`] the periodic
//!   updates are also shown in the channel (`reply_broadcast`). Posts of no incident go to the
//!   channel.
//! - A message with a document (the post-mortem draft): its other blocks are posted first, then
//!   each document is uploaded as a file in the thread. If Slack refuses uploads (no
//!   `files:write` scope, a channel type that takes no files), the document is posted as
//!   code-block messages instead. Such a post is several calls: when a later one fails, the
//!   retry posts the earlier ones again.
//!
//! The sender never retries by itself; each call times out ([`SlackWeb::with_timeout`]) and a
//! whole delivery gives up after the outbox's delivery deadline ([`DeliveryPolicy::delivery_deadline`](crate::outbox::DeliveryPolicy::delivery_deadline)), well within the outbox's claim.

use super::web::{SlackWeb, WebError};
use super::{code_message, document_as_messages, message_payload};
use crate::notify::{Block, Message, MessageKind};
pub use crate::outbox::senders::SenderOptions;
use crate::outbox::{Deliver, Delivered, DeliveryError, Post};
use crate::platform::Platform;

/// Upload refusals that posting the document as messages gets around.
const UPLOAD_REFUSALS: [&str; 6] = [
    "missing_scope",
    "not_allowed_token_type",
    "method_not_supported_for_channel_type",
    "restricted_action",
    "file_uploads_disabled",
    "file_uploads_except_images_disabled",
];

/// `chat.update` refusals that mean the message to edit is gone, or can no longer be edited.
const EDITED_MESSAGE_GONE: [&str; 3] = [
    "message_not_found",
    "cant_update_message",
    "edit_window_closed",
];

/// Delivers the outbox's Slack posts through the Web API.
#[derive(Debug)]
pub struct SlackSender {
    web: SlackWeb,
    options: SenderOptions,
}

/// Where a message goes: its channel, and the thread it replies to, if any.
struct Place<'a> {
    channel: &'a str,
    thread_ts: Option<String>,
}

impl SlackSender {
    /// A sender posting with `web`.
    pub fn new(web: SlackWeb, options: SenderOptions) -> SlackSender {
        SlackSender { web, options }
    }

    async fn send(&self, post: &Post) -> Result<Delivered, DeliveryError> {
        let message = &post.message;
        let channel = post.channel.channel.as_str();
        if let Some(ts) = &post.replaces {
            self.web
                .update_message(channel, ts, message_payload(message).content)
                .await
                .map_err(edit_refusal)?;
            return Ok(Delivered {
                message_ref: Some(ts.clone()),
            });
        }
        let place = Place {
            channel,
            thread_ts: post.thread_root.clone(),
        };
        if message.documents().is_empty() {
            let ts = self.post(&place, message).await?;
            return Ok(Delivered {
                message_ref: Some(ts),
            });
        }
        self.send_with_documents(place, message).await
    }

    /// `chat.postMessage` of a whole message; its `ts`.
    async fn post(&self, place: &Place<'_>, message: &Message) -> Result<String, WebError> {
        let broadcast = message.kind == MessageKind::Update && self.options.updates_in_channel;
        self.web
            .post_message(
                place.channel,
                message_payload(message),
                place.thread_ts.as_deref(),
                broadcast,
            )
            .await
    }

    /// The message's other blocks, then each document as a file (or as messages). The
    /// documents go in the incident's thread, or else under the message just posted.
    async fn send_with_documents(
        &self,
        mut place: Place<'_>,
        message: &Message,
    ) -> Result<Delivered, DeliveryError> {
        let mut first_ts = None;
        if has_more_than_documents(message) {
            let ts = self.post(&place, message).await?;
            place.thread_ts.get_or_insert_with(|| ts.clone());
            first_ts = Some(ts);
        }
        for (filename, markdown) in message.documents() {
            let posted = self.send_document(&place, filename, markdown).await?;
            if first_ts.is_none() {
                first_ts = posted;
            }
        }
        Ok(Delivered {
            message_ref: first_ts,
        })
    }

    /// Uploads a document, or posts it as messages when Slack refuses the upload; the `ts` of
    /// the first such message.
    async fn send_document(
        &self,
        place: &Place<'_>,
        filename: &str,
        markdown: &str,
    ) -> Result<Option<String>, DeliveryError> {
        let thread_ts = place.thread_ts.as_deref();
        match self
            .web
            .upload_file(place.channel, thread_ts, filename, markdown)
            .await
        {
            Ok(()) => Ok(None),
            Err(error) if is_upload_refusal(&error) => {
                let pieces = document_as_messages(markdown);
                tracing::warn!(
                    "Slack refused to upload {filename} ({error}); posting it as {} messages \
                     instead. To get files, give the app the files:write scope.",
                    pieces.len()
                );
                self.post_pieces(place, &pieces).await.map_err(Into::into)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Posts code blocks as consecutive messages in the thread; the first one's `ts`.
    async fn post_pieces(
        &self,
        place: &Place<'_>,
        pieces: &[String],
    ) -> Result<Option<String>, WebError> {
        let mut first = None;
        for piece in pieces {
            let ts = self
                .web
                .post_message(
                    place.channel,
                    code_message(piece),
                    place.thread_ts.as_deref(),
                    false,
                )
                .await?;
            first.get_or_insert(ts);
        }
        Ok(first)
    }
}

impl Deliver for SlackSender {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    async fn deliver(&self, post: &Post) -> Result<Delivered, DeliveryError> {
        self.send(post).await
    }
}

fn has_more_than_documents(message: &Message) -> bool {
    !message.mentions.is_empty()
        || message
            .blocks
            .iter()
            .any(|block| !matches!(block, Block::Document { .. }))
}

/// What a failed `chat.update` means for the outbox.
fn edit_refusal(error: WebError) -> DeliveryError {
    match error.refusal_code() {
        Some(code) if EDITED_MESSAGE_GONE.contains(&code) => {
            DeliveryError::EditedMessageGone(error.to_string())
        }
        _ => error.into(),
    }
}

fn is_upload_refusal(error: &WebError) -> bool {
    error
        .refusal_code()
        .is_some_and(|code| UPLOAD_REFUSALS.contains(&code))
}
