//! The console's terminal: the bot's posts, delivered to it by the outbox worker as to any chat
//! platform, and the console's own lines, printed one whole message at a time.

use std::io::Write;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use super::render;
use crate::notify::Message;
use crate::outbox::{Deliver, Delivered, DeliveryError, DeliveryPolicy, Post};
use crate::platform::Platform;

/// Where the console prints.
pub struct Terminal<W> {
    out: Mutex<W>,
    /// When the console started: a header on a later day gives its date.
    started_ms: i64,
}

impl<W: Write> Terminal<W> {
    /// A terminal for a console started at `started_ms`.
    pub fn new(out: W, started_ms: i64) -> Terminal<W> {
        Terminal {
            out: Mutex::new(out),
            started_ms,
        }
    }

    /// A message, headed by who says it and when (with the date from the day after the console
    /// started on).
    pub fn show(&self, message: &Message, author: &str, at_ms: i64) {
        self.print(&render::render(message, author, at_ms, self.started_ms));
    }

    /// A line of the console's own, then a blank line.
    pub fn say(&self, text: &str) {
        self.print(&format!("{text}\n"));
    }

    fn print(&self, text: &str) {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }
}

/// A post is shown as the bot's, at the time it was queued; its reference is `console-<id>`.
impl<W: Write + Send> Deliver for Terminal<W> {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    async fn deliver(&self, post: &Post) -> Result<Delivered, DeliveryError> {
        self.show(&post.message, "incident-bot", post.queued_at_ms.millis());
        Ok(Delivered {
            message_ref: Some(format!("console-{}", post.id)),
        })
    }
}

/// The outbox's policy for the terminal: no pacing, so each post shows as soon as it is queued.
pub fn delivery_policy() -> DeliveryPolicy {
    DeliveryPolicy {
        channel_interval: Duration::ZERO,
        ..DeliveryPolicy::default()
    }
}
