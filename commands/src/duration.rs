//! Spans of time as humans write them: `5 minutes`, `10-15 minutes`, `~10 min`, `1-2 hours`, `1 day`,
//! `15m`, `1h30m`. Used for step budgets, RTO/RPO objectives, `/advance 15m` and `rpo 10m ago`.

use serde::{Deserialize, Serialize};

/// A duration that may be a range (`10-15 minutes`); a single value has `min_secs == max_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DurationRange {
    #[serde(rename = "min")]
    pub min_secs: u64,
    #[serde(rename = "max")]
    pub max_secs: u64,
}

impl DurationRange {
    /// A range with one value.
    pub fn exactly(secs: u64) -> DurationRange {
        DurationRange {
            min_secs: secs,
            max_secs: secs,
        }
    }
}

/// Seconds in one unit, for the unit words people use.
fn unit_secs(unit: &str) -> Option<u64> {
    Some(match unit.to_ascii_lowercase().trim_end_matches('.') {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => 86_400,
        "w" | "wk" | "wks" | "week" | "weeks" => 7 * 86_400,
        "mo" | "month" | "months" => 30 * 86_400,
        _ => return None,
    })
}

/// Splits `12minutes` into (`12`, `minutes`) and `1.5` into (`1.5`, ``).
fn split_number(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// Reads a number that may have a fraction (`1.5`), as a multiplier of whole units.
fn number_times(number: &str, unit: u64) -> Option<u64> {
    if number.is_empty() || number.len() > 20 {
        return None;
    }
    match number.split_once('.') {
        None => number.parse::<u64>().ok()?.checked_mul(unit),
        Some((whole, fraction)) => {
            if fraction.is_empty() || fraction.len() > 3 || fraction.contains('.') {
                return None;
            }
            let whole: u64 = if whole.is_empty() {
                0
            } else {
                whole.parse().ok()?
            };
            let scale = 10u64.pow(fraction.len() as u32);
            let fraction: u64 = fraction.parse().ok()?;
            let total = whole.checked_mul(unit)?;
            Some(total + fraction * unit / scale)
        }
    }
}

/// Strips the approximation words people put in front of durations: `~`, `about`, `approx.`, `roughly`.
fn strip_approximation(text: &str) -> &str {
    let mut text = text.trim();
    for prefix in [
        "~",
        "≈",
        "about ",
        "approx. ",
        "approx ",
        "approximately ",
        "roughly ",
        "around ",
        "ca. ",
    ] {
        if let Some(rest) = text
            .get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| &text[prefix.len()..])
        {
            text = rest.trim_start();
        }
    }
    text
}

/// Reads one duration (no range): `5 minutes`, `~10 min`, `15m`, `1h30m`, `1h 30m`, `1.5 hours`, `1 day`.
pub fn parse_duration(text: &str) -> Option<u64> {
    let text = strip_approximation(text);
    if text.is_empty() {
        return None;
    }
    // Tokens alternate number, unit; a number may be glued to its unit (`15m`, `1h30m`).
    let mut total: u64 = 0;
    let mut pending_number: Option<&str> = None;
    let mut saw_unit = false;
    for word in text.split_whitespace() {
        let mut rest = word.trim_end_matches(',');
        while !rest.is_empty() {
            let (number, after) = split_number(rest);
            if !number.is_empty() {
                if pending_number.is_some() {
                    return None;
                }
                pending_number = Some(number);
                rest = after;
                continue;
            }
            let unit_end = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let unit = unit_secs(&rest[..unit_end])?;
            let number = pending_number.take()?;
            total = total.checked_add(number_times(number, unit)?)?;
            saw_unit = true;
            rest = &rest[unit_end..];
        }
    }
    if pending_number.is_some() || !saw_unit {
        return None;
    }
    Some(total)
}

/// Reads a duration or a range of durations: `10-15 minutes`, `10–15 min`, `10 to 15 minutes`,
/// `1-2 hours`, `30s-2m`, as well as everything [`parse_duration`] reads.
pub fn parse_range(text: &str) -> Option<DurationRange> {
    let text = strip_approximation(text);
    if let Some(secs) = parse_duration(text) {
        return Some(DurationRange::exactly(secs));
    }
    let (low, high) = split_range(text)?;
    let high_secs = parse_duration(high)?;
    let low_secs = parse_duration(low).or_else(|| {
        // `10-15 minutes`: the low end borrows the unit of the high end.
        let (_, unit) = split_number(high.trim());
        parse_duration(&format!("{}{}", low.trim(), unit))
    })?;
    (low_secs <= high_secs).then_some(DurationRange {
        min_secs: low_secs,
        max_secs: high_secs,
    })
}

/// Splits `10-15 minutes` at its dash (or en dash, em dash, or the word `to`).
fn split_range(text: &str) -> Option<(&str, &str)> {
    for separator in ["-", "–", "—", " to "] {
        if let Some((low, high)) = text.split_once(separator) {
            if !low.trim().is_empty() && !high.trim().is_empty() {
                return Some((low, high));
            }
        }
    }
    None
}

/// Prints seconds compactly, largest units first: `45s`, `15m`, `1h 30m`, `2d 3h`. Reads back with
/// [`parse_duration`].
pub fn format_duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".to_string();
    }
    let mut parts = Vec::new();
    let mut rest = secs;
    for (unit, name) in [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")] {
        if rest >= unit {
            parts.push(format!("{}{}", rest / unit, name));
            rest %= unit;
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_budgets_runbooks_use() {
        for (text, min, max) in [
            ("5 minutes", 300, 300),
            ("10-15 minutes", 600, 900),
            ("10–15 minutes", 600, 900),
            ("~10 min", 600, 600),
            ("2 min", 120, 120),
            ("1-2 hours", 3_600, 7_200),
            ("1 hour", 3_600, 3_600),
            ("24 hours", 86_400, 86_400),
            ("45 min", 2_700, 2_700),
            ("1 day", 86_400, 86_400),
            ("10 to 15 minutes", 600, 900),
            ("30s-2m", 30, 120),
            ("1h30m", 5_400, 5_400),
            ("1.5 hours", 5_400, 5_400),
            ("about 5 minutes", 300, 300),
        ] {
            assert_eq!(
                parse_range(text),
                Some(DurationRange {
                    min_secs: min,
                    max_secs: max
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for text in [
            "",
            "Immediate",
            "Ongoing",
            "Priority 1",
            "5",
            "minutes",
            "15-10 minutes",
            "5 parsecs",
            "-",
            "1..5 min",
            "99999999999999999999 days",
        ] {
            assert_eq!(parse_range(text), None, "{text}");
        }
    }

    #[test]
    fn formatted_durations_read_back() {
        for secs in [
            0,
            1,
            59,
            60,
            61,
            900,
            3_600,
            5_400,
            86_400,
            90_061,
            u64::MAX / 2,
        ] {
            assert_eq!(parse_duration(&format_duration(secs)), Some(secs), "{secs}");
        }
        assert_eq!(format_duration(5_400), "1h 30m");
    }
}
