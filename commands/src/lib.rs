//! The `/incident` command language: the text people type after `/incident` (or `/postmortem`)
//! becomes a typed [`Command`], and every mistake becomes a [`ParseError`] that names what was wrong
//! and shows the correct usage. Pure: no IO, no async, no chat-platform types.
//!
//! Every command and [`Command`] print their canonical form, which reads back as the same value:
//! `parse_line(&command.to_string()) == Ok(command)` (for canonical forms within
//! [`MAX_INPUT_CHARS`]). The quoting rule that makes this hold is described in `canonical.rs`: a word
//! or free text is printed as typed when it starts with a letter or digit and cannot be taken for an
//! incident reference, and quoted otherwise.

mod arguments;
mod canonical;
mod cmd;
mod command_text;
mod cursor;
pub mod duration;
mod error;
mod incident_ref;
mod mention;
mod parse;
mod registry;
mod rpo_point;
pub mod severity;
mod spec;
mod text;

pub use arguments::{Argument, ArgumentKind, UndescribedArgument};
pub use cmd::{
    Assign, Cancel, CancelReason, ChangeSeverity, Choose, Command, Drill, DrillTarget, Drills,
    FollowUp, FollowUpAction, Help, List, Open, Postmortem, Reopen, RequiredNote, Resolve,
    Restored, Rpo, Scenarios, Status, Step, StepAction, Update,
};
pub use command_text::{command_text, ArgumentValue, UnknownArgument};
pub use error::{ErrorKind, ParseError};
pub use incident_ref::IncidentRef;
pub use mention::Mention;
pub use parse::{parse_incident, parse_line, parse_postmortem, MAX_INPUT_CHARS};
pub use registry::{specs, CommandName};
pub use rpo_point::RpoPoint;
pub use severity::Severity;
pub use spec::CommandSpec;
