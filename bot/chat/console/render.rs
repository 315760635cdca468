//! Messages as terminal text, complete: a `Foldable` text shows unfolded.

use std::fmt::Write as _;

use crate::notify::format::bar;
use crate::notify::format::clock_time;
use crate::notify::{Block, Message};

/// One message as the console shows it, headed by who says it and when: the time of day, with
/// the date when it is not the day of `day_of` (when the console started).
///
/// The step buttons as a command line, unless the message's text already says how to go on
/// with the steps (a status's "Confirm it: …", a failed step's ways forward): one hint, not two.
pub fn render(message: &Message, author: &str, at_ms: i64, day_of: i64) -> String {
    let says_how = message
        .blocks
        .iter()
        .any(|block| matches!(block, Block::Text { text } if text.contains("/incident step")));
    let mut out = format!("── {author} · {} ──\n", clock_time(at_ms, day_of));
    for block in &message.blocks {
        match block {
            Block::Heading { text } => {
                let _ = writeln!(out, "{text}");
            }
            Block::Text { text } => {
                let _ = writeln!(out, "{text}");
            }
            Block::Foldable(foldable) => {
                let _ = writeln!(out, "{}", foldable.complete);
            }
            Block::Fields { fields } => {
                let width = fields
                    .iter()
                    .map(|(label, _)| label.chars().count())
                    .max()
                    .unwrap_or(0);
                for (label, value) in fields {
                    let _ = writeln!(out, "  {label:<width$}  {value}");
                }
            }
            Block::Code { code, .. } => {
                for line in code.trim_end().lines() {
                    let _ = writeln!(out, "  │ {line}");
                }
            }
            Block::Progress { done, total, label } => {
                let _ = writeln!(out, "{} {done}/{total}  {label}", bar(*done, *total));
            }
            Block::StepActions { .. } | Block::TrackActions { .. } if says_how => {}
            Block::StepActions { .. } => {
                let _ = writeln!(
                    out,
                    "→ /incident step done [note] · skip <reason> · fail <what happened>"
                );
            }
            Block::TrackActions { tracks, .. } => {
                let numbers: Vec<String> = tracks
                    .iter()
                    .map(|track| (track.step + 1).to_string())
                    .collect();
                let _ = writeln!(
                    out,
                    "→ /incident step {} done [note] · skip <reason> · fail <what happened>",
                    numbers.join("|")
                );
            }
            Block::RestoreActions { .. } => {
                let _ = writeln!(
                    out,
                    "→ /incident restored [service…] · /incident resolve [root cause]"
                );
            }
            Block::FollowUpActions { incident, items } => {
                let _ = writeln!(
                    out,
                    "→ /incident followup INC-{incident} <item> done · open: {}",
                    items.join(", ")
                );
            }
            Block::Document { filename, markdown } => {
                let _ = writeln!(out, "┌── {filename}");
                for line in markdown.trim_end().lines() {
                    let _ = writeln!(out, "│ {line}");
                }
                let _ = writeln!(out, "└──");
            }
        }
    }
    if !message.mentions.is_empty() {
        let _ = writeln!(out, "(pings {})", message.mentions.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::MessageKind;

    #[test]
    fn renders_every_block() {
        let message = Message::new(MessageKind::Checklist, Some(1))
            .with(Block::Heading {
                text: "INC-1 · DB".into(),
            })
            .with(Block::Fields {
                fields: vec![("Severity".into(), "critical".into())],
            })
            .with(Block::Code {
                lang: Some("bash".into()),
                code: "psql -c 'SELECT 1'\n".into(),
            })
            .with(Block::Progress {
                done: 1,
                total: 2,
                label: "Immediate Actions".into(),
            })
            .with(Block::StepActions {
                incident: 1,
                step: 1,
            });
        let text = render(&message, "incident-bot", 0, 0);
        assert_eq!(
            text,
            "── incident-bot · 00:00:00 UTC ──\nINC-1 · DB\n  Severity  critical\n  │ psql -c 'SELECT 1'\n\
             ▰▱ 1/2  Immediate Actions\n→ /incident step done [note] · skip <reason> · fail <what happened>\n"
        );
    }

    #[test]
    fn a_header_after_midnight_gives_its_date() {
        let message = Message::new(MessageKind::Note, Some(1)).with(Block::Text {
            text: "Still on it".into(),
        });
        let started = 23 * 3_600_000 + 50 * 60_000; // Thu 1 Jan 1970 23:50
        assert_eq!(
            render(&message, "alice", started + 60_000, started),
            "── alice · 23:51:00 UTC ──\nStill on it\n"
        );
        assert_eq!(
            render(&message, "alice", started + 23 * 60_000, started),
            "── alice · Fri 2 Jan 00:13:00 UTC ──\nStill on it\n"
        );
    }

    #[test]
    fn a_status_says_how_to_confirm_once() {
        let fixture =
            crate::notify::test_support::db_loss(crate::notify::test_support::at(3, 27, 0));
        let status = crate::notify::status(
            &fixture.incident,
            crate::notify::test_support::runbook(),
            fixture.now,
            None,
        );
        let text = render(&status, "incident-bot", fixture.now, fixture.now);
        assert_eq!(text.matches("/incident step done").count(), 1, "{text}");
        assert!(
            text.contains("Confirm it: /incident step done [note]"),
            "{text}"
        );
        let failed =
            crate::notify::test_support::db_loss(crate::notify::test_support::at(3, 32, 0));
        let update = crate::notify::update(
            &failed.incident,
            crate::notify::test_support::runbook(),
            15 * 60,
            failed.now,
            None,
        );
        let text = render(&update, "incident-bot", failed.now, failed.now);
        assert!(!text.contains("/incident step done"), "{text}");
        assert!(text.contains("/incident step retry [note]"), "{text}");
    }

    #[test]
    fn tracks_are_confirmed_by_number() {
        let track = |step: usize| crate::notify::TrackButton {
            step,
            title: format!("Track {step}"),
        };
        let message = Message::new(MessageKind::Checklist, Some(5)).with(Block::TrackActions {
            incident: 5,
            tracks: vec![track(1), track(2), track(4)],
        });
        assert_eq!(
            render(&message, "incident-bot", 0, 0),
            "── incident-bot · 00:00:00 UTC ──\n\
             → /incident step 2|3|5 done [note] · skip <reason> · fail <what happened>\n"
        );
    }

    #[test]
    fn renders_follow_up_actions_as_the_command() {
        let message = Message::new(MessageKind::FollowUp, Some(3)).with(Block::FollowUpActions {
            incident: 3,
            items: vec!["1.1".into(), "1.3".into()],
        });
        assert_eq!(
            render(&message, "incident-bot", 0, 0),
            "── incident-bot · 00:00:00 UTC ──\n→ /incident followup INC-3 <item> done · open: 1.1, 1.3\n"
        );
    }
}
