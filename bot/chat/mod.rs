//! The edges where people talk to the bot. Each adapter verifies and decodes its platform's
//! input, calls the engine, and renders the engine's neutral messages in its own format.

pub mod adapter;
pub mod console;
pub mod discord;
pub mod follow_up_buttons;
pub mod incident_buttons;
pub mod internal_error;
pub mod readiness;
pub mod signed;
pub mod slack;
pub mod step_buttons;
