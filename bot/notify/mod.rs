//! What the bot says: neutral messages, rendered from incident state and the runbook's templates.

mod message;
mod posts;
pub mod template;
#[cfg(test)]
pub(crate) mod test_support;

pub use message::{Block, Message, MessageKind};
pub use posts::format;
pub use posts::{
    change, checklist, confirmation_headline, follow_up, follow_up_due, list, note, nudge, opened,
    resolved, rpo_summary, rpo_verdict, rto_verdict, rto_warning, scenarios, status, step_failed,
    update,
};
