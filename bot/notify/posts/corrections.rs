//! What the channel sees when an incident is corrected: reopened, cancelled, amended after resolve
//! (a note, the root cause, the last good data, a role), its post-mortem marked final; and the
//! answer to opening a scenario that is already open.

use super::format::{count, date_time, elapsed_secs, minutes, short_time};
use super::lifecycle::follow_up_due;
use super::restoration::rto_fields;
use super::{heading, text, with_current_step};
use crate::incident::correction::{AMEND_FOR_MS, REOPEN_FOR_MS};
use crate::incident::{Incident, Remark};
use crate::notify::message::{Block, Message, MessageKind};
use crate::runbook::Runbook;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What an amendment post ends with.
const STAYS_RESOLVED: &str = "stays resolved; the post-mortem shows the change.";

/// `9 days`, whole days from `from_ms` to `to_ms`.
pub(super) fn days_between(from_ms: i64, to_ms: i64) -> String {
    count(
        usize::try_from(to_ms.saturating_sub(from_ms) / DAY_MS).unwrap_or_default(),
        "day",
    )
}

/// `7 days`: how long a closed incident may be reopened.
pub(super) fn reopen_window() -> String {
    days_between(0, REOPEN_FOR_MS)
}

/// `30 days`: how long a resolved incident takes amendments.
pub(super) fn amend_window() -> String {
    days_between(0, AMEND_FOR_MS)
}

/// `Cancelled 2026-11-25 03:10 UTC by alice — duplicate of INC-3: “note”`, for a cancelled
/// incident.
pub(super) fn cancellation_text(incident: &Incident) -> Option<String> {
    let cancellation = incident.cancellation.as_ref()?;
    let mut line = format!(
        "Cancelled {} by {}",
        date_time(cancellation.at_ms),
        cancellation.by.name
    );
    if let Some(original) = cancellation.duplicate_of {
        line.push_str(&format!(" — duplicate of {original}"));
    }
    if let Some(reason) = cancellation.reason.as_deref().map(str::trim) {
        line.push_str(&format!(": \"{reason}\""));
    }
    Some(line)
}

/// The incident is open again: by whom and why (`closed` is the incident as it was closed), what
/// was withdrawn, and where it stands.
pub fn reopened(
    incident: &Incident,
    closed: &Incident,
    runbook: &Runbook,
    (by, reason): (&str, Option<&str>),
    now_ms: i64,
    next_update_ms: i64,
) -> Message {
    let mut message = Message::new(MessageKind::Change, Some(incident.id.number()))
        .with(heading(
            incident,
            &format!("Reopened · {}", incident.scenario.title),
        ))
        .with(text(reopened_headline(by, reason)))
        .with(text(closed_by_line(closed, runbook, now_ms)));
    message
        .blocks
        .extend(where_it_stands(incident, now_ms, next_update_ms));
    message
}

/// The status, the clocks and the current step of an incident just reopened.
fn where_it_stands(incident: &Incident, now_ms: i64, next_update_ms: i64) -> Vec<Block> {
    let mut message = Message::new(MessageKind::Change, None);
    let mut fields = vec![
        ("Status".to_string(), incident.status().to_string()),
        (
            "Elapsed".to_string(),
            format!("{} since opening", minutes(elapsed_secs(incident, now_ms))),
        ),
    ];
    fields.extend(rto_fields(incident, now_ms));
    fields.push((
        "Next update".to_string(),
        short_time(next_update_ms, incident.opened_at_ms),
    ));
    message = message.with(Block::Fields { fields });
    with_current_step(message, incident, now_ms).blocks
}

/// How it had been closed, and the follow-up reminders that reopening withdrew.
fn closed_by_line(closed: &Incident, runbook: &Runbook, now_ms: i64) -> String {
    let mut line = match (&closed.resolution, &closed.cancellation) {
        (Some(resolution), _) => format!(
            "It was resolved {} by {}.",
            date_time(resolution.at_ms),
            resolution.by.name
        ),
        (None, Some(cancellation)) => format!(
            "It was cancelled {} by {}.",
            date_time(cancellation.at_ms),
            cancellation.by.name
        ),
        (None, None) => String::new(),
    };
    let withdrawn = runbook
        .follow_ups
        .iter()
        .filter(|group| follow_up_due(closed, group).is_some_and(|due| due > now_ms))
        .count();
    if withdrawn > 0 {
        line.push_str(&format!(
            " The {} it scheduled {} withdrawn.",
            count(withdrawn, "follow-up reminder"),
            if withdrawn == 1 { "is" } else { "are" }
        ));
    }
    line.trim().to_string()
}

/// The reopening's first line: `Reopened by alice: “errors are back”`.
fn reopened_headline(by: &str, reason: Option<&str>) -> String {
    match reason.map(str::trim).filter(|reason| !reason.is_empty()) {
        Some(reason) => format!("Reopened by {by}: \"{reason}\""),
        None => format!("Reopened by {by} (no reason given)"),
    }
}

/// The incident was closed as not one: why, what it duplicates, and that nothing is measured.
/// `original` is the incident it duplicates, when it is one.
pub fn cancelled(incident: &Incident, original: Option<&Incident>) -> Message {
    let mut message = Message::new(MessageKind::Change, Some(incident.id.number())).with(heading(
        incident,
        &format!("Cancelled · {}", incident.scenario.title),
    ));
    let Some(cancellation) = &incident.cancellation else {
        return message;
    };
    let by = &cancellation.by.name;
    let reason = cancellation
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|reason| !reason.is_empty());
    let first = match (cancellation.duplicate_of, original) {
        (Some(id), Some(original)) => format!(
            "Cancelled by {by} as a duplicate of {id} ({}, {}, opened {} by {}, {}): work on {id}.",
            original.scenario.title,
            original.severity,
            date_time(original.opened_at_ms),
            original.opened_by.name,
            original.status().to_string().to_lowercase(),
        ),
        (Some(id), None) => format!("Cancelled by {by} as a duplicate of {id}: work on {id}."),
        (None, _) => match reason {
            Some(reason) => format!("Cancelled by {by}: \"{reason}\""),
            None => format!("Cancelled by {by}."),
        },
    };
    message = message.with(text(first));
    if let (Some(_), Some(note)) = (cancellation.duplicate_of, reason) {
        message = message.with(text(format!("Note: \"{note}\"")));
    }
    message.with(text(format!(
        "Not resolved: no RTO is measured, no follow-ups are scheduled, and {} is left out of \
         the incident figures. Reopen it within {} if it is real: /incident reopen {} <reason>",
        incident.reference(),
        reopen_window(),
        incident.reference()
    )))
}

/// `/incident open` of a scenario that is open in the channel: nothing opened, which incident is
/// open, and how to open a second one anyway (`open_anyway`, the command with `--new`).
pub fn already_open(existing: &Incident, open_anyway: &str, now_ms: i64) -> Message {
    Message::text(
        MessageKind::Error,
        Some(existing.id.number()),
        format!(
            "{} ({}, {}) is already open here: opened {} by {}, {} so far, now {}. Nothing new \
             was opened and nobody was paged. Work on it: /incident status {} — or open a second \
             incident of this scenario: {open_anyway}",
            existing.reference(),
            existing.scenario.title,
            existing.severity,
            date_time(existing.opened_at_ms),
            existing.opened_by.name,
            minutes(elapsed_secs(existing, now_ms)),
            existing.status().to_string().to_lowercase(),
            existing.reference(),
        ),
    )
}

/// `/incident update` on a resolved incident: a note on its timeline, not a status update.
pub fn note_after_resolve(incident: &Incident, remark: &Remark) -> Message {
    let resolved = incident.closed_at_ms().map_or_else(String::new, |at_ms| {
        format!(", resolved {}", date_time(at_ms))
    });
    Message::new(MessageKind::Note, Some(incident.id.number()))
        .with(heading(
            incident,
            &format!("Note from {}, after resolve", remark.by.name),
        ))
        .with(text(remark.text.trim()))
        .with(text(format!(
            "Added to the timeline of {}{resolved}. It {STAYS_RESOLVED}",
            incident.reference()
        )))
}

/// A change post (the last good data, a role) made after resolve: said so in its heading, and
/// that the incident stays resolved.
pub fn after_resolve(incident: &Incident, mut message: Message) -> Message {
    let amended = heading(
        incident,
        &format!("Amended after resolve · {}", incident.scenario.title),
    );
    match message
        .blocks
        .iter_mut()
        .find(|block| matches!(block, Block::Heading { .. }))
    {
        Some(first) => *first = amended,
        None => message.blocks.insert(0, amended),
    }
    message.with(text(format!("{} {STAYS_RESOLVED}", incident.reference())))
}

/// `/incident resolve <root cause>` on a resolved incident: the new root cause and the old one.
pub fn root_cause_amended(before: &Incident, after: &Incident, by: &str) -> Message {
    let cause = |incident: &Incident| {
        incident
            .resolution
            .as_ref()
            .and_then(|resolution| resolution.root_cause.as_deref())
            .map(str::trim)
            .filter(|cause| !cause.is_empty())
            .map_or_else(
                || "to be determined".to_string(),
                |cause| format!("\"{cause}\""),
            )
    };
    Message::new(MessageKind::Change, Some(after.id.number()))
        .with(heading(after, "Root cause amended"))
        .with(text(format!(
            "Root cause amended by {by}: {}\nWas: {}",
            cause(after),
            cause(before)
        )))
        .with(text(format!("{} {STAYS_RESOLVED}", after.reference())))
}

/// The final post-mortem, posted in the channel as a Markdown file.
pub fn postmortem_final(incident: &Incident, markdown: String) -> Message {
    let by = incident
        .postmortem_final
        .as_ref()
        .map_or_else(String::new, |stamp| format!(" by {}", stamp.by.name));
    Message::text(
        MessageKind::Reply,
        Some(incident.id.number()),
        format!(
            "Post-mortem of {} marked final{by}: {} takes no more amendments. Edit the document \
             itself from here.",
            incident.reference(),
            incident.reference()
        ),
    )
    .with(Block::Document {
        filename: format!("{}-postmortem.md", incident.reference()),
        markdown,
    })
}

/// What the person who marked the post-mortem final sees while the channel gets it.
pub fn postmortem_final_marked(incident: &Incident) -> Message {
    Message::text(
        MessageKind::Reply,
        Some(incident.id.number()),
        format!(
            "The post-mortem of {} is marked final; the final draft is being posted in this \
             channel as a Markdown file.",
            incident.reference()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{DomainError, Event, IncidentId, Person, Recorded, Status};
    use crate::notify::posts::{assigned, last_good_data_recorded, refused, status};
    use crate::notify::test_support::{
        alice, at, bob, carol, db_loss, runbook, Fixture, HOUR, MIN,
    };

    use crate::notify::test_support::snapshot;

    /// 2026-11-26, the morning after INC-3 was resolved.
    const NEXT_DAY: i64 = 24 * HOUR;

    fn then(mut fixture: Fixture, at_ms: i64, by: Person, event: Event) -> Fixture {
        let recorded = Recorded { at_ms, by, event };
        fixture.incident.apply(&recorded);
        fixture.timeline.push(recorded);
        fixture.now = at_ms;
        fixture
    }

    /// INC-3 resolved at 04:10, then cancelled-or-not: a second INC-5 of the same scenario.
    fn duplicate() -> Fixture {
        let mut fixture = db_loss(at(3, 8, 0));
        fixture.incident.id = IncidentId::new(5);
        fixture.incident.opened_by = carol();
        then(
            fixture,
            at(3, 9, 0),
            carol(),
            Event::Cancelled {
                reason: Some("opened from the second alert".into()),
                duplicate_of: Some(IncidentId::new(3)),
            },
        )
    }

    #[test]
    fn reopened_resumes_and_withdraws_the_follow_ups_still_due() {
        let resolved = db_loss(at(4, 10, 0));
        let now = at(9, 0, 0) + NEXT_DAY;
        let fixture = then(
            db_loss(at(4, 10, 0)),
            now,
            bob(),
            Event::Reopened {
                reason: Some("replication lag is back on the new primary".into()),
            },
        );
        let message = reopened(
            &fixture.incident,
            &resolved.incident,
            runbook(),
            ("bob", Some("replication lag is back on the new primary")),
            now,
            now + 4 * MIN,
        );
        assert_eq!(message.kind, MessageKind::Change);
        assert!(
            message
                .plain_text()
                .contains("The 2 follow-up reminders it scheduled are withdrawn."),
            "the 24-hour one was already posted"
        );
        snapshot!("reopened", message);
    }

    #[test]
    fn cancelled_as_a_duplicate_names_the_one_to_work_on() {
        let original = db_loss(at(3, 9, 0)).incident;
        let message = cancelled(&duplicate().incident, Some(&original));
        assert_eq!(message.kind, MessageKind::Change);
        snapshot!("cancelled_duplicate", message);
    }

    #[test]
    fn cancelled_as_a_false_alarm() {
        let fixture = then(
            db_loss(at(3, 8, 0)),
            at(3, 9, 0),
            alice(),
            Event::Cancelled {
                reason: Some("false alarm: the probe pointed at the old cluster".into()),
                duplicate_of: None,
            },
        );
        snapshot!("cancelled_false_alarm", cancelled(&fixture.incident, None));
        let text = status(&fixture.incident, runbook(), fixture.now + HOUR, None).plain_text();
        assert!(
            text.contains(
                "Status: Cancelled 2026-11-25 03:09 UTC by alice: \"false alarm: the probe \
                 pointed at the old cluster\""
            ),
            "{text}"
        );
        assert!(text.contains("Duration: 5m\n"), "{text}");
        assert!(text.contains("RTO/RPO: not measured: cancelled"), "{text}");
    }

    #[test]
    fn status_of_a_cancelled_duplicate() {
        let fixture = duplicate();
        snapshot!(
            "status_cancelled",
            status(&fixture.incident, runbook(), fixture.now + HOUR, None)
        );
    }

    #[test]
    fn opening_a_scenario_already_open_names_it() {
        let open = db_loss(at(3, 27, 0)).incident;
        let message = already_open(
            &open,
            "/incident open critical db-loss --new Replica cluster down too",
            at(3, 27, 0),
        );
        assert_eq!(message.kind, MessageKind::Error);
        snapshot!("already_open", message);
    }

    #[test]
    fn amendments_after_resolve_say_so() {
        let noted = then(
            db_loss(at(4, 10, 0)),
            at(9, 12, 0) + NEXT_DAY,
            bob(),
            Event::NoteAdded {
                text: "The 02:00 dump was corrupt because the backup job ran out of disk".into(),
            },
        );
        let remark = noted.incident.latest_note.clone().expect("the note");
        let message = note_after_resolve(&noted.incident, &remark);
        assert_eq!(message.kind, MessageKind::Note);
        snapshot!("note_after_resolve", message);

        let rpo = then(
            db_loss(at(4, 10, 0)),
            at(9, 20, 0) + NEXT_DAY,
            bob(),
            Event::LastGoodDataRecorded {
                at_ms: at(2, 55, 0),
            },
        );
        snapshot!(
            "rpo_after_resolve",
            after_resolve(
                &rpo.incident,
                last_good_data_recorded(&rpo.incident, "bob", rpo.now)
            )
        );

        let assigned_after = after_resolve(
            &noted.incident,
            assigned(
                &noted.incident,
                "postmortem owner",
                &carol(),
                Some("U03CAROL".into()),
                "alice",
            ),
        );
        assert_eq!(assigned_after.mentions, vec!["U03CAROL"]);
        snapshot!("assigned_after_resolve", assigned_after);

        let before = db_loss(at(4, 10, 0));
        let amended = then(
            db_loss(at(4, 10, 0)),
            at(10, 0, 0) + NEXT_DAY,
            alice(),
            Event::RootCauseAmended {
                root_cause: "Backup job ran out of disk; the 02:00 dump was truncated".into(),
            },
        );
        let message = root_cause_amended(&before.incident, &amended.incident, "alice");
        assert_eq!(message.kind, MessageKind::Change);
        snapshot!("root_cause_amended", message);
    }

    #[test]
    fn the_final_post_mortem() {
        let fixture = then(
            db_loss(at(4, 10, 0)),
            at(11, 0, 0) + NEXT_DAY,
            carol(),
            Event::PostmortemFinalized,
        );
        let message = postmortem_final(&fixture.incident, "# Post-mortem: INC-3".to_string());
        snapshot!("postmortem_final", message);
        assert_eq!(
            postmortem_final_marked(&fixture.incident).plain_text(),
            "The post-mortem of INC-3 is marked final; the final draft is being posted in this \
             channel as a Markdown file."
        );
    }

    #[test]
    fn refusals_of_corrections_say_why_and_what_to_do() {
        let resolved = at(4, 10, 0);
        let refusals = [
            DomainError::Cancelled {
                incident: "INC-5".into(),
                at_ms: at(3, 9, 0),
                duplicate_of: Some(IncidentId::new(3)),
            },
            DomainError::Cancelled {
                incident: "INC-5".into(),
                at_ms: at(3, 9, 0),
                duplicate_of: None,
            },
            DomainError::NotClosed {
                incident: "INC-3".into(),
            },
            DomainError::ReopenTooLate {
                incident: "INC-3".into(),
                closed: Status::Resolved,
                closed_at_ms: resolved,
                now_ms: resolved + 9 * 24 * HOUR,
            },
            DomainError::AmendmentsClosed {
                incident: "INC-3".into(),
                resolved_at_ms: resolved,
                now_ms: resolved + 31 * 24 * HOUR,
            },
            DomainError::PostmortemFinal {
                incident: "INC-3".into(),
                at_ms: at(11, 0, 0) + NEXT_DAY,
                by: "carol".into(),
            },
            DomainError::AlreadyResolved {
                incident: "INC-3".into(),
                at_ms: resolved,
            },
            DomainError::StillOpen {
                incident: "INC-3".into(),
            },
            DomainError::DuplicateOfItself {
                incident: "INC-5".into(),
            },
            DomainError::Resolved {
                incident: "INC-3".into(),
                at_ms: resolved,
            },
        ];
        let texts: Vec<String> = refusals
            .iter()
            .map(|error| {
                let message = refused(error);
                assert_eq!(message.kind, MessageKind::Error);
                message.plain_text()
            })
            .collect();
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("correction_refusals", texts.join("\n\n"));
        });
    }
}
