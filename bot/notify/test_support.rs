//! Fixtures for the message and post-mortem tests: the shared runbook, and two incidents run from
//! it at fixed times, so every snapshot is deterministic.
//!
//! INC-3 is a real "Complete Database Loss" opened 2026-11-25 03:04:00 UTC: a failed restore,
//! a nudge, the RTO missed, resolved at 04:10. INC-4 is a "Data Corruption" drill at 14:00 with
//! a choice step. INC-5 is a "Complete Infrastructure Loss" at 05:00 whose four tracks run in
//! parallel: `infra_loss` restores its services one by one, `infra_loss_tracks` fails a track.
//! Each builder takes a cutoff: the incident as it stood then.

use std::sync::LazyLock;

use commands::Severity;

use super::{Block, Foldable, Message, MessageKind};
use crate::engine::EngineConfig;
use crate::incident::{plan, ChannelKey, Event, Incident, IncidentId, Outcome, Person, Recorded};
use crate::runbook::{self, Runbook, Scenario};

pub const SEC: i64 = 1_000;
pub const MIN: i64 = 60 * SEC;
pub const HOUR: i64 = 60 * MIN;

static RUNBOOK: LazyLock<Runbook> = LazyLock::new(|| {
    runbook::parse(include_str!(
        "../../tests/fixtures/runbooks/shared-disaster-recovery-runbook.md"
    ))
});

pub fn runbook() -> &'static Runbook {
    &RUNBOOK
}

pub fn scenario(number: u32) -> &'static Scenario {
    runbook()
        .scenarios
        .iter()
        .find(|scenario| scenario.number == number)
        .expect("the shared runbook has this scenario")
}

/// 2026-11-25 plus a time of day, in milliseconds.
pub fn at(hour: u32, minute: u32, second: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
        .and_then(|day| day.and_hms_opt(hour, minute, second))
        .expect("valid time")
        .and_utc()
        .timestamp_millis()
}

fn person(id: &str, name: &str) -> Person {
    Person {
        id: id.to_string(),
        name: name.to_string(),
    }
}

pub fn alice() -> Person {
    person("U01ALICE", "alice")
}

pub fn bob() -> Person {
    person("U02BOB", "bob")
}

pub fn carol() -> Person {
    person("U03CAROL", "carol")
}

pub fn bot() -> Person {
    person("incident-bot", "incident-bot")
}

/// An incident folded from its timeline up to `now`.
pub struct Fixture {
    pub incident: Incident,
    pub timeline: Vec<Recorded>,
    pub now: i64,
}

fn opening(number: u32, severity: Severity, drill: bool, description: Option<&str>) -> Event {
    let request = plan::Request {
        channel: ChannelKey {
            platform: crate::platform::Platform::Slack,
            workspace: "T0ACME".to_string(),
            channel: "C0INCIDENTS".to_string(),
        },
        severity,
        description: description.map(str::to_string),
        services: &[],
        drill,
    };
    Event::Opened(Box::new(
        plan::opening(runbook(), scenario(number), request).opening,
    ))
}

fn fold(id: IncidentId, events: Vec<(i64, Person, Event)>, cutoff: i64) -> Fixture {
    let timeline: Vec<Recorded> = events
        .into_iter()
        .filter(|(at_ms, _, _)| *at_ms <= cutoff)
        .map(|(at_ms, by, event)| Recorded { at_ms, by, event })
        .collect();
    let first = &timeline[0];
    let Event::Opened(opening) = &first.event else {
        panic!("a fixture starts with Opened");
    };
    let mut incident = Incident::opened(id, opening, first.at_ms, &first.by);
    for recorded in &timeline[1..] {
        incident.apply(recorded);
    }
    Fixture {
        incident,
        timeline,
        now: cutoff,
    }
}

/// Whom the bot pages when `incident` opens, as the engine decides it from the shared runbook
/// with the default paging: the platform ids of the roles given in `role_mentions` (written as
/// `ROLE_MENTIONS` is, `Role=id; …`), and the names of every role paged.
pub fn paging(incident: &Incident, role_mentions: &str) -> (Vec<String>, Vec<String>) {
    let config = EngineConfig::from_lookup(runbook(), |name| {
        (name == "ROLE_MENTIONS").then(|| role_mentions.to_string())
    })
    .expect("valid ROLE_MENTIONS");
    let paged = config.paging(incident.severity);
    let mentions = paged.iter().filter_map(|(_, id)| id.clone()).collect();
    let names = paged.into_iter().map(|(role, _)| role).collect();
    (mentions, names)
}

fn done(step: usize, note: Option<&str>) -> Event {
    Event::StepConfirmed {
        step,
        outcome: Outcome::Done,
        note: note.map(str::to_string),
    }
}

fn skipped(step: usize, reason: &str) -> Event {
    Event::StepConfirmed {
        step,
        outcome: Outcome::Skipped,
        note: Some(reason.to_string()),
    }
}

/// INC-3, Complete Database Loss, as it stood at `cutoff`: resolved at 04:10 without anyone
/// marking the database restored.
pub fn db_loss(cutoff: i64) -> Fixture {
    fold(IncidentId::new(3), db_loss_events(), cutoff)
}

/// INC-3 with the database marked restored by alice at 04:05:45, just after "Resume operations".
pub fn db_loss_restored(cutoff: i64) -> Fixture {
    let mut events = db_loss_events();
    let at_ms = at(4, 5, 45);
    let after = events
        .iter()
        .position(|(event_at, _, _)| *event_at > at_ms)
        .unwrap_or(events.len());
    events.insert(
        after,
        (
            at_ms,
            alice(),
            Event::ServicesRestored {
                services: vec!["Database".to_string()],
            },
        ),
    );
    fold(IncidentId::new(3), events, cutoff)
}

/// INC-3 with step 2 (Activate incident response) skipped by alice at 03:10:42 instead of done.
pub fn db_loss_with_a_skip(cutoff: i64) -> Fixture {
    let mut events = db_loss_events();
    events[2].2 = skipped(1, "the on-call lead had already paged everyone");
    fold(IncidentId::new(3), events, cutoff)
}

fn db_loss_events() -> Vec<(i64, Person, Event)> {
    vec![
        (
            at(3, 4, 0),
            alice(),
            opening(1, Severity::Critical, false, None),
        ),
        (at(3, 9, 12), bob(), done(0, None)),
        (at(3, 10, 42), alice(), done(1, None)),
        (
            at(3, 11, 0),
            alice(),
            Event::RoleAssigned {
                role: "scribe".to_string(),
                person: carol(),
            },
        ),
        (
            at(3, 13, 30),
            bob(),
            done(2, Some("latest dump is db-20261125-0200.dump.gz")),
        ),
        (
            at(3, 15, 0),
            bob(),
            Event::NoteAdded {
                text: "Provisioning the new instance from Terraform; restore starts right after"
                    .to_string(),
            },
        ),
        (at(3, 19, 0), bot(), Event::UpdatePosted { number: 1 }),
        (at(3, 19, 0), bot(), Event::RtoWarned { percent: 50 }),
        (at(3, 24, 30), carol(), done(3, None)),
        (at(3, 28, 0), bot(), Event::RtoWarned { percent: 80 }),
        (
            at(3, 31, 0),
            bob(),
            Event::StepFailed {
                step: 4,
                note: "restore.sh exits 1: checksum mismatch on the 02:00 dump".to_string(),
            },
        ),
        (
            at(3, 33, 0),
            bob(),
            Event::StepRetried {
                step: 4,
                note: Some("using the 01:00 dump and WAL replay".to_string()),
            },
        ),
        (at(3, 34, 0), bot(), Event::UpdatePosted { number: 2 }),
        (at(3, 34, 0), bot(), Event::RtoWarned { percent: 100 }),
        (at(3, 49, 0), bot(), Event::UpdatePosted { number: 3 }),
        (at(3, 54, 30), bot(), Event::StepNudged { step: 4 }),
        (
            at(3, 56, 0),
            bob(),
            done(
                4,
                Some("restored db-20261125-0100.dump.gz, WAL replayed to 02:58"),
            ),
        ),
        (
            at(3, 57, 0),
            bob(),
            Event::LastGoodDataRecorded {
                at_ms: at(2, 58, 0),
            },
        ),
        (at(4, 2, 0), carol(), done(5, None)),
        (at(4, 4, 0), bot(), Event::UpdatePosted { number: 4 }),
        (at(4, 5, 30), alice(), done(6, None)),
        (at(4, 7, 0), carol(), done(7, None)),
        (
            at(4, 8, 0),
            alice(),
            skipped(8, "covered by the 1-week follow-up"),
        ),
        (at(4, 8, 30), alice(), done(9, None)),
        (
            at(4, 9, 0),
            alice(),
            skipped(10, "decide in the post-mortem"),
        ),
        (
            at(4, 10, 0),
            alice(),
            Event::Resolved {
                root_cause: Some(
                    "Storage zone failure destroyed the primary volume; the 02:00 dump was corrupt"
                        .to_string(),
                ),
            },
        ),
        (
            at(4, 10, 0),
            alice(),
            Event::FollowUpsScheduled {
                lists: crate::incident::follow_ups::schedule(&runbook().follow_ups, at(4, 10, 0)),
            },
        ),
        (
            at(9, 12, 0),
            bob(),
            Event::FollowUpTicked {
                list: 0,
                item: 1,
                done: true,
            },
        ),
    ]
}

/// INC-3 at 03:27, recovering: step 5 of 11 running, one update posted.
pub fn db_loss_recovering() -> Fixture {
    db_loss(at(3, 27, 0))
}

/// INC-3 resolved at 04:10.
pub fn db_loss_resolved() -> Fixture {
    db_loss(at(4, 10, 0))
}

/// INC-4, a Data Corruption drill (no RTO target: its services are not in the table).
pub fn corruption_drill(cutoff: i64) -> Fixture {
    let events = vec![
        (
            at(14, 0, 0),
            carol(),
            opening(3, Severity::High, true, Some("DR drill: Data Corruption")),
        ),
        (at(14, 4, 10), carol(), done(0, None)),
        (
            at(14, 11, 0),
            bob(),
            done(1, Some("corruption limited to the invoices table")),
        ),
        (
            at(14, 12, 0),
            bob(),
            Event::OptionChosen {
                step: 2,
                key: "A".to_string(),
            },
        ),
        (at(14, 15, 0), bot(), Event::UpdatePosted { number: 1 }),
    ];
    fold(IncidentId::new(4), events, cutoff)
}

fn restored(services: &[&str]) -> Event {
    Event::ServicesRestored {
        services: services.iter().map(|s| s.to_string()).collect(),
    }
}

/// INC-5, Complete Infrastructure Loss from 05:00: every service of the table affected, each
/// restored at its own time (Database at T+19m, Production Sites and API Gateway at T+55m,
/// Analytics at T+1h 12m, Development never), resolved at 06:30.
pub fn infra_loss(cutoff: i64) -> Fixture {
    let events = vec![
        (
            at(5, 0, 0),
            alice(),
            opening(5, Severity::Critical, false, None),
        ),
        (at(5, 3, 0), alice(), done(0, None)),
        (at(5, 15, 0), bot(), Event::UpdatePosted { number: 1 }),
        (at(5, 15, 0), bot(), Event::RtoWarned { percent: 50 }),
        (
            at(5, 18, 0),
            bob(),
            done(1, Some("restored from the 04:50 snapshot")),
        ),
        (at(5, 19, 0), bob(), restored(&["Database"])),
        (at(5, 30, 0), bot(), Event::UpdatePosted { number: 2 }),
        (at(5, 30, 0), bot(), Event::RtoWarned { percent: 50 }),
        (at(5, 40, 0), carol(), done(2, None)),
        (at(5, 45, 0), bot(), Event::UpdatePosted { number: 3 }),
        (at(5, 48, 0), bot(), Event::RtoWarned { percent: 80 }),
        (at(5, 52, 0), carol(), done(3, None)),
        (
            at(5, 55, 0),
            carol(),
            restored(&["Production Sites", "API Gateway"]),
        ),
        (at(6, 0, 0), bot(), Event::UpdatePosted { number: 4 }),
        (at(6, 10, 0), bob(), done(4, None)),
        (at(6, 12, 0), alice(), restored(&["Analytics"])),
        (
            at(6, 20, 0),
            bob(),
            Event::LastGoodDataRecorded {
                at_ms: at(4, 50, 0),
            },
        ),
        (
            at(6, 30, 0),
            alice(),
            Event::Resolved {
                root_cause: Some("Power failure across the primary region".to_string()),
            },
        ),
        (
            at(6, 30, 0),
            alice(),
            Event::FollowUpsScheduled {
                lists: crate::incident::follow_ups::schedule(&runbook().follow_ups, at(6, 30, 0)),
            },
        ),
    ];
    fold(IncidentId::new(5), events, cutoff)
}

/// INC-5, an Application Server Failure (no RTO target) opened by alice at 03:04, left alone.
pub fn app_server(cutoff: i64) -> Fixture {
    let events = vec![(
        at(3, 4, 0),
        alice(),
        opening(2, Severity::High, false, Some("Web tier down")),
    )];
    fold(IncidentId::new(5), events, cutoff)
}

/// INC-6, a Complete Database Loss drill run by carol and bob from 14:00: step 3 over its
/// budget, the checklist finished and the Database restored at 14:41 (over its 30-minute RTO).
pub fn db_loss_drill(cutoff: i64) -> Fixture {
    let events = vec![
        (
            at(14, 0, 0),
            carol(),
            opening(
                1,
                Severity::Critical,
                true,
                Some("DR drill: Complete Database Loss"),
            ),
        ),
        (at(14, 3, 0), carol(), done(0, None)),
        (at(14, 5, 0), bob(), done(1, None)),
        (at(14, 13, 0), bob(), done(2, None)),
        (at(14, 25, 0), bob(), done(3, None)),
        (at(14, 33, 0), bob(), done(4, None)),
        (at(14, 38, 0), bob(), done(5, None)),
        (at(14, 39, 0), carol(), done(6, None)),
        (at(14, 40, 0), carol(), done(7, None)),
        (at(14, 40, 30), carol(), skipped(8, "reviewed last month")),
        (at(14, 41, 0), carol(), done(9, None)),
        (at(14, 41, 0), carol(), done(10, None)),
        (at(14, 41, 0), carol(), restored(&["Database"])),
    ];
    fold(IncidentId::new(6), events, cutoff)
}

/// INC-5, Complete Infrastructure Loss, opened at 05:00: step 1 done at 05:03, when its four
/// tracks start; DNS done at 05:09, Verification failed at 05:10, retried at 05:20 and done at
/// 05:25, Database recovery at 05:18 and Application deployment at 05:31; resolved at 05:40.
pub fn infra_loss_tracks(cutoff: i64) -> Fixture {
    let events = vec![
        (
            at(5, 0, 0),
            alice(),
            opening(5, Severity::Critical, false, None),
        ),
        (
            at(5, 3, 0),
            alice(),
            done(0, Some("DR plan activated, bridge open")),
        ),
        (at(5, 9, 0), bob(), done(3, None)),
        (
            at(5, 10, 0),
            carol(),
            Event::StepFailed {
                step: 4,
                note: "smoke tests red: checkout returns 502".to_string(),
            },
        ),
        (at(5, 15, 0), bot(), Event::UpdatePosted { number: 1 }),
        (at(5, 18, 0), bob(), done(1, None)),
        (
            at(5, 20, 0),
            carol(),
            Event::StepRetried {
                step: 4,
                note: None,
            },
        ),
        (at(5, 25, 0), carol(), done(4, None)),
        (at(5, 31, 0), bob(), done(2, Some("deployed from main"))),
        (
            at(5, 40, 0),
            alice(),
            Event::Resolved {
                root_cause: Some("Provider region lost power".to_string()),
            },
        ),
    ];
    fold(IncidentId::new(5), events, cutoff)
}

/// Every block of a message, one per line, for snapshots: what `plain_text` shows plus the
/// kind, code languages, buttons and mentions.
pub fn render(message: &Message) -> String {
    let mut out = format!(
        "kind: {:?} · incident: {}",
        message.kind,
        message
            .incident
            .map_or("-".to_string(), |id| id.to_string())
    );
    if !message.mentions.is_empty() {
        out.push_str(&format!(" · mentions: {}", message.mentions.join(", ")));
    }
    out.push('\n');
    for block in &message.blocks {
        match block {
            Block::Heading { text } => out.push_str(&format!("# {text}\n")),
            Block::Text { text } => out.push_str(&format!("{text}\n")),
            Block::Foldable(foldable) => out.push_str(&format!(
                "[complete]\n{}\n[compact, in chat]\n{}\n",
                foldable.complete, foldable.compact
            )),
            Block::Fields { fields } => {
                for (label, value) in fields {
                    out.push_str(&format!("  {label}: {value}\n"));
                }
            }
            Block::Code { lang, code } => out.push_str(&format!(
                "```{}\n{}\n```\n",
                lang.as_deref().unwrap_or(""),
                code.trim_end()
            )),
            Block::Progress { done, total, label } => {
                out.push_str(&format!("[progress {done}/{total} · {label}]\n"))
            }
            Block::StepActions { incident, step } => out.push_str(&format!(
                "[buttons: done · skip · fail for INC-{incident} step {}]\n",
                step + 1
            )),
            Block::Document { filename, markdown } => {
                out.push_str(&format!("[document {filename}]\n{markdown}\n"))
            }
            Block::RestoreActions { incident } => out.push_str(&format!(
                "[buttons: restored · resolve for INC-{incident}]\n"
            )),
            Block::TrackActions { incident, tracks } => {
                for track in tracks {
                    out.push_str(&format!(
                        "[buttons: done · skip · fail for INC-{incident} step {} ({})]\n",
                        track.step + 1,
                        track.title
                    ));
                }
            }
            Block::FollowUpActions { incident, items } => out.push_str(&format!(
                "[buttons: done {} for INC-{incident}]\n",
                items.join(" · ")
            )),
        }
    }
    out
}

/// A note of INC-1 with one block of every kind that shows text, each holding `text`: what a
/// renderer must make safe everywhere.
pub fn every_text_block(text: &str) -> Message {
    Message::new(MessageKind::Note, Some(1))
        .with(Block::Heading {
            text: text.to_string(),
        })
        .with(Block::Text {
            text: text.to_string(),
        })
        .with(Block::Foldable(Foldable {
            complete: text.to_string(),
            compact: text.to_string(),
        }))
        .with(Block::Fields {
            fields: vec![(text.to_string(), text.to_string())],
        })
        .with(Block::Progress {
            done: 1,
            total: 3,
            label: text.to_string(),
        })
        .with(Block::Document {
            filename: text.to_string(),
            markdown: text.to_string(),
        })
}

/// Asserts a message as [`render`] shows it against the snapshot `name`, kept in
/// `bot/notify/snapshots/` (the path is from the module in `posts/` that asserts).
macro_rules! snapshot {
    ($name:expr, $message:expr) => {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $crate::notify::test_support::render(&$message));
        })
    };
}
pub(crate) use snapshot;
