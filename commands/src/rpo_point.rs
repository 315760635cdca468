//! The time of the last good data, for measuring data loss (the recovery point): a UTC time of day
//! (`14:30`), a date and time (`2026-11-25 14:30`, read as UTC), an RFC 3339 time with an offset
//! (`2026-11-25T14:30:00+01:00`, converted to UTC), or a span before now (`10m ago`). Times are kept
//! to the second.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, NaiveTime, Timelike};

use crate::duration::{format_duration, parse_duration};
use crate::text::strip_suffix_ignore_case;

/// When the last good data was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RpoPoint {
    /// A UTC time of day, on the day the bot takes it to mean.
    TimeOfDay(NaiveTime),
    /// A UTC date and time.
    At(NaiveDateTime),
    /// This many seconds before the command was given.
    Ago(u64),
}

const TIME_OF_DAY_FORMATS: [&str; 2] = ["%H:%M:%S", "%H:%M"];

const DATE_TIME_FORMATS: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
];

impl RpoPoint {
    /// Examples of the accepted forms, for error messages.
    pub const FORMS: &'static str = "a UTC time such as 14:30, 2026-11-25 14:30 or \
        2026-11-25T14:30:00+01:00, or a span such as 10m ago";

    /// Reads any of the accepted forms; a trailing `UTC` is allowed on times without an offset.
    pub fn parse(text: &str) -> Option<RpoPoint> {
        let text = text.trim();
        if let Some(span) = strip_suffix_ignore_case(text, "ago") {
            return parse_duration(span).map(RpoPoint::Ago);
        }
        if let Ok(with_offset) = DateTime::parse_from_rfc3339(text) {
            return whole_seconds(with_offset.naive_utc()).map(RpoPoint::At);
        }
        let text = strip_suffix_ignore_case(text, "utc").map_or(text, str::trim_end);
        let time_of_day = TIME_OF_DAY_FORMATS
            .iter()
            .find_map(|format| NaiveTime::parse_from_str(text, format).ok());
        if let Some(time) = time_of_day {
            return whole_seconds(time).map(RpoPoint::TimeOfDay);
        }
        DATE_TIME_FORMATS
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .and_then(whole_seconds)
            .map(RpoPoint::At)
    }
}

/// Drops fractions of a second (and turns a leap second into the second before).
fn whole_seconds<T: Timelike>(time: T) -> Option<T> {
    time.with_nanosecond(0)
}

impl fmt::Display for RpoPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RpoPoint::TimeOfDay(time) => write!(f, "{}", time.format("%H:%M:%S")),
            RpoPoint::At(at) => write!(f, "{}", at.format("%Y-%m-%d %H:%M:%S")),
            RpoPoint::Ago(secs) => write!(f, "{} ago", format_duration(*secs)),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn time(h: u32, m: u32, s: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, s).unwrap()
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> RpoPoint {
        RpoPoint::At(
            NaiveDate::from_ymd_opt(y, mo, d)
                .unwrap()
                .and_time(time(h, mi, s)),
        )
    }

    #[test]
    fn reads_times_of_day_as_utc() {
        assert_eq!(
            RpoPoint::parse("14:30"),
            Some(RpoPoint::TimeOfDay(time(14, 30, 0)))
        );
        assert_eq!(
            RpoPoint::parse("14:30:15"),
            Some(RpoPoint::TimeOfDay(time(14, 30, 15)))
        );
        assert_eq!(
            RpoPoint::parse(" 09:05 UTC "),
            Some(RpoPoint::TimeOfDay(time(9, 5, 0)))
        );
    }

    #[test]
    fn reads_dates_and_times() {
        assert_eq!(
            RpoPoint::parse("2026-11-25 14:30"),
            Some(at(2026, 11, 25, 14, 30, 0))
        );
        assert_eq!(
            RpoPoint::parse("2026-11-25 14:30:07"),
            Some(at(2026, 11, 25, 14, 30, 7))
        );
        assert_eq!(
            RpoPoint::parse("2026-11-25T14:30:00"),
            Some(at(2026, 11, 25, 14, 30, 0))
        );
        assert_eq!(
            RpoPoint::parse("2026-11-25T14:30 utc"),
            Some(at(2026, 11, 25, 14, 30, 0))
        );
    }

    #[test]
    fn converts_rfc3339_offsets_to_utc() {
        assert_eq!(
            RpoPoint::parse("2026-11-25T14:30:00Z"),
            Some(at(2026, 11, 25, 14, 30, 0))
        );
        assert_eq!(
            RpoPoint::parse("2026-11-25T00:30:00+01:00"),
            Some(at(2026, 11, 24, 23, 30, 0))
        );
        assert_eq!(
            RpoPoint::parse("2026-11-25T14:30:00.999-02:30"),
            Some(at(2026, 11, 25, 17, 0, 0))
        );
    }

    #[test]
    fn reads_spans_ago() {
        assert_eq!(RpoPoint::parse("10m ago"), Some(RpoPoint::Ago(600)));
        assert_eq!(RpoPoint::parse("10 minutes ago"), Some(RpoPoint::Ago(600)));
        assert_eq!(RpoPoint::parse("1h30m AGO"), Some(RpoPoint::Ago(5_400)));
    }

    #[test]
    fn refuses_anything_else() {
        for text in [
            "",
            "yesterday",
            "10m",
            "ago",
            "banana ago",
            "25:00",
            "14:30:00:00",
            "2026-13-01 10:00",
            "2026-11-25",
            "14:30 PST",
            "14.30",
            "2026-11-25T14:30:00+25:00",
        ] {
            assert_eq!(RpoPoint::parse(text), None, "{text}");
        }
    }

    #[test]
    fn prints_canonical_forms_that_read_back() {
        for (text, canonical) in [
            ("14:30", "14:30:00"),
            ("2026-11-25T14:30", "2026-11-25 14:30:00"),
            ("2026-11-25T14:30:00+01:00", "2026-11-25 13:30:00"),
            ("90 minutes ago", "1h 30m ago"),
            ("0s ago", "0s ago"),
        ] {
            let point = RpoPoint::parse(text).unwrap();
            assert_eq!(point.to_string(), canonical, "{text}");
            assert_eq!(RpoPoint::parse(canonical), Some(point), "{text}");
        }
    }

    #[test]
    fn keeps_times_to_the_second() {
        assert_eq!(
            RpoPoint::parse("2026-12-31T23:59:60Z"),
            Some(at(2026, 12, 31, 23, 59, 59))
        );
    }
}
