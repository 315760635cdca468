//! A drill's report (posted instead of the RESOLVED notification: a drill tells no
//! stakeholders anything) and the channel's drill history.

use super::format::{count, date_time, minutes, secs_between, short_time};
use super::text;
use crate::incident::drill_report::{DrillReport, ServiceRestore, Verdict};
use crate::incident::IncidentId;
use crate::notify::message::{Block, Message, MessageKind};

/// The report of drill `id`.
pub fn drill_report(id: IncidentId, report: &DrillReport) -> Message {
    let took = secs_between(report.started_at_ms, report.ended_at_ms);
    let mut message = Message::new(MessageKind::Resolved, Some(id.number()))
        .with(Block::Heading {
            text: format!("[DRILL] {id} · Drill report · {}", report.scenario.title),
        })
        .with(text(format!(
            "Run by {} · {}–{} ({})",
            report.ran_by.join(", "),
            short_time(report.started_at_ms, report.started_at_ms).trim_end_matches(" UTC"),
            short_time(report.ended_at_ms, report.started_at_ms),
            minutes(took)
        )))
        .with(text(format!(
            "Verdict: {}{}",
            verdict_text(report),
            left_open(report)
        )));
    if !report.services.is_empty() {
        let lines: Vec<String> = report.services.iter().map(service_line).collect();
        message = message.with(text(format!("Time to restore:\n{}", lines.join("\n"))));
    }
    let steps = &report.steps;
    message = message.with(text(format!(
        "Steps: {} done, {} skipped, {} failed, {} unconfirmed, of {}",
        steps.done, steps.skipped, steps.failed, steps.unconfirmed, steps.total
    )));
    let over = if report.over_budget.is_empty() {
        "Over budget: none".to_string()
    } else {
        let lines: Vec<String> = report
            .over_budget
            .iter()
            .map(|over| {
                format!(
                    "• Step {} ({}): {} against {}",
                    over.step,
                    over.title,
                    minutes(over.actual_secs),
                    minutes(over.budget_secs)
                )
            })
            .collect();
        format!("Over budget:\n{}", lines.join("\n"))
    };
    message.with(text(over)).with(text(format!(
        "Kept in the drill history (/incident drills). Post-mortem draft: /postmortem {id}"
    )))
}

/// The verdict in a sentence.
fn verdict_text(report: &DrillReport) -> String {
    match report.verdict {
        Verdict::RtoMet => "RTO met — every service restored within its RTO.".to_string(),
        Verdict::RtoMissed => {
            let missed: Vec<&str> = report
                .services
                .iter()
                .filter(|service| service.missed())
                .map(|service| service.service.as_str())
                .collect();
            format!("RTO missed for {}.", missed.join(", "))
        }
        Verdict::NotRestored => format!(
            "not restored — {} of {} steps confirmed, so no time to recovery is measured.",
            report.steps.done + report.steps.skipped,
            report.steps.total
        ),
        Verdict::NoTarget => "restored; no RTO target to measure against.".to_string(),
    }
}

/// ` 2 steps were left unconfirmed, 1 failed.` after a verdict that restored something with
/// steps still open; nothing otherwise.
fn left_open(report: &DrillReport) -> String {
    let steps = &report.steps;
    if report.verdict == Verdict::NotRestored || steps.unconfirmed + steps.failed == 0 {
        return String::new();
    }
    let mut parts = Vec::new();
    if steps.unconfirmed > 0 {
        parts.push(format!(
            "{} left unconfirmed",
            count(steps.unconfirmed, "step")
        ));
    }
    if steps.failed > 0 {
        parts.push(format!("{} failed", count(steps.failed, "step")));
    }
    format!(" Of the checklist, {}.", parts.join(" and "))
}

/// `• Database: 22m of its 30m RTO — met`.
fn service_line(service: &ServiceRestore) -> String {
    let name = &service.service;
    match (service.restored_secs, service.rto_secs) {
        (Some(actual), Some(rto)) if actual > rto => format!(
            "• {name}: {} against its {} RTO — missed by {}",
            minutes(actual),
            minutes(rto),
            minutes(actual - rto)
        ),
        (Some(actual), Some(rto)) => {
            format!(
                "• {name}: {} of its {} RTO — met",
                minutes(actual),
                minutes(rto)
            )
        }
        (Some(actual), None) => format!("• {name}: {} (no RTO target)", minutes(actual)),
        (None, Some(rto)) => format!("• {name}: not restored (RTO {})", minutes(rto)),
        (None, None) => format!("• {name}: not restored"),
    }
}

/// The drills run in the channel, newest first, each with its report's numbers.
pub fn drill_history(drills: &[(IncidentId, DrillReport)]) -> Message {
    if drills.is_empty() {
        return Message::text(
            MessageKind::Reply,
            None,
            "No drill has been finished in this channel yet. Start one with /incident drill [scenario|random]",
        );
    }
    let lines: Vec<String> = drills
        .iter()
        .map(|(id, report)| {
            let steps = &report.steps;
            let over = match report.over_budget.len() {
                0 => String::new(),
                n => format!(" · {} over budget", count(n, "step")),
            };
            format!(
                "{id} · {} · {} · {} · {}/{} steps{over} · {}",
                date_time(report.started_at_ms),
                report.scenario.title,
                report.ran_by.first().map_or("", String::as_str),
                steps.done + steps.skipped,
                steps.total,
                short_verdict(report)
            )
        })
        .collect();
    Message::new(MessageKind::Reply, None)
        .with(Block::Heading {
            text: format!("Drill history · {}", count(drills.len(), "drill")),
        })
        .with(text(lines.join("\n")))
}

/// `RTO met (22m of 30m)`, `RTO missed (41m against 30m)`, `not restored`.
fn short_verdict(report: &DrillReport) -> String {
    let tightest = report
        .services
        .iter()
        .filter_map(|service| Some((service.restored_secs?, service.rto_secs?)))
        .min_by_key(|(actual, rto)| rto.saturating_sub(*actual));
    match (report.verdict, tightest) {
        (Verdict::RtoMet, Some((actual, rto))) => {
            format!("RTO met ({} of {})", minutes(actual), minutes(rto))
        }
        (Verdict::RtoMissed, _) => {
            let worst = report
                .services
                .iter()
                .filter(|service| service.missed())
                .filter_map(|service| Some((service.restored_secs?, service.rto_secs?)))
                .max_by_key(|(actual, rto)| actual.saturating_sub(*rto));
            match worst {
                Some((actual, rto)) => {
                    format!("RTO missed ({} against {})", minutes(actual), minutes(rto))
                }
                None => "RTO missed".to_string(),
            }
        }
        (Verdict::RtoMet, _) => "RTO met".to_string(),
        (Verdict::NotRestored, _) => "not restored".to_string(),
        (Verdict::NoTarget, _) => "restored, no RTO target".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::drill_report::{report, restore_times};
    use crate::incident::{DrillReport, Event, Recorded};
    use crate::notify::test_support::{alice, at, db_loss_drill, Fixture};

    use crate::notify::test_support::snapshot;

    fn report_of(fixture: &Fixture) -> DrillReport {
        report(
            &fixture.incident,
            restore_times(&fixture.incident),
            fixture.now,
        )
    }

    #[test]
    fn drill_report_of_a_finished_drill() {
        let fixture = db_loss_drill(at(14, 41, 0));
        let message = drill_report(fixture.incident.id, &report_of(&fixture));
        assert!(message.mentions.is_empty());
        snapshot!("drill_report", message);
    }

    #[test]
    fn drill_report_of_a_drill_closed_early_claims_no_time() {
        let fixture = db_loss_drill(at(14, 16, 0));
        let message = drill_report(fixture.incident.id, &report_of(&fixture));
        let text = message.plain_text();
        assert!(!text.contains("of its 30m RTO"), "{text}");
        snapshot!("drill_report_not_restored", message);
    }

    #[test]
    fn drill_history_lists_the_reports() {
        let finished = db_loss_drill(at(14, 41, 0));
        let early = db_loss_drill(at(14, 16, 0));
        let message = drill_history(&[
            (finished.incident.id, report_of(&finished)),
            (IncidentId::new(2), report_of(&early)),
        ]);
        snapshot!("drill_history", message);
        assert!(drill_history(&[]).plain_text().starts_with("No drill"));
    }

    #[test]
    fn drill_report_restored_with_steps_left_says_so() {
        let mut fixture = db_loss_drill(at(14, 16, 0));
        fixture.incident.apply(&Recorded {
            at_ms: at(14, 16, 0),
            by: alice(),
            event: Event::ServicesRestored {
                services: vec!["Database".to_string()],
            },
        });
        let report = report_of(&fixture);
        let text = drill_report(fixture.incident.id, &report).plain_text();
        assert!(
            text.contains(
                "Verdict: RTO met — every service restored within its RTO. Of the checklist, 8 steps \
                 left unconfirmed."
            ),
            "{text}"
        );
        let history = drill_history(&[(fixture.incident.id, report)]).plain_text();
        assert!(
            history.ends_with("3/11 steps · 1 step over budget · RTO met (16m of 30m)"),
            "{history}"
        );
    }
}
