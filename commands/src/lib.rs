//! The `/incident` command language: the text people type after `/incident` (or `/postmortem`)
//! becomes a typed [`Command`], and every mistake becomes a [`ParseError`] that names what was wrong
//! and shows the correct usage. Pure: no IO, no async, no chat-platform types.

pub mod duration;
pub mod severity;

pub use severity::Severity;
