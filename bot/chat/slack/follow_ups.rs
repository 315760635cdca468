//! Calls to Slack right after an interaction was answered: opening the reason modal (its
//! `trigger_id` is valid for 3 seconds) and telling the clicker why a click was refused (through
//! the interaction's `response_url`). They show something to one person and are not worth
//! keeping across a restart, so they go straight out rather than through the outbox; a failure
//! is logged.
//!
//! [`answered`] is what both ways in (HTTP and Socket Mode) do once an answer is decided.

use std::sync::Arc;

use serde_json::Value;

use super::ingress::{FollowUp, Handled};
use super::web::SlackWeb;

/// Where follow-ups go: the reason modal and replies to the clicker, right after the answer.
pub trait FollowUps: Send + Sync {
    fn follow_up(&self, follow_up: FollowUp);
}

/// Starts the follow-up, and returns the body of the answer to send Slack (`None`: an empty
/// acknowledgement).
pub fn answered(handled: Handled, follow_ups: &dyn FollowUps) -> Option<Value> {
    if handled.then != FollowUp::None {
        follow_ups.follow_up(handled.then);
    }
    handled.answer
}

pub struct WebFollowUps {
    web: Arc<SlackWeb>,
}

impl WebFollowUps {
    pub fn new(web: SlackWeb) -> WebFollowUps {
        WebFollowUps { web: Arc::new(web) }
    }
}

impl FollowUps for WebFollowUps {
    fn follow_up(&self, follow_up: FollowUp) {
        let web = self.web.clone();
        tokio::spawn(async move {
            let done = match follow_up {
                FollowUp::None => Ok(()),
                FollowUp::OpenModal { trigger_id, view } => web.open_view(&trigger_id, view).await,
                FollowUp::Tell {
                    response_url,
                    message,
                } => {
                    let content = super::message_payload(&message).content;
                    web.respond_ephemeral(&response_url, content).await
                }
            };
            if let Err(error) = done {
                tracing::warn!(
                    %error,
                    "could not answer a click in Slack (the click itself was recorded)"
                );
            }
        });
    }
}
