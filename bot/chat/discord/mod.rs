//! Discord: `/incident` and `/postmortem` as application commands, the checklist as embeds with
//! buttons, over the Gateway or a signed interactions endpoint.
//!
//! - `application_commands`: `/incident` and `/postmortem` as Discord registers them, generated
//!   from the command language, and an interaction's options read back as a command; scenario
//!   autocompletion.
//! - `render`: the bot's neutral messages as Discord messages (embeds, buttons, `allowed_mentions`;
//!   the escaping rules are listed there).
//! - `signature`: Ed25519 request signatures and the replay window.
//! - `ingress`: interactions (commands, autocomplete, clicks, the reason modal) run through the
//!   engine, answered with an interaction response.
//! - `http`: the signed interactions endpoint; `gateway`: the same over serenity's Gateway.
//! - `rest`: the REST client with its own rate-limit handling (`rate_limits`); `sender`: the
//!   outbox's sender (threads, edits, attachments).
//! - `settings`: what the adapter reads from the environment (token, application, guild, the
//!   ways in, the API URL).
//! - `adapter`: all of it as `serve` runs it, with the sender for the outbox worker.

pub mod adapter;
pub mod application_commands;
pub mod gateway;
pub mod http;
pub mod ingress;
mod markdown;
mod rate_limits;
pub mod render;
pub mod rest;
pub mod sender;
pub mod settings;
pub mod signature;
