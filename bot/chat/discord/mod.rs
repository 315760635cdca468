//! Discord: the command language as application commands (slash commands with typed options and
//! scenario autocomplete), read back from interactions; the bot's neutral messages as embeds
//! with buttons (`render`; escaping rules are listed there).

pub mod commands;
mod markdown;
pub mod render;

/// The platform name in channel keys and the outbox.
pub const PLATFORM: &str = "discord";
