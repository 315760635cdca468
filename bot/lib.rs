//! incident-bot: reads a team's Markdown disaster-recovery runbook and runs its scenarios as
//! guided, timed incident checklists in chat. See ARCHITECTURE.md for the code map.

pub mod access;
pub mod alerts;
pub mod chat;
pub mod cli;
pub mod clock;
pub mod engine;
pub mod environment;
pub mod error_text;
pub mod incident;
pub mod instant;
pub mod mention;
pub mod notify;
pub mod outbox;
pub mod platform;
pub mod postmortem;
pub mod runbook;
pub mod serve;
pub mod startup;
pub mod store;
