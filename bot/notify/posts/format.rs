//! Small formatting rules shared by every message and the post-mortem: times in UTC, durations,
//! budgets, step lines.

use commands::duration::{format_duration, DurationRange};

use crate::incident::{Incident, StepState};

/// `03:12:09 UTC` on the day of `day_of` (for an incident's posts, the day it opened), and with
/// the date on any other day: `Thu 26 Nov 00:13:07 UTC`. So a post read a day later, or an
/// incident that runs past midnight, never leaves the day to be guessed.
pub fn clock_time(at_ms: i64, day_of: i64) -> String {
    time_of_day(at_ms, day_of, "%H:%M:%S UTC")
}

/// `2026-11-25 03:04 UTC`.
pub fn date_time(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "an unknown time".to_string())
}

/// `2026-11-28`.
pub fn date(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|at| at.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "an unknown day".to_string())
}

/// `03:45 UTC`, for times to the minute (the next update), with the date as [`clock_time`]:
/// `Thu 26 Nov 00:15 UTC`.
pub fn short_time(at_ms: i64, day_of: i64) -> String {
    time_of_day(at_ms, day_of, "%H:%M UTC")
}

/// `at_ms` in `format`, preceded by its date (`Thu 26 Nov`) unless it is on the day of `day_of`.
fn time_of_day(at_ms: i64, day_of: i64, format: &str) -> String {
    let day = |ms| chrono::DateTime::from_timestamp_millis(ms).map(|at| at.date_naive());
    match chrono::DateTime::from_timestamp_millis(at_ms) {
        None => "an unknown time".to_string(),
        Some(at) if day(day_of) == Some(at.date_naive()) => at.format(format).to_string(),
        Some(at) => at.format(&format!("%a %-d %b {format}")).to_string(),
    }
}

/// `5m`, `10m–15m`.
pub fn budget_text(budget: &DurationRange) -> String {
    if budget.min_secs == budget.max_secs {
        format_duration(budget.max_secs)
    } else {
        format!(
            "{}–{}",
            format_duration(budget.min_secs),
            format_duration(budget.max_secs)
        )
    }
}

/// What a step allows: its budget (`10m–15m`), else its marker (`Immediate`), else nothing.
pub fn allowance(step: &StepState) -> Option<String> {
    match (&step.budget, &step.marker) {
        (Some(budget), _) => Some(budget_text(budget)),
        (None, Some(marker)) => Some(marker.clone()),
        (None, None) => None,
    }
}

/// What follows a step's title: its allowance (` · budget 10m–15m`, ` · Immediate`), then who
/// owns it when the runbook says (` · owner: DBA`); or nothing.
pub fn step_suffix(step: &StepState) -> String {
    let allowance = match (&step.budget, &step.marker) {
        (Some(budget), _) => format!(" · budget {}", budget_text(budget)),
        (None, Some(marker)) => format!(" · {marker}"),
        (None, None) => String::new(),
    };
    match &step.role {
        Some(role) => format!("{allowance} · owner: {role}"),
        None => allowance,
    }
}

/// How long a step took against its budget: `1m 30s (budget 2m)`, `5m 12s (budget 5m, 12s
/// over)`, `4m` without a budget.
pub fn against_budget(actual_secs: u64, step: &StepState) -> String {
    let actual = format_duration(actual_secs);
    let Some(budget) = &step.budget else {
        return actual;
    };
    match actual_secs.saturating_sub(budget.max_secs) {
        0 => format!("{actual} (budget {})", budget_text(budget)),
        over => format!(
            "{actual} (budget {}, {} over)",
            budget_text(budget),
            format_duration(over)
        ),
    }
}

/// `03:45`, the time of day without its zone, for the lines of a checklist (the messages that
/// hold them say UTC elsewhere), with the date as [`clock_time`]: `Thu 26 Nov 00:15`.
pub fn hour_minute(at_ms: i64, day_of: i64) -> String {
    time_of_day(at_ms, day_of, "%H:%M")
}

/// Whole seconds between two instants, never negative.
pub fn secs_between(from_ms: i64, to_ms: i64) -> u64 {
    u64::try_from(to_ms.saturating_sub(from_ms) / 1000).unwrap_or_default()
}

/// A duration to the minute once it is a minute or more (`23m`, `1h 5m`); seconds below that.
/// For clocks that run for tens of minutes, where seconds are noise.
pub fn minutes(secs: u64) -> String {
    if secs >= 60 {
        format_duration(secs / 60 * 60)
    } else {
        format_duration(secs)
    }
}

/// Seconds from opening to `now_ms` (or to resolution).
pub fn elapsed_secs(incident: &Incident, now_ms: i64) -> u64 {
    u64::try_from(incident.elapsed_ms(now_ms) / 1000).unwrap_or_default()
}

/// The text with a capital first letter: `commander` → `Commander`.
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `Commander: alice, Scribe: bob` — the commander first.
pub fn roles_text(incident: &Incident) -> String {
    let mut roles: Vec<(&String, &crate::incident::Person)> = incident.roles.iter().collect();
    roles.sort_by_key(|(role, _)| *role != "commander");
    if roles.is_empty() {
        return "none assigned".to_string();
    }
    roles
        .iter()
        .map(|(role, person)| format!("{}: {}", capitalized(role), person.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `3 steps`, `1 step`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A text progress bar, one cell per step up to 20 cells: `▰▰▰▱▱▱▱▱▱▱▱`.
pub fn bar(done: usize, total: usize) -> String {
    let cells = total.clamp(1, 20);
    let filled = (done.min(total) * cells).checked_div(total).unwrap_or(0);
    format!("{}{}", "▰".repeat(filled), "▱".repeat(cells - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc() {
        assert_eq!(date_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(short_time(3_600_000 + 45 * 60_000 + 59_000, 0), "01:45 UTC");
        assert_eq!(date_time(i64::MAX), "an unknown time");
        assert_eq!(clock_time(i64::MAX, 0), "an unknown time");
    }

    #[test]
    fn a_time_past_midnight_gives_its_date() {
        let opened = 23 * 3_600_000 + 50 * 60_000; // Thu 1 Jan 1970 23:50
        let after_midnight = opened + 23 * 60_000 + 7_000;
        assert_eq!(clock_time(opened, opened), "23:50:00 UTC");
        assert_eq!(clock_time(after_midnight, opened), "Fri 2 Jan 00:13:07 UTC");
        assert_eq!(short_time(after_midnight, opened), "Fri 2 Jan 00:13 UTC");
        assert_eq!(short_time(after_midnight, after_midnight), "00:13 UTC");
        assert_eq!(clock_time(0, opened + 86_400_000), "Thu 1 Jan 00:00:00 UTC");
    }

    #[test]
    fn budgets_and_minutes() {
        assert_eq!(budget_text(&DurationRange::exactly(300)), "5m");
        assert_eq!(
            budget_text(&DurationRange {
                min_secs: 600,
                max_secs: 900
            }),
            "10m–15m"
        );
        assert_eq!(minutes(59), "59s");
        assert_eq!(minutes(23 * 60 + 59), "23m");
        assert_eq!(minutes(3_900), "1h 5m");
    }

    #[test]
    fn bars_have_a_cell_per_step() {
        assert_eq!(bar(3, 11), "▰▰▰▱▱▱▱▱▱▱▱");
        assert_eq!(bar(0, 0), "▱");
        assert_eq!(bar(5, 3), "▰▰▰");
        assert_eq!(bar(20, 40).chars().count(), 20);
        assert_eq!(capitalized("commander"), "Commander");
        assert_eq!(count(1, "step"), "1 step");
    }
}
