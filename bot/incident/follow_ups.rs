//! The post-incident follow-ups of a resolved incident: the runbook's groups (`Within 24 Hours`,
//! `Within 1 Week`, `Within 1 Month`) as lists with a window each, and their items ticked.
//!
//! Windows: the first list's window runs from the resolution to its deadline; each later list's
//! opens when the previous one's deadline passes (`Within 1 Week` from the 24th hour to the 7th
//! day). A list is posted when its window opens, and reminded once, at 80% of its window, only
//! while it has open items. A group without a deadline the bot can read (`Later`) opens with the
//! previous window's end and is never reminded.
//!
//! Items are named as the posts number them: `1.3` is the third item of the first list; or by
//! words of their title (`post-mortem meeting`), which must match exactly one item.

use serde::{Deserialize, Serialize};

use super::error::DomainError;
use super::event::Event;
use super::model::{Incident, Person};
use crate::runbook::FollowUp;

/// The share of a window after which its one reminder comes, in percent.
pub const REMINDER_PERCENT: i64 = 80;

/// One follow-up list of a resolved incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpList {
    /// As the runbook writes it: `Within 24 Hours`.
    pub deadline: String,
    /// When the list is posted.
    pub opens_at_ms: i64,
    /// When its items are due; `None` when the runbook gives no readable deadline.
    pub due_at_ms: Option<i64>,
    pub items: Vec<FollowUpItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpItem {
    pub title: String,
    #[serde(default)]
    pub done: Option<Tick>,
}

/// Who ticked an item, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    pub by: Person,
    pub at_ms: i64,
}

impl FollowUpList {
    /// The one reminder: at [`REMINDER_PERCENT`] of the window; `None` without a deadline.
    pub fn reminder_at_ms(&self) -> Option<i64> {
        let due = self.due_at_ms?;
        let window = due.checked_sub(self.opens_at_ms).filter(|ms| *ms > 0)?;
        Some(self.opens_at_ms + window / 100 * REMINDER_PERCENT)
    }

    /// The items not ticked yet.
    pub fn open_items(&self) -> usize {
        self.items.iter().filter(|item| item.done.is_none()).count()
    }
}

/// `1.3`: the reference people type and the posts show (both 1-based).
pub fn item_ref(list: usize, item: usize) -> String {
    format!("{}.{}", list + 1, item + 1)
}

/// The runbook's follow-up groups as the lists of an incident resolved at `resolved_at_ms`.
pub fn schedule(groups: &[FollowUp], resolved_at_ms: i64) -> Vec<FollowUpList> {
    let mut opens = resolved_at_ms;
    groups
        .iter()
        .map(|group| {
            let due = group
                .due_after_secs
                .and_then(|secs| i64::try_from(secs).ok()?.checked_mul(1000))
                .map(|after| resolved_at_ms.saturating_add(after));
            let list = FollowUpList {
                deadline: group.deadline.clone(),
                opens_at_ms: opens.min(due.unwrap_or(opens)),
                due_at_ms: due,
                items: group
                    .items
                    .iter()
                    .map(|title| FollowUpItem {
                        title: title.clone(),
                        done: None,
                    })
                    .collect(),
            };
            opens = opens.max(due.unwrap_or(opens));
            list
        })
        .collect()
}

/// Keeps the ticks of `earlier` lists (an incident resolved, reopened and resolved again) on the
/// items of `lists` with the same deadline and title.
pub fn carry_ticks(lists: &mut [FollowUpList], earlier: &[FollowUpList]) {
    for list in lists.iter_mut() {
        let Some(before) = earlier.iter().find(|e| e.deadline == list.deadline) else {
            continue;
        };
        for item in &mut list.items {
            item.done = before
                .items
                .iter()
                .find(|e| e.title == item.title)
                .and_then(|e| e.done.clone());
        }
    }
}

/// Ticks (`done`) or unticks the item `typed` names: `1.3`, or words of one item's title.
pub fn tick(incident: &Incident, typed: &str, done: bool) -> Result<Event, DomainError> {
    if incident.follow_ups.is_empty() {
        return Err(DomainError::NoFollowUps {
            incident: incident.reference(),
            open: incident.is_open(),
            drill: incident.drill,
        });
    }
    let (list, item) = find_item(incident, typed)?;
    let state = &incident.follow_ups[list].items[item];
    if state.done.is_some() == done {
        return Err(DomainError::FollowUpAlready {
            item: item_ref(list, item),
            title: state.title.clone(),
            done: state
                .done
                .as_ref()
                .map(|tick| (tick.by.name.clone(), tick.at_ms)),
        });
    }
    Ok(Event::FollowUpTicked { list, item, done })
}

/// Every item as (`1.3`, title).
fn every_item(incident: &Incident) -> Vec<(String, String)> {
    incident
        .follow_ups
        .iter()
        .enumerate()
        .flat_map(|(list, items)| {
            items
                .items
                .iter()
                .enumerate()
                .map(move |(item, state)| (item_ref(list, item), state.title.clone()))
        })
        .collect()
}

fn find_item(incident: &Incident, typed: &str) -> Result<(usize, usize), DomainError> {
    let typed = typed.trim();
    if let Some((list, item)) = typed.split_once('.') {
        if let (Ok(list), Ok(item)) = (list.parse::<usize>(), item.parse::<usize>()) {
            let found = list
                .checked_sub(1)
                .zip(item.checked_sub(1))
                .filter(|(list, item)| {
                    incident
                        .follow_ups
                        .get(*list)
                        .is_some_and(|found| *item < found.items.len())
                });
            return found.ok_or_else(|| DomainError::NoSuchFollowUp {
                typed: typed.to_string(),
                items: every_item(incident),
            });
        }
    }
    let words: Vec<String> = typed.split_whitespace().map(str::to_lowercase).collect();
    let mut matches = Vec::new();
    for (list, items) in incident.follow_ups.iter().enumerate() {
        for (item, state) in items.items.iter().enumerate() {
            let title = state.title.to_lowercase();
            if !words.is_empty() && words.iter().all(|word| title.contains(word.as_str())) {
                matches.push((list, item));
            }
        }
    }
    match matches.as_slice() {
        [only] => Ok(*only),
        [] => Err(DomainError::NoSuchFollowUp {
            typed: typed.to_string(),
            items: every_item(incident),
        }),
        several => Err(DomainError::AmbiguousFollowUp {
            typed: typed.to_string(),
            matches: several
                .iter()
                .map(|&(list, item)| {
                    (
                        item_ref(list, item),
                        incident.follow_ups[list].items[item].title.clone(),
                    )
                })
                .collect(),
        }),
    }
}

impl Incident {
    /// Records a tick (or takes it back).
    pub(super) fn tick_follow_up(
        &mut self,
        list: usize,
        item: usize,
        done: bool,
        by: &Person,
        at_ms: i64,
    ) {
        if let Some(state) = self
            .follow_ups
            .get_mut(list)
            .and_then(|list| list.items.get_mut(item))
        {
            state.done = done.then(|| Tick {
                by: by.clone(),
                at_ms,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::test_support::{at, db_loss, runbook, HOUR};

    const DAY: i64 = 24 * HOUR;

    #[test]
    fn each_window_opens_when_the_previous_one_ends() {
        let lists = schedule(&runbook().follow_ups, at(4, 10, 0));
        let windows: Vec<(i64, Option<i64>)> = lists
            .iter()
            .map(|list| {
                (
                    list.opens_at_ms - at(4, 10, 0),
                    list.due_at_ms.map(|due| due - at(4, 10, 0)),
                )
            })
            .collect();
        assert_eq!(
            windows,
            vec![
                (0, Some(DAY)),
                (DAY, Some(7 * DAY)),
                (7 * DAY, Some(30 * DAY))
            ]
        );
        assert_eq!(
            lists[0].reminder_at_ms(),
            Some(at(4, 10, 0) + DAY / 100 * 80)
        );
        assert_eq!(lists[1].items.len(), 5);
    }

    #[test]
    fn items_by_number_or_by_words_and_never_ambiguous() {
        let incident = db_loss(at(4, 10, 0)).incident;
        assert_eq!(
            tick(&incident, "1.3", true),
            Ok(Event::FollowUpTicked {
                list: 0,
                item: 2,
                done: true
            })
        );
        assert_eq!(
            tick(&incident, "post-mortem MEETING", true),
            Ok(Event::FollowUpTicked {
                list: 1,
                item: 0,
                done: true
            })
        );
        assert!(matches!(
            tick(&incident, "document", true),
            Err(DomainError::AmbiguousFollowUp { matches, .. }) if matches.len() == 2
        ));
        assert!(matches!(
            tick(&incident, "4.1", true),
            Err(DomainError::NoSuchFollowUp { .. })
        ));
        assert!(matches!(
            tick(&incident, "1.3", false),
            Err(DomainError::FollowUpAlready { done: None, .. })
        ));
    }
}
