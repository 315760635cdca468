//! The recovery objectives section: per service, when it was restored and how long that took
//! against its own RTO, and the data lost against its own RPO; then the incident's time to
//! restore (when its last service came back) and its time to resolve, apart.

use std::fmt::Write as _;

use super::{cell, inline};
use crate::incident::{Clock, Incident, Measured};
use crate::notify::format::{date_time, minutes, secs_between};
use crate::notify::since_opening;

pub(super) fn objectives(out: &mut String, incident: &Incident, now_ms: i64) {
    let _ = writeln!(out, "## Recovery objectives\n");
    if incident.is_cancelled() {
        let _ = writeln!(out, "- **RTO:** not measured: cancelled");
        let _ = writeln!(out, "- **RPO:** not measured: cancelled\n");
        return;
    }
    let _ = writeln!(
        out,
        "Time to restore runs from the opening to when a service was marked restored \
         (`/incident restored`); one never marked restored is measured to the resolution.\n"
    );
    let _ = writeln!(
        out,
        "| Service | Restored | Time to restore | RTO | Data loss against RPO |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for clock in incident.clocks() {
        let (actual, measured) = clock.time_to_restore(incident, now_ms);
        let restored = match (clock.restored, measured) {
            (Some(restored), _) => format!(
                "{} ({}) by {}",
                date_time(restored.at_ms),
                since_opening(incident, restored.at_ms),
                cell(&restored.by.name)
            ),
            (None, Measured::ToResolve) => "never marked restored".to_string(),
            (None, _) => "not yet".to_string(),
        };
        let time = match measured {
            Measured::Restored => minutes(actual),
            Measured::ToResolve => format!("{} (measured to resolve)", minutes(actual)),
            Measured::SoFar => format!("{} so far", minutes(actual)),
        };
        let _ = writeln!(
            out,
            "| {} | {restored} | {time} | {} | {} |",
            cell(&service_name(incident, &clock)),
            rto_cell(incident, &clock, now_ms),
            rpo_cell(incident, &clock)
        );
    }
    out.push('\n');
    let restore_line = match &incident.restored {
        Some(restored) => format!(
            "{}, when the last service came back ({})",
            minutes(secs_between(incident.opened_at_ms, restored.at_ms)),
            date_time(restored.at_ms)
        ),
        None if incident.is_open() => "not restored yet".to_string(),
        None => {
            let never: Vec<&str> = incident.services_to_restore();
            let resolved = incident.resolution.as_ref().map_or(now_ms, |r| r.at_ms);
            let took = minutes(secs_between(incident.opened_at_ms, resolved));
            match never.as_slice() {
                [] => format!("never marked restored: measured to resolve, {took}"),
                services => format!(
                    "{} never marked restored: measured to resolve, {took}",
                    inline(&services.join(", "))
                ),
            }
        }
    };
    let _ = writeln!(out, "- **Time to restore:** {restore_line}");
    match &incident.resolution {
        Some(resolution) => {
            let _ = writeln!(
                out,
                "- **Time to resolve:** {}",
                minutes(secs_between(incident.opened_at_ms, resolution.at_ms))
            );
        }
        None => {
            let _ = writeln!(
                out,
                "- **Time to resolve:** open for {} so far",
                minutes(secs_between(incident.opened_at_ms, now_ms))
            );
        }
    }
    match incident.last_good_data_ms {
        Some(at_ms) => {
            let _ = writeln!(out, "- **Last good data:** {}", date_time(at_ms));
        }
        None => {
            let _ = writeln!(
                out,
                "- **Last good data:** not recorded — use /incident rpo <time of last good data>"
            );
        }
    }
    let completed = incident
        .steps
        .iter()
        .filter_map(|step| step.confirmation.as_ref().map(|c| c.at_ms))
        .max();
    match (incident.current_step(), completed) {
        (None, Some(at_ms)) => {
            let _ = writeln!(
                out,
                "- **Checklist completed:** {}, {} after opening",
                date_time(at_ms),
                minutes(secs_between(incident.opened_at_ms, at_ms))
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "- **Checklist:** {} of {} steps confirmed",
                incident.confirmed_steps(),
                incident.steps.len()
            );
        }
    }
    out.push('\n');
}

/// The service's name, or for an incident measured as one unit the services it names.
fn service_name(incident: &Incident, clock: &Clock<'_>) -> String {
    match clock.service {
        Some(service) => service.to_string(),
        None if incident.services.is_empty() => "(no service listed)".to_string(),
        None => incident.services.join(", "),
    }
}

/// `met (20m of 30m)`, `missed by 15m (45m against 30m)`, `7m left of 30m`, `no target`.
fn rto_cell(incident: &Incident, clock: &Clock<'_>, now_ms: i64) -> String {
    let Some(rto) = clock.rto_secs else {
        return "no target".to_string();
    };
    let (actual, measured) = clock.time_to_restore(incident, now_ms);
    let (target, spent) = (minutes(rto), minutes(actual));
    match (measured, actual > rto) {
        (Measured::SoFar, false) => format!("{} left of {target}", minutes(rto - actual)),
        (Measured::SoFar, true) => format!(
            "over by {} so far ({spent} against {target})",
            minutes(actual - rto)
        ),
        (_, false) => format!("met ({spent} of {target})"),
        (_, true) => format!(
            "missed by {} ({spent} against {target})",
            minutes(actual - rto)
        ),
    }
}

/// The data lost (opening minus last good data) against the service's RPO.
fn rpo_cell(incident: &Incident, clock: &Clock<'_>) -> String {
    let Some(last_good) = incident.last_good_data_ms else {
        return match clock.rpo_secs {
            Some(rpo) => format!("RPO {}: not recorded", minutes(rpo)),
            None => "not recorded".to_string(),
        };
    };
    let lost = secs_between(last_good, incident.opened_at_ms);
    match clock.rpo_secs {
        Some(rpo) if lost > rpo => format!(
            "{} against {}: missed by {}",
            minutes(lost),
            minutes(rpo),
            minutes(lost - rpo)
        ),
        Some(rpo) => format!("{} of {}: met", minutes(lost), minutes(rpo)),
        None => format!("{} (no RPO target)", minutes(lost)),
    }
}

/// RTOs missed (once resolved) and RPOs missed, one sentence each, for "What went wrong".
pub(super) fn missed(incident: &Incident) -> Vec<String> {
    let mut facts = Vec::new();
    let lost = incident
        .last_good_data_ms
        .map(|last_good| secs_between(last_good, incident.opened_at_ms));
    for clock in incident.clocks() {
        let whose = match clock.service {
            Some(service) => format!("{}'s", inline(service)),
            None => "The".to_string(),
        };
        if let (Some(rto), true) = (clock.rto_secs, incident.resolution.is_some()) {
            let (actual, measured) = clock.time_to_restore(incident, incident.opened_at_ms);
            if actual > rto {
                let how = match measured {
                    Measured::ToResolve => " (never marked restored: measured to resolve)",
                    _ => "",
                };
                facts.push(format!(
                    "{whose} RTO of {} was missed by {}{how}.",
                    minutes(rto),
                    minutes(actual - rto)
                ));
            }
        }
        if let (Some(rpo), Some(lost)) = (clock.rpo_secs, lost) {
            if lost > rpo {
                facts.push(format!(
                    "{whose} RPO of {} was missed by {}.",
                    minutes(rpo),
                    minutes(lost - rpo)
                ));
            }
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use crate::notify::test_support::{at, db_loss, db_loss_restored, runbook};

    #[test]
    fn restored_before_resolving_is_measured_to_the_restoration() {
        let fixture = db_loss_restored(at(4, 10, 0));
        let markdown =
            super::super::draft(&fixture.incident, &fixture.timeline, runbook(), fixture.now);
        assert!(
            markdown.contains(
                "| Database | 2026-11-25 04:05 UTC (T+1h 1m) by alice | 1h 1m | missed by 31m (1h 1m against 30m) | 6m against 5m: missed by 1m |"
            ),
            "{markdown}"
        );
        assert!(
            markdown.contains("- **Time to resolve:** 1h 6m"),
            "{markdown}"
        );
        assert!(
            markdown.contains("Database's RTO of 30m was missed by 31m."),
            "{markdown}"
        );
    }

    #[test]
    fn never_restored_is_measured_to_resolve_and_says_so() {
        let fixture = db_loss(at(4, 10, 0));
        let markdown =
            super::super::draft(&fixture.incident, &fixture.timeline, runbook(), fixture.now);
        assert!(
            markdown.contains("| Database | never marked restored | 1h 6m (measured to resolve) | missed by 36m (1h 6m against 30m) |"),
            "{markdown}"
        );
        assert!(
            markdown.contains(
                "Database's RTO of 30m was missed by 36m (never marked restored: measured to resolve)."
            ),
            "{markdown}"
        );
    }
}
