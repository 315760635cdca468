//! Discord: the command language as application commands (`commands`), the bot's neutral
//! messages as embeds with buttons (`render`; the escaping rules are listed there), the REST
//! calls the bot makes with its own rate-limit handling (`rest`), and the outbox's Discord
//! sender (`sender`).

pub mod commands;
mod markdown;
mod rate_limits;
pub mod render;
pub mod rest;
pub mod sender;

/// The platform name in channel keys and the outbox.
pub const PLATFORM: &str = "discord";
