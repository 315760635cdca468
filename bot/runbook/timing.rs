//! Step titles and their timing, in the phrasings people use: `**Confirm the issue** (5 minutes)`,
//! `Restart (~10 min)`, `Fail over — est. 30 min`, `Drain the queue: 10 mins`, `Warm caches ⏱ 10m`,
//! `(ETA 5 min)`, `(up to 15 min)`, `≤ 10 min`, `5-10m`, `1h30`, markers such as `(Immediate)` and
//! `(Priority 1)`, and both at once: `(Priority 1, 15 minutes)`.
//!
//! A budget is read from a parenthesis, or from the end of the item after a dash, a colon or a
//! budget word (`est.`, `ETA`, `⏱`, `~`, `≤`, `up to`). A budget word or a parenthesis with a
//! number and a time unit that cannot be read is given back for a warning, never guessed.

use std::sync::LazyLock;

use commands::duration::{self, DurationRange};
use regex::Regex;

use super::model::{BudgetForm, Marker};

/// How long a step may take and the marker written with or in place of it; at least one is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timing {
    pub budget: Option<DurationRange>,
    pub marker: Option<Marker>,
}

/// A step's first line split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StepHeading {
    pub title: String,
    pub timing: Option<Timing>,
    /// Where on the line the timing was written.
    pub form: Option<BudgetForm>,
    /// Text after the title that is not timing (`— check replicas first`).
    pub remark: Option<String>,
    /// A parenthesis that looks like a budget but could not be read, for a diagnostic.
    pub unreadable_timing: Option<String>,
}

static PARENTHESIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[(\[]\s*([^()\[\]]*?)\s*[)\]]").expect("static regex"));
/// `1h30`, `2 h 15`: minutes after hours without their unit.
static HOURS_MINUTES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,4})\s*h\s*(\d{1,2})$").expect("static regex"));

/// Words and signs people put before a budget, longest first so `estimated` is not read as `est`.
const BUDGET_WORDS: [&str; 19] = [
    "estimated time:",
    "estimated:",
    "estimated",
    "estimate:",
    "estimate",
    "est.:",
    "est.",
    "est:",
    "est ",
    "eta:",
    "eta ",
    "time:",
    "budget:",
    "timebox:",
    "⏱️",
    "⏱",
    "up to ",
    "max.",
    "max ",
];
/// Signs of a limit, read as the budget itself: `≤ 10 min`, `< 5m`.
const LIMIT_SIGNS: [&str; 4] = ["≤", "<=", "<", "~"];
/// Where a trailing budget starts: after one of these, or at a budget word.
const SEPARATORS: [&str; 6] = [" — ", " – ", " - ", " -- ", ": ", " | "];

/// Reads a marker: `Immediate`, `Ongoing`, `Priority 1`, `P2`.
fn parse_marker(word: &str) -> Option<Marker> {
    match word {
        "immediate" | "immediately" | "asap" | "now" | "at once" => Some(Marker::Immediate),
        "ongoing" | "continuous" | "continuously" | "throughout" => Some(Marker::Ongoing),
        _ => word
            .strip_prefix("priority")
            .or_else(|| word.strip_prefix('p'))
            .and_then(|rank| rank.trim().parse::<u8>().ok())
            .map(Marker::Priority),
    }
}

/// Reads a budget in any of the phrasings of this module: `est. 10 min`, `~10m`, `10 mins`,
/// `⏱ 10m`, `ETA 5 min`, `up to 15 min`, `≤ 10 min`, `5-10m`, `1h30`, `10-15 minutes`.
pub(crate) fn parse_budget(text: &str) -> Option<DurationRange> {
    let mut text = text
        .trim()
        .trim_end_matches('.')
        .trim()
        .to_ascii_lowercase();
    loop {
        let before = text.len();
        for word in BUDGET_WORDS.iter().chain(&LIMIT_SIGNS) {
            if let Some(rest) = text.strip_prefix(word) {
                text = rest.trim_start().to_string();
            }
        }
        if text.len() == before {
            break;
        }
    }
    if let Some(captures) = HOURS_MINUTES.captures(&text) {
        text = format!("{}h{}m", &captures[1], &captures[2]);
    }
    duration::parse_range(&text)
}

/// Reads a timing: a marker, a budget, or both separated by a comma (`Priority 1, 15 minutes`).
pub(crate) fn parse_timing(text: &str) -> Option<Timing> {
    let mut timing = Timing {
        budget: None,
        marker: None,
    };
    let parts: Vec<&str> = text.split([',', ';']).collect();
    if parts.len() > 2 {
        return None;
    }
    for part in parts {
        let word = part.trim().trim_end_matches('.').to_ascii_lowercase();
        match (parse_marker(&word), parse_budget(&word)) {
            (Some(marker), _) if timing.marker.is_none() => timing.marker = Some(marker),
            (None, Some(budget)) if timing.budget.is_none() => timing.budget = Some(budget),
            _ => return None,
        }
    }
    Some(timing)
}

/// Splits a step's first line. `lead` is its bold text, if it starts with one; `rest` the text after.
pub(crate) fn split_step_heading(lead: Option<&str>, rest: &str) -> StepHeading {
    let title = lead.map_or(String::new(), |lead| {
        lead.trim_end_matches(':').trim().to_string()
    });
    let mut timing = None;
    let mut form = None;
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
                form = Some(BudgetForm::Parenthesis);
                remainder.replace_range(whole, " ");
            }
            None if looks_like_timing(inner) => unreadable_timing = Some(inner.to_string()),
            None => {}
        }
    }
    if timing.is_none() && unreadable_timing.is_none() {
        match trailing_timing(&remainder, lead.is_some()) {
            Trailing::Read { at, timing: found } => {
                timing = Some(found);
                form = Some(BudgetForm::Trailing);
                remainder.truncate(at);
            }
            Trailing::Unreadable(text) => unreadable_timing = Some(text),
            Trailing::None => {}
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
        form,
        remark,
        unreadable_timing,
    }
}

/// What the end of a step's line says about its timing.
enum Trailing {
    /// A timing starting at byte `at`.
    Read {
        at: usize,
        timing: Timing,
    },
    /// A budget word followed by something that is not a budget.
    Unreadable(String),
    None,
}

/// The timing at the end of `text`: after its last separator (`— 10 min`, `: 10 mins`), or from a
/// budget word to the end (`est. 30 min`, `⏱ 10m`, `~10m`). `after_title` is true when `text`
/// follows a bold title, so that all of it may be the timing (`**Restart** — 5 min`).
fn trailing_timing(text: &str, after_title: bool) -> Trailing {
    // ASCII lowercasing keeps byte offsets, so they index `text` too.
    let lower = text.to_ascii_lowercase();
    let mut starts: Vec<usize> = SEPARATORS
        .iter()
        .filter_map(|separator| lower.rfind(separator).map(|at| at + separator.len()))
        .collect();
    if after_title {
        starts.push(0);
    }
    let word_starts: Vec<usize> = BUDGET_WORDS
        .iter()
        .chain(&LIMIT_SIGNS)
        .filter_map(|word| {
            lower
                .match_indices(word.trim_end())
                .map(|(at, _)| at)
                .find(|&at| at == 0 || lower[..at].ends_with([' ', '(', '—', '–', '-', ':']))
        })
        .collect();
    starts.extend(&word_starts);
    starts.sort_unstable();
    starts.dedup();
    for &start in &starts {
        let tail = text[start..].trim_start_matches(['—', '–', '-', ':', '|', ' ']);
        // At the end of a line only a budget counts: `Declare: P1` is not a priority marker.
        if let Some(timing) = parse_timing(tail).filter(|timing| timing.budget.is_some()) {
            let at = if word_starts.contains(&start) || start == 0 {
                start
            } else {
                // Cut before the separator too.
                text[..start]
                    .trim_end_matches(['—', '–', '-', ':', '|', ' '])
                    .len()
            };
            return Trailing::Read { at, timing };
        }
    }
    match word_starts.last() {
        Some(&start) if looks_like_timing(&text[start..]) => {
            Trailing::Unreadable(text[start..].trim().to_string())
        }
        _ => Trailing::None,
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
    use proptest::prelude::*;

    use super::*;

    fn budget(min: u64, max: u64) -> Option<Timing> {
        Some(Timing {
            budget: Some(DurationRange {
                min_secs: min,
                max_secs: max,
            }),
            marker: None,
        })
    }

    fn marker(marker: Marker) -> Option<Timing> {
        Some(Timing {
            budget: None,
            marker: Some(marker),
        })
    }

    #[test]
    fn bold_title_with_budget() {
        let heading = split_step_heading(Some("Confirm the issue"), "(5 minutes)");
        assert_eq!(heading.title, "Confirm the issue");
        assert_eq!(heading.timing, budget(300, 300));
        assert_eq!(heading.form, Some(BudgetForm::Parenthesis));
        assert_eq!(heading.remark, None);
    }

    #[test]
    fn markers_and_ranges() {
        for (text, expected) in [
            ("(Immediate)", marker(Marker::Immediate)),
            ("(Ongoing)", marker(Marker::Ongoing)),
            ("(Priority 3)", marker(Marker::Priority(3))),
            ("(10-15 minutes)", budget(600, 900)),
            ("(~10 min)", budget(600, 600)),
            ("(1-2 hours)", budget(3_600, 7_200)),
            (
                "(Priority 1, 15 minutes)",
                Some(Timing {
                    budget: Some(DurationRange::exactly(900)),
                    marker: Some(Marker::Priority(1)),
                }),
            ),
            (
                "(10 min; P2)",
                Some(Timing {
                    budget: Some(DurationRange::exactly(600)),
                    marker: Some(Marker::Priority(2)),
                }),
            ),
        ] {
            assert_eq!(
                split_step_heading(Some("Do it"), text).timing,
                expected,
                "{text}"
            );
        }
    }

    /// Every phrasing of issue 17, as a plain line, after a bold title, and in a parenthesis:
    /// (line, title, budget in minutes, where it was written).
    #[test]
    fn budgets_in_the_phrasings_people_use() {
        use BudgetForm::{Parenthesis, Trailing};
        let cases: [(&str, &str, u64, u64, BudgetForm); 22] = [
            (
                "Confirm the issue (5 minutes)",
                "Confirm the issue",
                5,
                5,
                Parenthesis,
            ),
            ("Fail over — est. 10 min", "Fail over", 10, 10, Trailing),
            ("Fail over – est 10 min", "Fail over", 10, 10, Trailing),
            ("Fail over (est. 20 min)", "Fail over", 20, 20, Parenthesis),
            ("Flush the cache ~10m", "Flush the cache", 10, 10, Trailing),
            (
                "Drain the queue: 10 mins",
                "Drain the queue",
                10,
                10,
                Trailing,
            ),
            (
                "Drain the queue - 10 mins",
                "Drain the queue",
                10,
                10,
                Trailing,
            ),
            ("Warm the caches ⏱ 10m", "Warm the caches", 10, 10, Trailing),
            (
                "Warm the caches ⏱️ 10m",
                "Warm the caches",
                10,
                10,
                Trailing,
            ),
            (
                "Page the vendor ETA 5 min",
                "Page the vendor",
                5,
                5,
                Trailing,
            ),
            (
                "Page the vendor (ETA 5 min)",
                "Page the vendor",
                5,
                5,
                Parenthesis,
            ),
            (
                "Rebuild the index (up to 15 min)",
                "Rebuild the index",
                15,
                15,
                Parenthesis,
            ),
            (
                "Rebuild the index — up to 15 min",
                "Rebuild the index",
                15,
                15,
                Trailing,
            ),
            (
                "Restart the API ≤ 10 min",
                "Restart the API",
                10,
                10,
                Trailing,
            ),
            (
                "Restart the API (≤ 10 min)",
                "Restart the API",
                10,
                10,
                Parenthesis,
            ),
            (
                "Restart the API (<= 10 min)",
                "Restart the API",
                10,
                10,
                Parenthesis,
            ),
            ("Scale out — 5-10m", "Scale out", 5, 10, Trailing),
            ("Scale out (5–10m)", "Scale out", 5, 10, Parenthesis),
            ("Scale out — 5 - 10 min", "Scale out", 5, 10, Trailing),
            (
                "Restore the snapshot — 1h30",
                "Restore the snapshot",
                90,
                90,
                Trailing,
            ),
            (
                "Restore the snapshot (1h30)",
                "Restore the snapshot",
                90,
                90,
                Parenthesis,
            ),
            (
                "Restore the snapshot: estimated 2 h 15",
                "Restore the snapshot",
                135,
                135,
                Trailing,
            ),
        ];
        for (line, title, min, max, form) in cases {
            let heading = split_step_heading(None, line);
            assert_eq!(
                (heading.title.as_str(), heading.timing, heading.form),
                (title, budget(min * 60, max * 60), Some(form)),
                "{line}"
            );
            assert_eq!(heading.unreadable_timing, None, "{line}");
        }
        for rest in [
            "— est. 30 min",
            ": 30 mins",
            "(est. 30 min)",
            "⏱ 30m",
            "~30m",
        ] {
            let heading = split_step_heading(Some("Fail over"), rest);
            assert_eq!(
                (heading.title.as_str(), heading.timing, heading.remark),
                ("Fail over", budget(1_800, 1_800), None),
                "**Fail over** {rest}"
            );
        }
    }

    #[test]
    fn prose_that_merely_ends_in_a_number_or_a_word_is_no_budget() {
        for line in [
            "Wait 5 minutes",
            "Scale to 3 replicas",
            "Estimate the damage",
            "Re-establish replication",
            "Declare severity: P1",
            "Check the dashboard - ongoing",
            "Set max connections to 100",
            "Note: restart it",
        ] {
            let heading = split_step_heading(None, line);
            assert_eq!(
                (
                    heading.title.as_str(),
                    heading.timing,
                    heading.unreadable_timing
                ),
                (line, None, None),
                "{line}"
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
        let heading = split_step_heading(None, "Fail over — est. 10 min or so");
        assert_eq!(heading.timing, None);
        assert_eq!(
            heading.unreadable_timing.as_deref(),
            Some("est. 10 min or so")
        );
        let heading = split_step_heading(Some("Fail over"), "(see runbook) — 5 min");
        assert_eq!(heading.timing, budget(300, 300));
        assert_eq!(heading.remark.as_deref(), Some("(see runbook)"));
    }

    proptest! {
        /// Any line, with or without a bold title: no panic, and a budget read is a real range.
        #[test]
        fn reading_a_step_line_never_panics(
            lead in proptest::option::of("\\PC{0,12}"),
            rest in "[\\PC(){}\\[\\]—–:~≤<⏱0-9hm -]{0,40}",
        ) {
            let heading = split_step_heading(lead.as_deref(), &rest);
            if let Some(budget) = heading.timing.and_then(|timing| timing.budget) {
                prop_assert!(budget.min_secs <= budget.max_secs);
            }
            let _ = parse_budget(&rest);
        }
    }
}
