//! Delivery of the durable outbox to a chat platform, platform-agnostic: a platform's sender
//! implements [`Deliver`] (one post, one API call), and an [`OutboxWorker`] feeds it the store's
//! queued posts within the platform's limits, woken by the engine's [`Doorbell`] when posts are
//! queued.
//!
//! What the worker guarantees:
//! - **Nothing is lost.** A post leaves the queue only when the platform said it took it, or as a
//!   dead letter (below), which the store keeps with its error until someone retries it. Any
//!   other failure (429, 5xx, network, timeout, a refusal) records the error and a time to try
//!   again; a restart picks up whatever is still queued.
//! - **In order per channel.** Only the oldest unsent post of a channel is ever sent, so a post
//!   that keeps failing holds back the later posts of its channel, and of no other channel.
//! - **No channel held for good by one post.** A post refused for a reason that will not change
//!   ([`DeliveryError::Undeliverable`]: a message the platform cannot take) is tried
//!   [`DeliveryPolicy::dead_after`] times, then becomes a *dead letter*: kept with its error, logged
//!   (WARN, with incident, channel and reason), counted on `/readyz`, listed by `incident-bot
//!   outbox`, and no longer ahead of anything. Refusals someone can fix (a wrong channel, a
//!   revoked token: [`DeliveryError::Rejected`]) keep their channel waiting, retried until fixed,
//!   since every post to that channel would be refused too.
//! - **Once.** A post is claimed in the store before it is sent (see
//!   [`Store::claim_post`](crate::store::Store::claim_post)), so two replicas do not both send it.
//!   If the store fails to take the record of a delivery (a full disk), the worker keeps it in
//!   memory and records it before anything else once the store takes writes again, never
//!   sending it meanwhile. If the process dies between the platform's answer and the store's
//!   record, the post is sent again when its claim runs out: at least once, and exactly once
//!   short of a crash. A timeout
//!   is the other gap: the platform may have posted what it did not confirm, and the retry posts
//!   it again (chat APIs take no idempotency key).
//! - **Within the platform's limits.** At most one post per channel per
//!   [`DeliveryPolicy::channel_interval`], the platform's `Retry-After` honoured to the
//!   millisecond, exponential backoff on other failures.
//! - **Edits after what they edit.** A post that edits another goes out only once the edited
//!   post is sent (or dead), with its message reference in [`Post::replaces`]. If the edited post
//!   has no message (the platform gave no reference, or it is a dead letter), that field is `None`
//!   and the sender posts a new message. When the platform says the message to edit is gone
//!   ([`DeliveryError::EditedMessageGone`]: a moderator deleted it), the worker posts the edit as
//!   a new message at once. Either way the new message takes the edited post's place: later
//!   edits of it (the checklist card's next steps) change the new message, so a deleted card
//!   comes back once, with the latest state, and never as one new message per step.
//! - **Senders read no store.** What a sender needs arrives as a [`Post`]: the decoded message,
//!   the reference of the message it edits, and the root of its incident's thread.

mod doorbell;
mod in_flight;
mod pacing;
mod policy;
mod post;
pub mod senders;
mod unrecorded;
mod worker;

use std::future::Future;
use std::time::Duration;

pub use doorbell::{Doorbell, Listener};
pub use policy::{AfterFailure, DeliveryPolicy};
pub use post::Post;
pub use worker::{Attempt, OutboxWorker, Outcome, Round};

use crate::platform::Platform;

/// A chat platform's sender: delivers one post (a new message, or an edit of the message
/// [`Post::replaces`] names) and says how it went.
///
/// It should give up on each call on its own (a client timeout), and never retry by itself:
/// the worker gives a whole delivery at most [`DeliveryPolicy::delivery_deadline`], decides when
/// to try again, and records every attempt.
pub trait Deliver: Send + Sync {
    /// The platform whose posts this sender delivers.
    fn platform(&self) -> Platform;

    /// Sends `post` to its channel.
    fn deliver(&self, post: &Post)
        -> impl Future<Output = Result<Delivered, DeliveryError>> + Send;
}

/// A post the platform took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivered {
    /// The platform's reference to the message (Slack `ts`, Discord message id), recorded so that
    /// later posts can edit it.
    pub message_ref: Option<String>,
}

/// Why a post was not delivered. The post stays queued and is retried; only an
/// [`Undeliverable`](DeliveryError::Undeliverable) one is given up after
/// [`DeliveryPolicy::dead_after`] attempts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// HTTP 429: the platform asks to wait `retry_after` (its `Retry-After`) before trying again.
    #[error("rate limited: the platform asked to wait {}", human(*retry_after))]
    RateLimited { retry_after: Duration },
    /// HTTP 5xx, a network error or a timeout: worth trying again as it is.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// The platform refused the post for a cause someone can fix outside the bot (Slack
    /// `channel_not_found`, a revoked token; a Discord 401, 403, unknown channel): trying again
    /// helps once it is fixed, so it is retried for as long as it takes.
    #[error("refused by the platform: {0}")]
    Rejected(String),
    /// The platform refused this post itself, for a reason that will not change by trying again
    /// (Slack `msg_too_long`, `invalid_blocks`; a Discord 400): a dead letter after
    /// [`DeliveryPolicy::dead_after`] attempts.
    #[error("the platform cannot take this post: {0}")]
    Undeliverable(String),
    /// The message this post edits is gone (Slack `message_not_found`, `cant_update_message`;
    /// Discord 10008 Unknown Message): the worker posts the edit as a new message instead.
    #[error("the message to edit is gone: {0}")]
    EditedMessageGone(String),
}

/// A duration as people read it in a log line: `800ms`, `3s`, `1.5s`, `4m`, `2m30s`.
fn human(duration: Duration) -> String {
    let ms = duration.as_millis();
    let (minutes, seconds) = (ms / 60_000, ms % 60_000);
    match (minutes, seconds) {
        (0, s) if s < 1000 => format!("{s}ms"),
        (0, s) if s % 1000 == 0 => format!("{}s", s / 1000),
        (0, s) => format!("{:.1}s", s as f64 / 1000.0),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{}s", s / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_wrote_them() {
        let cases = [
            (800, "800ms"),
            (3000, "3s"),
            (1500, "1.5s"),
            (240_000, "4m"),
            (150_000, "2m30s"),
        ];
        for (ms, text) in cases {
            assert_eq!(human(Duration::from_millis(ms)), text);
        }
        assert_eq!(
            DeliveryError::RateLimited {
                retry_after: Duration::from_secs(3)
            }
            .to_string(),
            "rate limited: the platform asked to wait 3s"
        );
    }
}
