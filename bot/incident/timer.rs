//! What an incident waits for: the timers the scheduler fires. The store keeps each under its
//! name (`update`, `rto`, `nudge`, `follow-up-0`, `stale`, `follow-up-opens-1`,
//! `follow-up-reminder-0`), the names every version of the bot has written: a name, once
//! written, is never renamed.

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
    /// A post-incident follow-up group of the runbook, by its index, at its deadline. Written
    /// only by versions before follow-up windows; such a timer still posts the group when due.
    FollowUp(usize),
    /// Nobody has acted on the incident for `STALE_AFTER`: time to ask whether it still goes.
    Stale,
    /// The window of a follow-up list (by index) opens: the list is posted.
    FollowUpOpens(usize),
    /// The one reminder of a follow-up list before its deadline, if items are still open.
    FollowUpReminder(usize),
}

const FOLLOW_UP_PREFIX: &str = "follow-up-";
const FOLLOW_UP_OPENS_PREFIX: &str = "follow-up-opens-";
const FOLLOW_UP_REMINDER_PREFIX: &str = "follow-up-reminder-";

/// The index after `prefix` in `name`.
fn indexed(name: &str, prefix: &str) -> Option<usize> {
    name.strip_prefix(prefix)?.parse().ok()
}

impl TimerKind {
    /// The kind a stored name stands for; `None` for a name the bot never writes.
    pub fn from_name(name: &str) -> Option<TimerKind> {
        let kind = match name {
            "update" => TimerKind::Update,
            "rto" => TimerKind::Rto,
            "nudge" => TimerKind::Nudge,
            "stale" => TimerKind::Stale,
            _ => {
                if let Some(list) = indexed(name, FOLLOW_UP_OPENS_PREFIX) {
                    TimerKind::FollowUpOpens(list)
                } else if let Some(list) = indexed(name, FOLLOW_UP_REMINDER_PREFIX) {
                    TimerKind::FollowUpReminder(list)
                } else {
                    TimerKind::FollowUp(indexed(name, FOLLOW_UP_PREFIX)?)
                }
            }
        };
        // `follow-up-01` or `follow-up-+1` would be written back under another name.
        (kind.to_string() == name).then_some(kind)
    }
}

/// The stored name: `update`, `rto`, `nudge`, `follow-up-0`, `stale`, `follow-up-opens-1`,
/// `follow-up-reminder-0`.
impl fmt::Display for TimerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimerKind::Update => f.write_str("update"),
            TimerKind::Rto => f.write_str("rto"),
            TimerKind::Nudge => f.write_str("nudge"),
            TimerKind::FollowUp(group) => write!(f, "{FOLLOW_UP_PREFIX}{group}"),
            TimerKind::Stale => f.write_str("stale"),
            TimerKind::FollowUpOpens(list) => write!(f, "{FOLLOW_UP_OPENS_PREFIX}{list}"),
            TimerKind::FollowUpReminder(list) => write!(f, "{FOLLOW_UP_REMINDER_PREFIX}{list}"),
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
            (TimerKind::Stale, "stale"),
            (TimerKind::FollowUpOpens(1), "follow-up-opens-1"),
            (TimerKind::FollowUpReminder(0), "follow-up-reminder-0"),
            (TimerKind::FollowUpReminder(12), "follow-up-reminder-12"),
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
            "follow-up-opens-",
            "follow-up-opens-01",
            "follow-up-reminder-x",
            "stale-1",
            "",
        ] {
            assert_eq!(TimerKind::from_name(unknown), None, "{unknown}");
        }
    }
}
