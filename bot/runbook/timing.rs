//! Step titles and their timing: `**Confirm the issue** (5 minutes)`, `Restart (~10 min)`,
//! `**Contain the breach** (Immediate)`, `**Database recovery** (Priority 1)`.

use std::sync::LazyLock;

use commands::duration::{self, DurationRange};
use regex::Regex;

use super::model::Marker;

/// How long a step may take, or the marker written in its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timing {
    Budget(DurationRange),
    Marker(Marker),
}

/// A step's first line split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StepHeading {
    pub title: String,
    pub timing: Option<Timing>,
    /// Text after the title that is not timing (`— check replicas first`).
    pub remark: Option<String>,
    /// A parenthesis that looks like a budget but could not be read, for a diagnostic.
    pub unreadable_timing: Option<String>,
}

static PARENTHESIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(\[]\s*([^()\[\]]*?)\s*[)\]]").expect("static regex"));

/// Reads a timing word or duration: `Immediate`, `Ongoing`, `Priority 1`, `P2`, `5 minutes`, `10-15 min`.
pub(crate) fn parse_timing(text: &str) -> Option<Timing> {
    let word = text.trim().trim_end_matches('.').to_ascii_lowercase();
    let marker = match word.as_str() {
        "immediate" | "immediately" | "asap" | "now" | "at once" => Some(Marker::Immediate),
        "ongoing" | "continuous" | "continuously" | "throughout" => Some(Marker::Ongoing),
        _ => word
            .strip_prefix("priority")
            .or_else(|| word.strip_prefix('p'))
            .and_then(|rank| rank.trim().parse::<u8>().ok())
            .map(Marker::Priority),
    };
    marker
        .map(Timing::Marker)
        .or_else(|| duration::parse_range(&word).map(Timing::Budget))
}

/// Splits a step's first line. `lead` is its bold text, if it starts with one; `rest` the text after.
pub(crate) fn split_step_heading(lead: Option<&str>, rest: &str) -> StepHeading {
    let title = lead.map_or(String::new(), |lead| {
        lead.trim_end_matches(':').trim().to_string()
    });
    let mut timing = None;
    let mut unreadable_timing = None;
    let mut remainder = rest.to_string();
    // After a bold title the timing comes first; without one, the title is the text itself and
    // the timing its last parenthesis.
    let candidates: Vec<_> = PARENTHESIS.captures_iter(rest).collect();
    let chosen = if lead.is_some() {
        candidates.first()
    } else {
        candidates.last()
    };
    if let Some(captures) = chosen {
        let whole = captures.get(0).map_or(0..0, |m| m.range());
        let inner = captures.get(1).map_or("", |m| m.as_str());
        match parse_timing(inner) {
            Some(found) => {
                timing = Some(found);
                remainder.replace_range(whole, " ");
            }
            None if looks_like_timing(inner) => unreadable_timing = Some(inner.to_string()),
            None => {}
        }
    }
    let remainder = tidy(&remainder);
    let (title, remark) = if title.is_empty() {
        (remainder, None)
    } else {
        (title, Some(remainder).filter(|r| !r.is_empty()))
    };
    StepHeading {
        title,
        timing,
        remark,
        unreadable_timing,
    }
}

/// A parenthesis with a digit or a time word was probably meant as a budget.
fn looks_like_timing(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    text.chars().any(|c| c.is_ascii_digit())
        && ["min", "hour", "hr", "sec", "day", "week"]
            .iter()
            .any(|unit| lower.contains(unit))
}

/// Collapses spaces and trims separators left behind when the timing was removed.
fn tidy(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | ','))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(min: u64, max: u64) -> Option<Timing> {
        Some(Timing::Budget(DurationRange {
            min_secs: min,
            max_secs: max,
        }))
    }

    #[test]
    fn bold_title_with_budget() {
        let heading = split_step_heading(Some("Confirm the issue"), "(5 minutes)");
        assert_eq!(heading.title, "Confirm the issue");
        assert_eq!(heading.timing, budget(300, 300));
        assert_eq!(heading.remark, None);
    }

    #[test]
    fn markers_and_ranges() {
        for (text, expected) in [
            ("(Immediate)", Some(Timing::Marker(Marker::Immediate))),
            ("(Ongoing)", Some(Timing::Marker(Marker::Ongoing))),
            ("(Priority 3)", Some(Timing::Marker(Marker::Priority(3)))),
            ("(10-15 minutes)", budget(600, 900)),
            ("(~10 min)", budget(600, 600)),
            ("(1-2 hours)", budget(3_600, 7_200)),
        ] {
            assert_eq!(
                split_step_heading(Some("Do it"), text).timing,
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn plain_title_takes_its_last_parenthesis() {
        let heading = split_step_heading(None, "Restart the API (blue/green) (2 min)");
        assert_eq!(heading.title, "Restart the API (blue/green)");
        assert_eq!(heading.timing, budget(120, 120));
    }

    #[test]
    fn keeps_remarks_and_flags_unreadable_budgets() {
        let heading = split_step_heading(Some("Failover"), "(5 mins or so) — check replicas");
        assert_eq!(heading.timing, None);
        assert_eq!(heading.unreadable_timing.as_deref(), Some("5 mins or so"));
        assert_eq!(
            heading.remark.as_deref(),
            Some("(5 mins or so) — check replicas")
        );
        let heading = split_step_heading(None, "Call the vendor (if required)");
        assert_eq!(heading.title, "Call the vendor (if required)");
        assert_eq!(heading.unreadable_timing, None);
    }
}
