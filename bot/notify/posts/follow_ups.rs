//! The post-incident follow-ups as the channel sees them: each list when its window opens, its
//! one reminder before the deadline, a tick, and the refusals of `/incident followup`.

use commands::CommandName;

use super::format::{date_time, minutes, secs_between};
use super::{heading, text};
use crate::incident::follow_ups::item_ref;
use crate::incident::{DomainError, FollowUpList, Incident};
use crate::notify::message::{Block, Message, MessageKind};

/// Why a follow-up list is posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListMoment {
    /// Its window opens (the first list: at the resolution).
    Opens,
    /// The one reminder before its deadline, while items are open.
    Reminder,
}

/// A follow-up list (0-based `list`) with its deadline and its items, open or ticked.
pub fn follow_up_list(
    incident: &Incident,
    list: usize,
    moment: ListMoment,
    now_ms: i64,
) -> Message {
    let message = Message::new(MessageKind::FollowUp, Some(incident.id.number()));
    let Some(found) = incident.follow_ups.get(list) else {
        return message.with(heading(incident, "Follow-ups"));
    };
    let count = incident.follow_ups.len();
    let title = match moment {
        ListMoment::Opens => format!("Follow-ups {} of {count}: {}", list + 1, found.deadline),
        ListMoment::Reminder => format!("Follow-ups due soon: {}", found.deadline),
    };
    let due = match found.due_at_ms {
        Some(due) => format!(
            "due by {} ({})",
            date_time(due),
            in_time(secs_between(now_ms, due))
        ),
        None => "no deadline given".to_string(),
    };
    let open = found.open_items();
    let first = match moment {
        ListMoment::Opens => format!(
            "{} — {}, {due}.",
            capital(&found.deadline),
            items_text(found.items.len())
        ),
        ListMoment::Reminder => format!("{open} of {} still open, {due}.", found.items.len()),
    };
    let example = found
        .items
        .iter()
        .position(|item| item.done.is_none())
        .map_or_else(|| item_ref(list, 0), |item| item_ref(list, item));
    let open_items: Vec<String> = found
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.done.is_none())
        .map(|(item, _)| item_ref(list, item))
        .collect();
    let message = message
        .with(heading(incident, &title))
        .with(text(first))
        .with(text(items(found, list)))
        .with(text(format!(
            "Tick one when it is done: /incident followup {} {example} done (or words of its title)",
            incident.reference()
        )));
    match open_items.is_empty() {
        true => message,
        false => message.with(Block::FollowUpActions {
            incident: incident.id.number(),
            items: open_items,
        }),
    }
}

/// `in 4h 48m`, `now`.
fn in_time(secs: u64) -> String {
    if secs < 60 {
        "now".to_string()
    } else {
        format!("in {}", minutes(secs))
    }
}

fn capital(deadline: &str) -> String {
    super::format::capitalized(deadline.trim())
}

fn items_text(count: usize) -> String {
    super::format::count(count, "item")
}

/// `☐ 1.1 Complete incident timeline` / `☑ 1.2 Document actions taken — bob, 2026-11-25 09:12 UTC`.
fn items(list: &FollowUpList, index: usize) -> String {
    if list.items.is_empty() {
        return "No items listed in the runbook for this deadline.".to_string();
    }
    list.items
        .iter()
        .enumerate()
        .map(|(item, state)| match &state.done {
            Some(tick) => format!(
                "☑ {} {} — {}, {}",
                item_ref(index, item),
                state.title,
                tick.by.name,
                date_time(tick.at_ms)
            ),
            None => format!("☐ {} {}", item_ref(index, item), state.title),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `☑ 1.3 Calculate actual vs. target RTO/RPO — done by bob. Within 24 Hours: 2 of 4 open.`
pub fn follow_up_ticked(incident: &Incident, list: usize, item: usize, by: &str) -> Message {
    let message = Message::new(MessageKind::FollowUp, Some(incident.id.number()));
    let Some((found, state)) = incident
        .follow_ups
        .get(list)
        .and_then(|found| Some((found, found.items.get(item)?)))
    else {
        return message.with(heading(incident, "Follow-ups"));
    };
    let (mark, what) = match state.done {
        Some(_) => ("☑", format!("done by {by}")),
        None => ("☐", format!("open again ({by} took the tick back)")),
    };
    let left = match found.open_items() {
        0 => format!("{}: all done.", found.deadline),
        open => format!("{}: {open} of {} open.", found.deadline, found.items.len()),
    };
    message
        .with(heading(incident, "Follow-ups"))
        .with(text(format!(
            "{mark} {} {} — {what}. {left}",
            item_ref(list, item),
            state.title
        )))
}

/// The refusals of `/incident followup`.
pub(super) fn refusal_text(error: &DomainError) -> Option<String> {
    let usage = CommandName::FollowUp.spec().usage;
    Some(match error {
        DomainError::NoFollowUps {
            incident,
            drill: true,
            ..
        } => format!("{incident} is a drill: drills have no follow-ups to tick"),
        DomainError::NoFollowUps {
            incident,
            open: true,
            ..
        } => format!(
            "{incident} is still open: its follow-ups are posted when it is resolved — usage: {usage}"
        ),
        DomainError::NoFollowUps { incident, .. } => {
            format!("{incident} has no follow-up lists to tick")
        }
        DomainError::NoSuchFollowUp { typed, items } => format!(
            "no follow-up matches `{typed}`. Follow-ups: {} — usage: {usage}",
            listed(items)
        ),
        DomainError::AmbiguousFollowUp { typed, matches } => format!(
            "`{typed}` matches {} follow-ups: {} — say which by its number, e.g. /incident followup {} done",
            matches.len(),
            listed(matches),
            matches.first().map_or("1.1", |(item, _)| item.as_str())
        ),
        DomainError::FollowUpAlready {
            item,
            title,
            done: Some((by, at_ms)),
        } => format!(
            "{item} ({title}) was already ticked by {by} at {}",
            date_time(*at_ms)
        ),
        DomainError::FollowUpAlready {
            item,
            title,
            done: None,
        } => format!("{item} ({title}) is not ticked, so there is no tick to take back"),
        _ => return None,
    })
}

/// `1.1 Complete incident timeline, 1.2 Document actions taken`.
fn listed(items: &[(String, String)]) -> String {
    items
        .iter()
        .map(|(item, title)| format!("{item} {title}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The follow-up lines of the RESOLVED notification: each list, when it is posted and due.
pub(super) fn scheduled_text(incident: &Incident) -> Option<String> {
    if incident.follow_ups.is_empty() {
        return None;
    }
    let resolved = incident.resolution.as_ref().map(|r| r.at_ms);
    let lines: Vec<String> = incident
        .follow_ups
        .iter()
        .map(|list| {
            let posted = match Some(list.opens_at_ms) == resolved {
                true => "posted below".to_string(),
                false => format!("posted {}", date_time(list.opens_at_ms)),
            };
            let due = list
                .due_at_ms
                .map(|due| format!(", due {}", date_time(due)))
                .unwrap_or_default();
            format!(
                "• {}: {}, {posted}{due}",
                list.deadline,
                items_text(list.items.len())
            )
        })
        .collect();
    Some(format!(
        "Follow-ups (each list is posted here when its window opens):\n{}",
        lines.join("\n")
    ))
}
