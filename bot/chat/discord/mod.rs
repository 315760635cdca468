//! Discord: the bot's neutral messages as embeds with buttons (`render`). Escaping rules are
//! listed in `render`.

mod markdown;
pub mod render;

/// The platform name in channel keys and the outbox.
pub const PLATFORM: &str = "discord";
