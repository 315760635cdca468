//! The post-mortem draft: Markdown built from an incident, its timeline and the runbook. A
//! starting point for the people who write the real one — every fact the bot recorded, in
//! words, with prompts where only people can fill in.
//!
//! Pure and total: any incident and any timeline give a document, and user text is kept from
//! breaking the Markdown (pipes escaped in tables, line breaks folded).

mod corrections;
mod follow_ups;
mod objectives;
mod table;
mod timeline;

use std::fmt::Write as _;

use commands::duration::format_duration;

use crate::incident::{Event, Incident, Outcome, Recorded, StepState};
use crate::notify::follow_up_due;
use crate::notify::format::{budget_text, capitalized, date_time, elapsed_secs, minutes};
use crate::runbook::Runbook;

/// The draft for an incident, open or resolved, as Markdown.
pub fn draft(incident: &Incident, timeline: &[Recorded], runbook: &Runbook, now_ms: i64) -> String {
    let mut out = String::new();
    title(&mut out, incident, now_ms);
    summary(&mut out, incident, timeline, now_ms);
    impact(&mut out, incident, runbook);
    roles(&mut out, incident);
    timeline::timeline_section(&mut out, incident, timeline, runbook);
    table::checklist(&mut out, incident, timeline, now_ms);
    objectives::objectives(&mut out, incident, now_ms);
    root_cause(&mut out, incident);
    corrections::amendments(&mut out, incident, timeline, runbook);
    reflections(&mut out, incident, timeline);
    action_items(&mut out, incident, runbook);
    let mut markdown = out.trim_end().to_string();
    markdown.push('\n');
    markdown
}

/// One line of user text: line breaks and runs of spaces folded into one space.
fn inline(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// User text for a table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    inline(text).replace('|', "\\|")
}

/// `“text”`, on one line.
fn quoted(text: &str) -> String {
    format!("“{}”", inline(text))
}

/// `03:04:00`, with the date in front when it is not the opening day.
fn time_of(at_ms: i64, opened_ms: i64) -> String {
    let at = chrono::DateTime::from_timestamp_millis(at_ms);
    let opened = chrono::DateTime::from_timestamp_millis(opened_ms);
    match (at, opened) {
        (Some(at), Some(opened)) if at.date_naive() == opened.date_naive() => {
            at.format("%H:%M:%S").to_string()
        }
        (Some(at), _) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
        (None, _) => "??:??:??".to_string(),
    }
}

fn title(out: &mut String, incident: &Incident, now_ms: i64) {
    let drill = if incident.drill { " (DRILL)" } else { "" };
    let _ = writeln!(
        out,
        "# Post-mortem: {} — {}{drill}\n",
        incident.reference(),
        inline(&incident.scenario.title)
    );
    let mut notes = Vec::new();
    if incident.is_open() {
        notes.push(format!(
            "(draft in progress — incident still open as of {})",
            date_time(now_ms)
        ));
    }
    if incident.drill {
        notes.push("DRILL: a disaster-recovery drill, not a real incident.".to_string());
    }
    notes.extend(corrections::title_notes(incident));
    if !notes.is_empty() {
        let _ = writeln!(out, "> {}\n", notes.join("\n>\n> "));
    }
}

fn summary(out: &mut String, incident: &Incident, timeline: &[Recorded], now_ms: i64) {
    let opened_as = timeline.iter().find_map(|recorded| match &recorded.event {
        Event::Opened(opening) => Some(opening.severity),
        _ => None,
    });
    let severity = match opened_as {
        Some(first) if first != incident.severity => {
            format!("{} (opened as {first})", incident.severity)
        }
        _ => incident.severity.to_string(),
    };
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(out, "- **Severity:** {severity}");
    let _ = writeln!(
        out,
        "- **Scenario:** {} (scenario {} of the runbook)",
        inline(&incident.scenario.title),
        incident.scenario.number
    );
    if let Some(description) = incident.description.as_deref().map(inline) {
        if !description.is_empty() {
            let _ = writeln!(out, "- **Description:** {description}");
        }
    }
    let _ = writeln!(
        out,
        "- **Drill:** {}",
        if incident.drill { "yes" } else { "no" }
    );
    let _ = writeln!(
        out,
        "- **Opened:** {} by {}",
        date_time(incident.opened_at_ms),
        inline(&incident.opened_by.name)
    );
    let duration = minutes(elapsed_secs(incident, now_ms));
    match &incident.resolution {
        Some(resolution) => {
            let _ = writeln!(
                out,
                "- **Resolved:** {} by {}",
                date_time(resolution.at_ms),
                inline(&resolution.by.name)
            );
            let _ = writeln!(out, "- **Duration:** {duration}");
        }
        None => match corrections::cancelled_line(incident) {
            Some(cancelled) => {
                let _ = writeln!(out, "- **Cancelled:** {cancelled}");
                let _ = writeln!(out, "- **Duration:** {duration}");
            }
            None => {
                let _ = writeln!(out, "- **Resolved:** not yet");
                let _ = writeln!(out, "- **Duration:** {duration} so far");
            }
        },
    }
    let _ = writeln!(out, "- **Status:** {}\n", incident.status());
}

fn impact(out: &mut String, incident: &Incident, runbook: &Runbook) {
    let _ = writeln!(out, "## Impact\n");
    if incident.services.is_empty() {
        let _ = writeln!(out, "- Affected services: none named.");
    }
    for service in &incident.services {
        let targets = runbook.objective(service).map(|objective| {
            let part = |name: &str, secs: Option<u64>| {
                secs.map(|secs| format!("{name} {}", minutes(secs)))
            };
            let parts: Vec<String> = [
                part("RTO", objective.rto_secs),
                part("RPO", objective.rpo_secs),
                objective
                    .priority
                    .as_deref()
                    .map(|p| format!("priority {}", inline(p))),
            ]
            .into_iter()
            .flatten()
            .collect();
            parts.join(", ")
        });
        match targets.filter(|targets| !targets.is_empty()) {
            Some(targets) => {
                let _ = writeln!(out, "- {} ({targets})", inline(service));
            }
            None => {
                let _ = writeln!(out, "- {} (not in the RTO/RPO table)", inline(service));
            }
        }
    }
    let _ = writeln!(
        out,
        "\n_Describe who and what was affected, and for how long._\n"
    );
}

fn roles(out: &mut String, incident: &Incident) {
    let _ = writeln!(out, "## Roles\n");
    let mut roles: Vec<_> = incident.roles.iter().collect();
    roles.sort_by_key(|(role, _)| *role != "commander");
    if roles.is_empty() {
        let _ = writeln!(out, "- None assigned.");
    }
    for (role, person) in roles {
        let _ = writeln!(
            out,
            "- {}: {}",
            capitalized(&inline(role)),
            inline(&person.name)
        );
    }
    out.push('\n');
}

fn root_cause(out: &mut String, incident: &Incident) {
    let _ = writeln!(out, "## Root cause\n");
    let cause = incident
        .resolution
        .as_ref()
        .and_then(|resolution| resolution.root_cause.as_deref())
        .map(inline)
        .filter(|cause| !cause.is_empty());
    let _ = writeln!(
        out,
        "{}\n",
        cause.unwrap_or_else(|| "_To be determined._".to_string())
    );
}

/// What went well and wrong: prompts, with the facts the bot saw to start from.
fn reflections(out: &mut String, incident: &Incident, timeline: &[Recorded]) {
    let timed: Vec<(usize, &StepState, u64, u64)> = incident
        .steps
        .iter()
        .enumerate()
        .filter(|(_, state)| {
            state
                .confirmation
                .as_ref()
                .is_some_and(|c| c.outcome == Outcome::Done)
        })
        .filter_map(|(index, state)| {
            Some((index, state, state.actual_secs()?, state.budget?.max_secs))
        })
        .collect();
    let within = timed
        .iter()
        .filter(|(_, _, actual, max)| actual <= max)
        .count();
    let _ = writeln!(out, "## What went well\n");
    if !timed.is_empty() {
        let _ = writeln!(
            out,
            "- {within} of {} timed steps finished within their budget.\n",
            timed.len()
        );
    }
    let _ = writeln!(out, "_To fill in._\n");
    let _ = writeln!(out, "## What went wrong\n");
    let mut facts = Vec::new();
    for recorded in timeline {
        if let Event::StepFailed { step, note } = &recorded.event {
            facts.push(format!(
                "{} failed: {}.",
                capitalized(&timeline::step_ref(incident, *step)),
                quoted(note)
            ));
        }
    }
    for (index, state, actual, _) in &timed {
        if let Some(budget) = state.budget.filter(|budget| *actual > budget.max_secs) {
            facts.push(format!(
                "{} took {} against a budget of {}.",
                capitalized(&timeline::step_ref(incident, *index)),
                format_duration(*actual),
                budget_text(&budget)
            ));
        }
    }
    if !incident.is_cancelled() {
        facts.extend(objectives::missed(incident));
    }
    for fact in &facts {
        let _ = writeln!(out, "- {fact}");
    }
    if !facts.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "_To fill in._\n");
}

fn action_items(out: &mut String, incident: &Incident, runbook: &Runbook) {
    let _ = writeln!(out, "## Action items\n");
    if !incident.follow_ups.is_empty() {
        follow_ups::lists(out, incident);
        return;
    }
    if incident.drill {
        let _ = writeln!(
            out,
            "_A drill schedules none of the runbook's follow-ups: add what this one taught._\n"
        );
        let _ = writeln!(out, "- [ ] _Add action items._");
        return;
    }
    if runbook.follow_ups.is_empty() {
        let _ = writeln!(out, "- [ ] _Add action items._");
        return;
    }
    for group in &runbook.follow_ups {
        let deadline = inline(&group.deadline);
        match follow_up_due(incident, group) {
            Some(due) => {
                let _ = writeln!(out, "### {deadline} — due {}\n", date_time(due));
            }
            None if group.due_after_secs.is_some() => {
                let _ = writeln!(out, "### {deadline} (counted from resolution)\n");
            }
            None => {
                let _ = writeln!(out, "### {deadline}\n");
            }
        }
        if group.items.is_empty() {
            let _ = writeln!(out, "- [ ] _Add action items._");
        }
        for item in &group.items {
            let _ = writeln!(out, "- [ ] {}", inline(item));
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::test_support::{
        at, carol, corruption_drill, db_loss, infra_loss, runbook, MIN,
    };

    #[test]
    fn resolved_incident() {
        let fixture = db_loss(at(4, 10, 0));
        let markdown = draft(
            &fixture.incident,
            &fixture.timeline,
            runbook(),
            fixture.now + 2 * 60 * MIN,
        );
        insta::assert_snapshot!("postmortem_resolved", markdown);
    }

    #[test]
    fn per_service_restoration() {
        let fixture = infra_loss(at(6, 30, 0));
        let markdown = draft(
            &fixture.incident,
            &fixture.timeline,
            runbook(),
            fixture.now + 60 * MIN,
        );
        insta::assert_snapshot!("postmortem_per_service", markdown);
    }

    #[test]
    fn open_drill() {
        let fixture = corruption_drill(at(14, 16, 0));
        let markdown = draft(&fixture.incident, &fixture.timeline, runbook(), fixture.now);
        insta::assert_snapshot!("postmortem_open_drill", markdown);
    }

    #[test]
    fn the_alerts_an_incident_was_told_of_are_on_its_timeline() {
        let mut fixture = db_loss(at(4, 10, 0));
        let alert = crate::incident::AlertNote {
            source: crate::alerts::AlertSource::Alertmanager,
            fingerprint: "5c1f0e2a9b7d3e41".into(),
            name: "DatabaseConnectionFailures".into(),
            summary: Some("Database connection errors across all services".into()),
            link: None,
        };
        let opened_at = fixture.incident.opened_at_ms;
        for (minutes, event) in [
            (
                1,
                Event::AlertFired {
                    alert: alert.clone(),
                },
            ),
            (29, Event::AlertResolved { alert }),
        ] {
            fixture.timeline.push(Recorded {
                at_ms: opened_at + minutes * MIN,
                by: crate::incident::Person::bot(),
                event,
            });
        }
        fixture.timeline.sort_by_key(|recorded| recorded.at_ms);
        let markdown = draft(&fixture.incident, &fixture.timeline, runbook(), fixture.now);
        for told in ["fired", "resolved"] {
            let line = format!(
                "alert “DatabaseConnectionFailures” (“Database connection errors across all \
                 services”) {told} (Alertmanager)"
            );
            assert!(markdown.contains(&line), "{line}\n{markdown}");
        }
    }

    #[test]
    fn user_text_cannot_break_the_table() {
        let mut fixture = db_loss(at(3, 27, 0));
        fixture.incident.steps[0].title = "Confirm | the\nissue".to_string();
        if let Some(confirmation) = fixture.incident.steps[1].confirmation.as_mut() {
            confirmation.by.name = "mallory | x".to_string();
            confirmation.note = Some("line one\nline two | three".to_string());
        }
        fixture.incident.objectives[0].service = "Data | base".to_string();
        let markdown = draft(&fixture.incident, &fixture.timeline, runbook(), fixture.now);
        // Each table's rows, by the section they are in: (section, rows).
        let mut tables: Vec<(&str, Vec<&str>)> = Vec::new();
        for line in markdown.lines() {
            if let Some(section) = line.strip_prefix("## ") {
                tables.push((section, Vec::new()));
            } else if let (true, Some((_, rows))) = (line.starts_with("| "), tables.last_mut()) {
                rows.push(line);
            }
        }
        for (section, rows, pipes) in [("Checklist", 12, 8), ("Recovery objectives", 2, 6)] {
            let table = tables
                .iter()
                .find(|(name, _)| *name == section)
                .map(|(_, rows)| rows)
                .expect("the section");
            assert_eq!(table.len(), rows, "{markdown}");
            for row in table {
                let unescaped = row.replace("\\|", "");
                assert_eq!(unescaped.matches('|').count(), pipes, "{row}");
            }
        }
        assert!(markdown.contains("| Data \\| base |"), "{markdown}");
        assert!(markdown.contains("Confirm \\| the issue"), "{markdown}");
        assert!(
            markdown.contains("“line one line two \\| three”"),
            "{markdown}"
        );
    }

    #[test]
    fn a_failure_that_still_blocks_and_a_severity_change() {
        let mut fixture = db_loss(at(3, 31, 0));
        let change = Recorded {
            at_ms: at(3, 32, 0),
            by: fixture.incident.opened_by.clone(),
            event: Event::SeverityChanged {
                severity: commands::Severity::High,
            },
        };
        fixture.incident.apply(&change);
        fixture.timeline.push(change);
        let markdown = draft(
            &fixture.incident,
            &fixture.timeline,
            runbook(),
            at(3, 32, 0),
        );
        assert!(
            markdown.contains("| failed (“restore.sh exits 1: checksum mismatch on the 02:00 dump”) — still blocking |"),
            "{markdown}"
        );
        assert!(
            markdown.contains("- **Severity:** high (opened as critical)"),
            "{markdown}"
        );
        assert!(
            markdown.contains("03:32:00 — alice changed the severity from critical to high"),
            "{markdown}"
        );
        assert!(
            markdown.contains("| Database | not yet | 28m so far | 2m left of 30m |"),
            "{markdown}"
        );
    }

    #[test]
    fn an_earlier_draft_posted_is_on_the_timeline() {
        let mut fixture = db_loss(at(4, 10, 0));
        fixture.timeline.push(Recorded {
            at_ms: at(4, 30, 0),
            by: carol(),
            event: Event::PostmortemPosted,
        });
        let markdown = draft(
            &fixture.incident,
            &fixture.timeline,
            runbook(),
            at(4, 31, 0),
        );
        assert!(
            markdown.contains("04:30:00 — carol posted the post-mortem draft"),
            "{markdown}"
        );
    }

    #[test]
    fn odd_timelines_do_not_panic() {
        let fixture = db_loss(at(3, 27, 0));
        let none = draft(&fixture.incident, &[], runbook(), fixture.now);
        assert!(none.contains("_No events recorded._"));
        // Events for steps that do not exist, before any Opened event.
        let odd = vec![
            Recorded {
                at_ms: i64::MIN,
                by: fixture.incident.opened_by.clone(),
                event: Event::StepConfirmed {
                    step: 99,
                    outcome: Outcome::Done,
                    note: None,
                },
            },
            Recorded {
                at_ms: i64::MAX,
                by: fixture.incident.opened_by.clone(),
                event: Event::FollowUpReminded { group: 42 },
            },
        ];
        let text = draft(&fixture.incident, &odd, &Runbook::default(), i64::MAX);
        assert!(text.contains("step 100"), "{text}");
        assert!(text.contains("- [ ] _Add action items._"), "{text}");
    }
}
