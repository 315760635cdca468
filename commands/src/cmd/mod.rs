//! One module per command, each with the command's spec, its struct, the `parse` that reads its
//! arguments from a [`Cursor`], and the `Display` that writes its canonical form. [`Command`] is the
//! sum of them.

use std::fmt;

use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::registry::CommandName;

pub(crate) mod assign;
pub(crate) mod cancel;
pub(crate) mod change_severity;
pub(crate) mod choose;
pub(crate) mod drill;
pub(crate) mod drills;
pub(crate) mod follow_up;
pub(crate) mod help;
pub(crate) mod list;
pub(crate) mod open;
pub(crate) mod postmortem;
pub(crate) mod reopen;
pub(crate) mod resolve;
pub(crate) mod restored;
pub(crate) mod rpo;
pub(crate) mod scenarios;
pub(crate) mod status;
pub(crate) mod step;
pub(crate) mod update;

pub use assign::Assign;
pub use cancel::{Cancel, CancelReason};
pub use change_severity::ChangeSeverity;
pub use choose::Choose;
pub use drill::{Drill, DrillTarget};
pub use drills::Drills;
pub use follow_up::{FollowUp, FollowUpAction};
pub use help::Help;
pub use list::List;
pub use open::Open;
pub use postmortem::Postmortem;
pub use reopen::Reopen;
pub use resolve::Resolve;
pub use restored::Restored;
pub use rpo::Rpo;
pub use scenarios::Scenarios;
pub use status::Status;
pub use step::{RequiredNote, Step, StepAction};
pub use update::Update;

/// A command read from `/incident …` or `/postmortem …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Open(Open),
    Drill(Drill),
    List(List),
    Status(Status),
    Scenarios(Scenarios),
    Help(Help),
    Step(Step),
    Choose(Choose),
    Update(Update),
    Assign(Assign),
    Severity(ChangeSeverity),
    Rpo(Rpo),
    Resolve(Resolve),
    Postmortem(Postmortem),
    Restored(Restored),
    Reopen(Reopen),
    Cancel(Cancel),
    FollowUp(FollowUp),
    Drills(Drills),
}

impl Command {
    /// Reads the arguments of the command `name`, after its name.
    pub(crate) fn parse(name: CommandName, cursor: &mut Cursor<'_>) -> Result<Command, ErrorKind> {
        Ok(match name {
            CommandName::Open => Command::Open(Open::parse(cursor)?),
            CommandName::Drill => Command::Drill(Drill::parse(cursor)?),
            CommandName::List => Command::List(List::parse(cursor)?),
            CommandName::Status => Command::Status(Status::parse(cursor)?),
            CommandName::Scenarios => Command::Scenarios(Scenarios::parse(cursor)?),
            CommandName::Help => Command::Help(Help::parse(cursor)?),
            CommandName::Step => Command::Step(Step::parse(cursor)?),
            CommandName::Choose => Command::Choose(Choose::parse(cursor)?),
            CommandName::Update => Command::Update(Update::parse(cursor)?),
            CommandName::Assign => Command::Assign(Assign::parse(cursor)?),
            CommandName::Severity => Command::Severity(ChangeSeverity::parse(cursor)?),
            CommandName::Rpo => Command::Rpo(Rpo::parse(cursor)?),
            CommandName::Resolve => Command::Resolve(Resolve::parse(cursor)?),
            CommandName::Postmortem => Command::Postmortem(Postmortem::parse(cursor)?),
            CommandName::Restored => Command::Restored(Restored::parse(cursor)?),
            CommandName::Reopen => Command::Reopen(Reopen::parse(cursor)?),
            CommandName::Cancel => Command::Cancel(Cancel::parse(cursor)?),
            CommandName::FollowUp => Command::FollowUp(FollowUp::parse(cursor)?),
            CommandName::Drills => Command::Drills(Drills::parse(cursor)?),
        })
    }
}

/// The canonical form, which reads back as the same command.
impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Open(command) => command.fmt(f),
            Command::Drill(command) => command.fmt(f),
            Command::List(command) => command.fmt(f),
            Command::Status(command) => command.fmt(f),
            Command::Scenarios(command) => command.fmt(f),
            Command::Help(command) => command.fmt(f),
            Command::Step(command) => command.fmt(f),
            Command::Choose(command) => command.fmt(f),
            Command::Update(command) => command.fmt(f),
            Command::Assign(command) => command.fmt(f),
            Command::Severity(command) => command.fmt(f),
            Command::Rpo(command) => command.fmt(f),
            Command::Resolve(command) => command.fmt(f),
            Command::Postmortem(command) => command.fmt(f),
            Command::Restored(command) => command.fmt(f),
            Command::Reopen(command) => command.fmt(f),
            Command::Cancel(command) => command.fmt(f),
            Command::FollowUp(command) => command.fmt(f),
            Command::Drills(command) => command.fmt(f),
        }
    }
}
