//! The runbook's communication templates (INCIDENT, RESOLVED) filled from an incident.
//!
//! A template is the team's own text with `[PLACEHOLDER]`s or `{{placeholders}}`. The bot fills
//! the placeholders it knows ([`values`], also by other common names) and leaves the others as
//! written, so a team can see what it has not said yet. Lines such as `Status: Investigating` are literal in the template; [`set_line`] puts the
//! live value there. The cadence a team wrote on its `Updates:` line ("Every 15 minutes") is
//! rendered as the bot's real one ([`with_cadence`]).

use std::sync::LazyLock;

use commands::duration::format_duration;
use regex::Regex;

use super::posts::format::{date_time, elapsed_secs};
use crate::incident::Incident;
use crate::runbook::Runbook;

/// The INCIDENT notification used when the runbook has none (the shape of the usual runbook's).
pub const BUILT_IN_INCIDENT: &str = "INCIDENT: [SEVERITY] [SHORT DESCRIPTION]\n\
    Time: [TIMESTAMP]\n\
    Impact: [AFFECTED SERVICES]\n\
    Status: Investigating\n\
    Updates: Every 15 minutes at [LINK]";

/// The RESOLVED notification used when the runbook has none.
pub const BUILT_IN_RESOLVED: &str = "RESOLVED: [SHORT DESCRIPTION]\n\
    Time: [TIMESTAMP]\n\
    Duration: [DURATION]\n\
    Root Cause: [BRIEF DESCRIPTION]\n\
    Next Steps: [POST-MORTEM LINK]";

/// Which notification a template is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    Incident,
    Resolved,
}

impl Notice {
    /// The template's name in the runbook.
    pub fn name(self) -> &'static str {
        match self {
            Notice::Incident => "INCIDENT",
            Notice::Resolved => "RESOLVED",
        }
    }

    fn built_in(self) -> &'static str {
        match self {
            Notice::Incident => BUILT_IN_INCIDENT,
            Notice::Resolved => BUILT_IN_RESOLVED,
        }
    }
}

/// A placeholder: `[NAME]` (no brackets or line break inside) or `{{ name }}`.
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\[\]\n]*)\]|\{\{([^{}\n]*)\}\}").expect("static regex"));

/// Other names teams give the placeholders of [`values`] (in `{{snake_case}}` or in capitals),
/// each with the name it stands for.
const ALIASES: [(&str, &str); 20] = [
    ("SUMMARY", "SHORT DESCRIPTION"),
    ("TITLE", "SHORT DESCRIPTION"),
    ("DESCRIPTION", "SHORT DESCRIPTION"),
    ("INCIDENT TITLE", "SHORT DESCRIPTION"),
    ("INCIDENT SUMMARY", "SHORT DESCRIPTION"),
    ("TIME", "TIMESTAMP"),
    ("START TIME", "TIMESTAMP"),
    ("STARTED AT", "TIMESTAMP"),
    ("SERVICES", "AFFECTED SERVICES"),
    ("IMPACTED SERVICES", "AFFECTED SERVICES"),
    ("IMPACT", "AFFECTED SERVICES"),
    ("ROOT CAUSE", "BRIEF DESCRIPTION"),
    ("CAUSE", "BRIEF DESCRIPTION"),
    ("POSTMORTEM", "POST-MORTEM LINK"),
    ("POSTMORTEM LINK", "POST-MORTEM LINK"),
    ("POST MORTEM LINK", "POST-MORTEM LINK"),
    ("SEV", "SEVERITY"),
    ("INCIDENT", "INCIDENT ID"),
    ("ID", "INCIDENT ID"),
    ("ELAPSED", "DURATION"),
];

/// The value of a placeholder's name: as written (any case; inner spaces count), with `_`, `-`
/// or `.` read as spaces, or through [`ALIASES`].
fn value_of<'v>(name: &str, values: &'v [(&str, String)]) -> Option<&'v str> {
    let find = |wanted: &str| {
        values
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.as_str())
    };
    let name = name.trim();
    find(name).or_else(|| {
        let spaced = name.replace(['_', '-', '.'], " ").to_uppercase();
        find(&spaced).or_else(|| {
            ALIASES
                .iter()
                .find(|(alias, _)| *alias == spaced)
                .and_then(|(_, meant)| find(meant))
        })
    })
}

/// Replaces each `[NAME]` or `{{name}}` whose name is known (see [`value_of`]) with its value.
/// Unknown placeholders and other brackets stay as written; values are not themselves searched
/// for placeholders.
pub fn fill(body: &str, values: &[(&str, String)]) -> String {
    PLACEHOLDER
        .replace_all(body, |captures: &regex::Captures| {
            let name = captures.get(1).or_else(|| captures.get(2));
            name.and_then(|name| value_of(name.as_str(), values))
                .map_or_else(|| captures[0].to_string(), str::to_string)
        })
        .into_owned()
}

/// Sets the value of the first `Label: …` line (label in any case, indentation kept). A body
/// without such a line is returned as it is.
pub fn set_line(body: &str, label: &str, value: &str) -> String {
    let mut done = false;
    let lines: Vec<String> = body
        .split('\n')
        .map(|line| {
            if done {
                return line.to_string();
            }
            let trimmed = line.trim_start();
            let indent = &line[..line.len() - trimmed.len()];
            match trimmed.split_once(':') {
                Some((head, _)) if head.trim().eq_ignore_ascii_case(label.trim()) => {
                    done = true;
                    format!("{indent}{head}: {value}")
                }
                _ => line.to_string(),
            }
        })
        .collect();
    lines.join("\n")
}

/// Every placeholder value the bot knows for an incident. `TIMESTAMP` is the opening time while
/// the incident is open and the resolution time once resolved; `DURATION` runs to `now_ms` or to
/// the resolution.
pub fn values(incident: &Incident, now_ms: i64) -> Vec<(&'static str, String)> {
    let description = incident
        .description
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .unwrap_or(&incident.scenario.title)
        .to_string();
    let timestamp = incident
        .resolution
        .as_ref()
        .map_or(incident.opened_at_ms, |resolution| resolution.at_ms);
    let services = if incident.services.is_empty() {
        "unknown".to_string()
    } else {
        incident.services.join(", ")
    };
    let root_cause = incident
        .resolution
        .as_ref()
        .and_then(|resolution| resolution.root_cause.as_deref())
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .unwrap_or("to be determined")
        .to_string();
    let elapsed_secs = elapsed_secs(incident, now_ms);
    let reference = incident.reference();
    vec![
        ("SEVERITY", incident.severity.as_str().to_uppercase()),
        ("SHORT DESCRIPTION", description),
        ("TIMESTAMP", date_time(timestamp)),
        ("AFFECTED SERVICES", services),
        ("LINK", format!("{reference} in this channel")),
        ("DURATION", format_duration(elapsed_secs)),
        ("BRIEF DESCRIPTION", root_cause),
        ("POST-MORTEM LINK", format!("/postmortem {reference}")),
        ("STATUS", incident.status().to_string()),
        ("INCIDENT ID", reference),
    ]
}

/// The body of the runbook's template for a notice, else the built-in one.
pub fn body(notice: Notice, runbook: &Runbook) -> &str {
    runbook
        .template(notice.name())
        .map_or(notice.built_in(), |template| template.body.as_str())
}

/// Whether a body has a `Label: …` line.
pub fn has_line(body: &str, label: &str) -> bool {
    body.lines().any(|line| {
        line.split_once(':')
            .is_some_and(|(head, _)| head.trim().eq_ignore_ascii_case(label.trim()))
    })
}

/// The runbook's template for a notice (or the built-in one), filled from the incident, with its
/// `Status:` line showing the live status.
pub fn render(notice: Notice, runbook: &Runbook, incident: &Incident, now_ms: i64) -> String {
    let filled = fill(body(notice, runbook), &values(incident, now_ms));
    set_line(&filled, "Status", &incident.status().to_string())
}

/// The INCIDENT notification, filled from the incident, its updates line saying the real
/// cadence (`update_every_secs`).
pub fn render_incident(
    runbook: &Runbook,
    incident: &Incident,
    now_ms: i64,
    update_every_secs: u64,
) -> String {
    let text = render(Notice::Incident, runbook, incident, now_ms);
    with_cadence(&text, update_every_secs)
}

/// Units a template may write its cadence in (`every 15 minutes`, `every 30m`, `every hour`).
const CADENCE_UNITS: [&str; 10] = [
    "minutes", "minute", "mins", "min", "m", "hours", "hour", "hrs", "hr", "h",
];

/// `5 minutes`, `hour`, `2 hours`: the words after "every" for a cadence.
pub fn cadence_words(secs: u64) -> String {
    match secs {
        3600 => "hour".to_string(),
        secs if secs % 3600 == 0 => format!("{} hours", secs / 3600),
        60 => "minute".to_string(),
        secs if secs % 60 == 0 => format!("{} minutes", secs / 60),
        secs => format_duration(secs),
    }
}

/// Replaces the cadence on each line labelled with "update" (`Updates: Every 15 minutes at …`)
/// by the real one; other lines, and lines without `every <interval>`, stay as written.
pub fn with_cadence(body: &str, secs: u64) -> String {
    let words = cadence_words(secs);
    body.split('\n')
        .map(|line| {
            let labelled = line
                .split_once(':')
                .is_some_and(|(head, _)| head.to_ascii_lowercase().contains("update"));
            labelled
                .then(|| replace_every(line, &words))
                .flatten()
                .unwrap_or_else(|| line.to_string())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `… Every 15 minutes at …` with the words after "every" replaced, the word's case kept.
fn replace_every(line: &str, words: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let start = lower.match_indices("every").map(|(at, _)| at).find(|&at| {
        !lower[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    })?;
    let rest = &lower[start + "every".len()..];
    let number = rest.trim_start();
    let digits = number.len()
        - number
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let unit_text = number[digits..].trim_start();
    let unit_len = unit_text.len()
        - unit_text
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .len();
    let unit = &unit_text[..unit_len];
    if !CADENCE_UNITS.contains(&unit) || (digits == 0 && !["hour", "minute"].contains(&unit)) {
        return None;
    }
    let end = lower.len() - unit_text.len() + unit_len;
    Some(format!(
        "{}{} {words}{}",
        &line[..start],
        &line[start..start + "every".len()],
        &line[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::test_support::{self, MIN};

    fn known() -> Vec<(&'static str, String)> {
        vec![
            ("SEVERITY", "CRITICAL".to_string()),
            ("SHORT DESCRIPTION", "DB down".to_string()),
        ]
    }

    #[test]
    fn fills_known_placeholders_in_any_case_and_keeps_the_rest() {
        assert_eq!(
            fill(
                "INCIDENT: [SEVERITY] [short description] at [LINK]",
                &known()
            ),
            "INCIDENT: CRITICAL DB down at [LINK]"
        );
        assert_eq!(fill("[SHORTDESCRIPTION]", &known()), "[SHORTDESCRIPTION]");
        assert_eq!(fill("[ SEVERITY ]", &known()), "CRITICAL");
    }

    #[test]
    fn odd_brackets_survive_and_values_are_not_refilled() {
        assert_eq!(fill("a [b [SEVERITY] c", &known()), "a [b CRITICAL c");
        assert_eq!(fill("[SEVERITY", &known()), "[SEVERITY");
        assert_eq!(fill("]][[]", &known()), "]][[]");
        assert_eq!(fill("[SEV\nERITY]", &known()), "[SEV\nERITY]");
        let sneaky = vec![("SEVERITY", "[SHORT DESCRIPTION]".to_string())];
        assert_eq!(fill("[SEVERITY]", &sneaky), "[SHORT DESCRIPTION]");
        assert_eq!(fill("é[SEVERITY]ü", &known()), "éCRITICALü");
        assert_eq!(fill("{{severity}", &known()), "{{severity}");
    }

    #[test]
    fn fills_braces_in_snake_case_and_other_names() {
        assert_eq!(
            fill(
                "🔴 {{severity}} {{ summary }} {{short_description}} {{sev}} {{owner}}",
                &known()
            ),
            "🔴 CRITICAL DB down DB down CRITICAL {{owner}}"
        );
        assert_eq!(fill("[SHORT_DESCRIPTION]", &known()), "DB down");
    }

    #[test]
    fn sets_the_first_labelled_line_only() {
        let body = "INCIDENT: X\n  status: Investigating\nStatus: again";
        assert_eq!(
            set_line(body, "Status", "Recovering"),
            "INCIDENT: X\n  status: Recovering\nStatus: again"
        );
        assert_eq!(set_line("no label here", "Status", "x"), "no label here");
        assert_eq!(set_line("", "Status", "x"), "");
        assert!(has_line(body, "STATUS"));
        assert!(!has_line(body, "Impact"));
    }

    #[test]
    fn the_updates_line_says_the_real_cadence() {
        let body = "INCIDENT: X\nUpdates: Every 15 minutes at INC-3\nEscalate every 30 minutes";
        assert_eq!(
            with_cadence(body, 300),
            "INCIDENT: X\nUpdates: Every 5 minutes at INC-3\nEscalate every 30 minutes"
        );
        assert_eq!(
            with_cadence("Next update: every 30m here", 3600),
            "Next update: every hour here"
        );
        assert_eq!(
            with_cadence("Updates: every hour", 2 * 3600),
            "Updates: every 2 hours"
        );
        assert_eq!(
            with_cadence("Updates: Every 15 min", 90 * 60),
            "Updates: Every 90 minutes"
        );
        for unchanged in [
            "Updates: everyone at [LINK]",
            "Updates: every day",
            "Updates: soon",
        ] {
            assert_eq!(with_cadence(unchanged, 300), unchanged);
        }
        assert_eq!(cadence_words(60), "minute");
        assert_eq!(cadence_words(90), "1m 30s");
    }

    #[test]
    fn renders_the_runbooks_templates_from_live_state() {
        let fixture = test_support::db_loss_recovering();
        let text = render(
            Notice::Incident,
            test_support::runbook(),
            &fixture.incident,
            fixture.now,
        );
        assert_eq!(
            text,
            "INCIDENT: CRITICAL Complete Database Loss\nTime: 2026-11-25 03:04 UTC\n\
             Impact: Database\nStatus: Recovering\nUpdates: Every 15 minutes at INC-3 in this channel"
        );
        let resolved = test_support::db_loss_resolved();
        let text = render(
            Notice::Resolved,
            &crate::runbook::Runbook::default(),
            &resolved.incident,
            resolved.now + 60 * MIN,
        );
        assert!(
            text.starts_with(
                "RESOLVED: Complete Database Loss\nTime: 2026-11-25 04:10 UTC\nDuration: 1h 6m\n"
            ),
            "{text}"
        );
        assert!(text.contains("Next Steps: /postmortem INC-3"), "{text}");
        assert!(!text.contains('['), "{text}");
    }
}
