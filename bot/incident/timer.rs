//! What an incident waits for: the timers the scheduler fires. The store keeps each under its
//! name (`update`, `rto`, `nudge`, `follow-up-0`), the names every version of the bot has written.

use std::fmt;

/// A durable timer of an incident; at most one of each kind is set at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimerKind {
    /// The next periodic status update.
    Update,
    /// The next RTO threshold (50%, 80%, 100% of the target).
    Rto,
    /// The current step running out of its time budget.
    Nudge,
    /// A post-incident follow-up group of the runbook, by its index, due after the resolution.
    FollowUp(usize),
}

const FOLLOW_UP_PREFIX: &str = "follow-up-";

impl TimerKind {
    /// The kind a stored name stands for; `None` for a name the bot never writes.
    pub fn from_name(name: &str) -> Option<TimerKind> {
        let kind = match name {
            "update" => TimerKind::Update,
            "rto" => TimerKind::Rto,
            "nudge" => TimerKind::Nudge,
            _ => TimerKind::FollowUp(name.strip_prefix(FOLLOW_UP_PREFIX)?.parse().ok()?),
        };
        // `follow-up-01` or `follow-up-+1` would be written back under another name.
        (kind.to_string() == name).then_some(kind)
    }
}

/// The stored name: `update`, `rto`, `nudge`, `follow-up-0`.
impl fmt::Display for TimerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimerKind::Update => f.write_str("update"),
            TimerKind::Rto => f.write_str("rto"),
            TimerKind::Nudge => f.write_str("nudge"),
            TimerKind::FollowUp(group) => write!(f, "{FOLLOW_UP_PREFIX}{group}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_those_stored_by_every_version() {
        for (kind, name) in [
            (TimerKind::Update, "update"),
            (TimerKind::Rto, "rto"),
            (TimerKind::Nudge, "nudge"),
            (TimerKind::FollowUp(0), "follow-up-0"),
            (TimerKind::FollowUp(12), "follow-up-12"),
        ] {
            assert_eq!(kind.to_string(), name);
            assert_eq!(TimerKind::from_name(name), Some(kind));
        }
        for unknown in [
            "rto-50",
            "nudge-3",
            "follow-up-",
            "follow-up-01",
            "follow-up-+1",
            "",
        ] {
            assert_eq!(TimerKind::from_name(unknown), None, "{unknown}");
        }
    }
}
