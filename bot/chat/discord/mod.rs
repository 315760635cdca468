//! Discord: the command language as application commands (slash commands with typed options and
//! scenario autocomplete), read back from interactions.

pub mod commands;
