//! Slack: the bot's neutral messages as Block Kit, and the step buttons read back.
//!
//! - `blocks`: `message_payload` (a message as slack-morphism's Block Kit types, for
//!   `chat.postMessage` / `chat.update`), `ephemeral_response` (a slash-command reply) and
//!   `document_as_messages` with `code_message` (a post-mortem draft posted as code blocks when
//!   it cannot be uploaded).
//! - The Done / Skip / Failed buttons' `action_id` and `value`, and `parse_step_action` to read
//!   a click back, are shared with Discord: `chat::step_buttons`.
//! - `signature`: request signatures and the replay window.
//! - `ingress`: slash commands and interactions, decoded and run through the engine.
//! - `http`: the signed routes; `socket_mode`: the same over a WebSocket the bot opens;
//!   `follow_ups`: the modal and replies right after an answer, a reply to a clicker only
//!   through a `response_url` that `response_url` finds to be Slack's.
//! - `groups`: the members of a user group (`usergroups.users.list`), for the engine's check of
//!   who may act.
//! - `settings`: what the adapter reads from the environment (tokens, the way in, the API URL).
//! - `adapter`: all of it as `serve` runs it, with the sender for the outbox worker.
//!
//! # Escaping
//!
//! Every text in a `Message` is plain text from users or the runbook; only `Message::mentions`
//! may ping. In `mrkdwn` it is escaped so it shows as typed:
//!
//! - `&`, `<`, `>` become entities, as Slack documents: `<!channel>`, `<@U123>` and
//!   `<http://evil|link>` show as text and neither ping nor link. Text that is already escaped
//!   (`&lt;`) is escaped again and shows as typed.
//! - Every `mrkdwn` object is `verbatim`, so Slack does not parse the text itself (bare URLs,
//!   `#channel` names, bare `@here`); a zero-width space after the `@` of `@here`, `@channel`
//!   and `@everyone` also breaks those words, in case a client still reads them.
//! - Slack has no escape for `*`, `_`, `~` and backticks. A zero-width space next to one does
//!   not help: Slack reads U+200B as a word boundary, so it *enables* formatting (jsx-slack's
//!   "exact mode" relies on that). Instead a formatting character that could open or close
//!   formatting is replaced by a look-alike (`∗ ˍ ∼ ˋ`); one between two ASCII letters or digits
//!   (`db_backup_2026`) is left alone, since Slack never formats inside a word, so names and
//!   paths copy unchanged. A `>` starting a line gets a soft hyphen so it is not a quote.
//! - Code (runbook commands, filled-in templates) is verbatim inside a ``` block: only `&`, `<`,
//!   `>` become entities, and a zero-width space between backticks keeps ``` in the code from
//!   closing the block.
//! - Headers and button labels are `plain_text`, which Slack neither formats nor parses for
//!   pings or links, so they are not escaped (an entity would show as typed). Defensively a
//!   zero-width space follows each `<` and the `@` of `@here`-like words in a header anyway.
//!
//! Lengths are counted in bytes, never less than Slack's "characters" whatever unit it means.

pub mod adapter;
mod blocks;
mod follow_ups;
mod groups;
pub mod http;
pub mod ingress;
mod mentions;
mod mrkdwn;
pub mod response_url;
pub mod sender;
pub mod settings;
pub mod signature;
pub mod socket_mode;
pub mod web;

pub use blocks::{
    code_message, document_as_messages, ephemeral_response, message_payload, MessagePayload,
};
