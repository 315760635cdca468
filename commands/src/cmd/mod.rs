//! One module per command, each with the command's spec, its struct, the `parse` that reads its
//! arguments from a [`Cursor`], and the `Display` that writes its canonical form. [`Command`] is the
//! sum of them.

use std::fmt;

use crate::cursor::Cursor;
use crate::error::ErrorKind;
use crate::incident_ref::IncidentRef;
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

impl Command {
    /// Which command this is.
    pub fn name(&self) -> CommandName {
        match self {
            Command::Open(_) => CommandName::Open,
            Command::Drill(_) => CommandName::Drill,
            Command::List(_) => CommandName::List,
            Command::Status(_) => CommandName::Status,
            Command::Scenarios(_) => CommandName::Scenarios,
            Command::Help(_) => CommandName::Help,
            Command::Step(_) => CommandName::Step,
            Command::Choose(_) => CommandName::Choose,
            Command::Update(_) => CommandName::Update,
            Command::Assign(_) => CommandName::Assign,
            Command::Severity(_) => CommandName::Severity,
            Command::Rpo(_) => CommandName::Rpo,
            Command::Resolve(_) => CommandName::Resolve,
            Command::Postmortem(_) => CommandName::Postmortem,
            Command::Restored(_) => CommandName::Restored,
            Command::Reopen(_) => CommandName::Reopen,
            Command::Cancel(_) => CommandName::Cancel,
            Command::FollowUp(_) => CommandName::FollowUp,
            Command::Drills(_) => CommandName::Drills,
        }
    }

    /// Whether the command only reads: it changes no incident (a post-mortem draft is read;
    /// marking it final is a change). Where a team limits who may act, anyone may still read.
    pub fn only_reads(&self) -> bool {
        match self {
            Command::List(_)
            | Command::Status(_)
            | Command::Scenarios(_)
            | Command::Help(_)
            | Command::Drills(_) => true,
            Command::Postmortem(postmortem) => !postmortem.finalize,
            Command::Open(_)
            | Command::Drill(_)
            | Command::Step(_)
            | Command::Choose(_)
            | Command::Update(_)
            | Command::Assign(_)
            | Command::Severity(_)
            | Command::Rpo(_)
            | Command::Resolve(_)
            | Command::Restored(_)
            | Command::Reopen(_)
            | Command::Cancel(_)
            | Command::FollowUp(_) => false,
        }
    }

    /// The incident the command names, if it names one.
    pub fn incident(&self) -> Option<IncidentRef> {
        match self {
            Command::Status(command) => command.incident,
            Command::Step(command) => command.incident,
            Command::Choose(command) => command.incident,
            Command::Update(command) => command.incident,
            Command::Assign(command) => command.incident,
            Command::Severity(command) => command.incident,
            Command::Rpo(command) => command.incident,
            Command::Resolve(command) => command.incident,
            Command::Postmortem(command) => command.incident,
            Command::Restored(command) => command.incident,
            Command::Reopen(command) => command.incident,
            Command::Cancel(command) => command.incident,
            Command::FollowUp(command) => command.incident,
            Command::Open(_)
            | Command::Drill(_)
            | Command::List(_)
            | Command::Scenarios(_)
            | Command::Help(_)
            | Command::Drills(_) => None,
        }
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

#[cfg(test)]
mod tests {
    use crate::parse_line;

    #[test]
    fn reading_commands_are_told_from_changes() {
        for line in [
            "/incident list",
            "/incident status INC-3",
            "/incident scenarios",
            "/incident help resolve",
            "/incident drills",
            "/postmortem INC-3",
        ] {
            assert!(parse_line(line).expect(line).only_reads(), "{line}");
        }
        for line in [
            "/incident open critical db-loss",
            "/incident drill",
            "/incident resolve INC-3",
            "/incident severity INC-3 low",
            "/incident step done",
            "/postmortem INC-3 final",
        ] {
            assert!(!parse_line(line).expect(line).only_reads(), "{line}");
        }
    }

    #[test]
    fn a_command_says_its_name_and_the_incident_it_names() {
        let command = parse_line("/incident resolve INC-4 disk").expect("valid");
        assert_eq!(command.name(), crate::CommandName::Resolve);
        assert_eq!(command.incident(), Some(crate::IncidentRef(4)));
        let open = parse_line("/incident open low db-loss").expect("valid");
        assert_eq!((open.name().as_str(), open.incident()), ("open", None));
    }
}
