//! What corrections add to the post-mortem: a cancelled incident said to be one (and left out of
//! the figures), a post-mortem marked final, and the amendments recorded after resolve.

use std::fmt::Write as _;

use super::timeline::told;
use super::{inline, quoted, time_of};
use crate::incident::{Incident, Recorded};
use crate::notify::format::date_time;
use crate::runbook::Runbook;

/// The notes under the title: cancelled, marked final.
pub(super) fn title_notes(incident: &Incident) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(cancellation) = &incident.cancellation {
        let what = match cancellation.duplicate_of {
            Some(original) => format!("a duplicate of {original}"),
            None => "not an incident".to_string(),
        };
        notes.push(format!(
            "CANCELLED: {what}. No RTO or RPO is measured, and it is left out of the incident \
             figures."
        ));
    }
    if let Some(stamp) = &incident.postmortem_final {
        notes.push(format!(
            "Final: marked final by {} on {}; no amendments after that.",
            inline(&stamp.by.name),
            date_time(stamp.at_ms)
        ));
    }
    notes
}

/// `2026-11-25 03:10 UTC by alice — duplicate of INC-3: “opened from the second alert”`.
pub(super) fn cancelled_line(incident: &Incident) -> Option<String> {
    let cancellation = incident.cancellation.as_ref()?;
    let mut line = format!(
        "{} by {}",
        date_time(cancellation.at_ms),
        inline(&cancellation.by.name)
    );
    if let Some(original) = cancellation.duplicate_of {
        line.push_str(&format!(" — duplicate of {original}"));
    }
    if let Some(reason) = cancellation.reason.as_deref().map(inline) {
        if !reason.is_empty() {
            line.push_str(&format!(": {}", quoted(&reason)));
        }
    }
    Some(line)
}

/// The section listing what was recorded after resolve (notes, roles, the last good data, the
/// root cause), when anything was.
pub(super) fn amendments(
    out: &mut String,
    incident: &Incident,
    timeline: &[Recorded],
    runbook: &Runbook,
) {
    let amended: Vec<String> = told(incident, timeline, runbook)
        .into_iter()
        .filter(|told| told.after_resolve)
        .map(|told| {
            format!(
                "- {} — {}",
                time_of(told.at_ms, incident.opened_at_ms),
                told.words
            )
        })
        .collect();
    if amended.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Amended after resolve\n");
    let _ = writeln!(
        out,
        "Recorded after the incident was resolved; the sections above show the amended values.\n"
    );
    for line in amended {
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use crate::incident::{Event, IncidentId, Person, Recorded};
    use crate::notify::test_support::{alice, at, bob, carol, db_loss, runbook, Fixture, HOUR};
    use crate::postmortem::draft;

    const NEXT_DAY: i64 = 24 * HOUR;

    fn then(fixture: &mut Fixture, at_ms: i64, by: Person, event: Event) {
        let recorded = Recorded { at_ms, by, event };
        fixture.incident.apply(&recorded);
        fixture.timeline.push(recorded);
        fixture.now = at_ms;
    }

    #[test]
    fn amended_after_resolve_then_final() {
        let mut fixture = db_loss(at(4, 10, 0));
        let morning = at(9, 0, 0) + NEXT_DAY;
        then(
            &mut fixture,
            morning,
            bob(),
            Event::LastGoodDataRecorded {
                at_ms: at(2, 55, 0),
            },
        );
        then(
            &mut fixture,
            morning + HOUR,
            alice(),
            Event::RootCauseAmended {
                root_cause: "Backup job ran out of disk; the 02:00 dump was truncated".into(),
            },
        );
        then(
            &mut fixture,
            morning + HOUR,
            alice(),
            Event::RoleAssigned {
                role: "postmortem owner".into(),
                person: carol(),
            },
        );
        then(
            &mut fixture,
            morning + 2 * HOUR,
            carol(),
            Event::PostmortemFinalized,
        );
        let markdown = draft(&fixture.incident, &fixture.timeline, runbook(), fixture.now);
        for amended in [
            "| 9m against 5m: missed by 4m |",
            "- **Last good data:** 2026-11-25 02:55 UTC",
            "Backup job ran out of disk; the 02:00 dump was truncated\n",
            "- Postmortem owner: carol",
            "2026-11-26 10:00:00 — alice amended the root cause: “Backup job ran out of disk; \
             the 02:00 dump was truncated” (was “Storage zone failure destroyed the primary \
             volume; the 02:00 dump was corrupt”) (after resolve)",
            "> Final: marked final by carol on 2026-11-26 11:00 UTC",
        ] {
            assert!(markdown.contains(amended), "{amended}\n\n{markdown}");
        }
        insta::assert_snapshot!("postmortem_amended_and_final", markdown);
    }

    #[test]
    fn a_cancelled_duplicate_is_left_out_of_the_figures() {
        let mut fixture = db_loss(at(3, 34, 0));
        fixture.incident.id = IncidentId::new(5);
        then(
            &mut fixture,
            at(3, 40, 0),
            carol(),
            Event::Cancelled {
                reason: None,
                duplicate_of: Some(IncidentId::new(3)),
            },
        );
        let markdown = draft(
            &fixture.incident,
            &fixture.timeline,
            runbook(),
            fixture.now + HOUR,
        );
        for said in [
            "CANCELLED: a duplicate of INC-3. No RTO or RPO is measured",
            "- **Cancelled:** 2026-11-25 03:40 UTC by carol — duplicate of INC-3",
            "- **Status:** Cancelled",
            "- **RTO:** not measured: cancelled",
            "03:40:00 — carol cancelled the incident as a duplicate of INC-3",
        ] {
            assert!(markdown.contains(said), "{said}\n\n{markdown}");
        }
        for figure in ["RTO of 30m was missed", "met:", "missed by"] {
            assert!(!markdown.contains(figure), "{figure}\n\n{markdown}");
        }
        assert!(!markdown.contains("Amended after resolve"));
    }
}
