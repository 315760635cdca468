//! Changes worth telling the channel, one line each: a role assigned, the severity changed, the
//! last good data recorded; and the headlines of the checklist card for a retry and a choice.

use commands::Severity;

use super::format::{date, short_time};
use super::lifecycle::{change, rpo_summary, rpo_summary_with, same_day};
use super::step_name;
use crate::incident::{Incident, Person};
use crate::notify::message::Message;
use crate::notify::template::cadence_words;

/// Status updates moved to a new cadence: every `from_secs` before, every `to_secs` now, the next
/// at `next_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CadenceChange {
    pub from_secs: u64,
    pub to_secs: u64,
    pub next_ms: i64,
}

/// `@carol is now scribe of INC-3 (assigned by alice)`, pinging `ping` when there is one.
pub fn assigned(
    incident: &Incident,
    role: &str,
    person: &Person,
    ping: Option<String>,
    by: &str,
) -> Message {
    let mut message = change(
        incident,
        format!(
            "{} is now {role} of {} (assigned by {by})",
            person.name,
            incident.reference()
        ),
    );
    message.mentions.extend(ping);
    message
}

/// `Severity raised from high to critical by alice. Paging: DBA`. `paged` are the roles the new
/// severity pages that the old one did not, with the chat ids to ping (none in a drill); a
/// `cadence` change adds `Updates now every 5 minutes (were every 15 minutes); next at 03:10
/// UTC`.
pub fn severity_changed(
    incident: &Incident,
    from: Severity,
    by: &str,
    paged: Vec<(String, Option<String>)>,
    cadence: Option<CadenceChange>,
) -> Message {
    // Critical sorts first: a smaller severity is a higher one.
    let verb = if incident.severity < from {
        "raised"
    } else {
        "lowered"
    };
    let mut text = format!(
        "Severity {verb} from {from} to {} by {by}",
        incident.severity
    );
    if !paged.is_empty() {
        let names: Vec<&str> = paged.iter().map(|(role, _)| role.as_str()).collect();
        text.push_str(&format!(". Paging: {}", names.join(", ")));
    }
    if let Some(cadence) = cadence {
        text.push_str(&format!(
            ".\nUpdates now every {} (were every {}); next at {}",
            cadence_words(cadence.to_secs),
            cadence_words(cadence.from_secs),
            short_time(cadence.next_ms, incident.opened_at_ms)
        ));
    }
    let mut message = change(incident, text);
    if !incident.drill {
        message.mentions = paged.into_iter().filter_map(|(_, id)| id).collect();
    }
    message
}

/// `Last good data recorded by bob: 02:58:00 UTC — RPO 6m, …`; a time on the day before `now_ms`
/// (`rpo 14:00` typed at 06:59) says so: `14:00 UTC yesterday (2026-11-28) — RPO …`.
pub fn last_good_data_recorded(incident: &Incident, by: &str, now_ms: i64) -> Message {
    let yesterday = now_ms - DAY_MS;
    let summary = match incident.last_good_data_ms {
        Some(last_good) if same_day(last_good, yesterday) => rpo_summary_with(incident, |at| {
            format!("{} yesterday ({})", short_time(at, at), date(at))
        }),
        _ => rpo_summary(incident),
    };
    change(
        incident,
        format!("Last good data recorded by {by}: {summary}"),
    )
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// `↻ Step 5 (Restore from most recent backup) is being retried by bob`.
pub fn retried_headline(incident: &Incident, index: usize, by: &str) -> String {
    format!("↻ {} is being retried by {by}", step_name(incident, index))
}

/// `Option A (Point-in-time recovery) chosen by bob for step 3`, for step `index`'s choice.
pub fn chosen_headline(incident: &Incident, index: usize, by: &str) -> Option<String> {
    let step = incident.steps.get(index)?;
    let key = step.chosen.as_deref()?;
    let (_, title) = step.options.iter().find(|(k, _)| k == key)?;
    Some(format!(
        "Option {key} ({title}) chosen by {by} for step {}",
        index + 1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::test_support::{at, db_loss, render};

    #[test]
    fn a_severity_change_says_when_the_cadence_changed() {
        let mut incident = db_loss(at(6, 40, 0)).incident;
        incident.severity = Severity::Low;
        let cadence = CadenceChange {
            from_secs: 15 * 60,
            to_secs: 60 * 60,
            next_ms: at(7, 4, 0),
        };
        let message = severity_changed(
            &incident,
            Severity::Critical,
            "alice",
            Vec::new(),
            Some(cadence),
        );
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("severity_changed_cadence", render(&message));
        });
        let same = severity_changed(&incident, Severity::Critical, "alice", Vec::new(), None);
        assert!(!render(&same).contains("Updates"), "{}", render(&same));
    }
}
