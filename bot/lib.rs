//! incident-bot: reads a team's Markdown disaster-recovery runbook and runs its scenarios as
//! guided, timed incident checklists in chat. See ARCHITECTURE.md for the code map.

pub mod cli;
pub mod runbook;
