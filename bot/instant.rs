//! An instant as the bot keeps it: milliseconds since the Unix epoch, as the store's BIGINT
//! columns and the incidents' snapshots hold it. [`UnixMillis`] keeps such a number from being
//! taken for an id or a count; the conversions to and from the clock's `DateTime` are here.

use std::ops::{Add, Sub};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An instant, in milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixMillis(i64);

impl UnixMillis {
    pub const fn new(millis: i64) -> UnixMillis {
        UnixMillis(millis)
    }

    /// The number of milliseconds since the epoch (negative before it), as stored.
    pub const fn millis(self) -> i64 {
        self.0
    }

    pub fn from_datetime(at: DateTime<Utc>) -> UnixMillis {
        UnixMillis(at.timestamp_millis())
    }

    /// The instant as a date and time; `None` beyond what chrono can represent.
    pub fn to_datetime(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_millis(self.0)
    }
}

/// `millis` milliseconds later (earlier when negative), saturating at the ends of time.
impl Add<i64> for UnixMillis {
    type Output = UnixMillis;

    fn add(self, millis: i64) -> UnixMillis {
        UnixMillis(self.0.saturating_add(millis))
    }
}

/// `millis` milliseconds earlier, saturating at the ends of time.
impl Sub<i64> for UnixMillis {
    type Output = UnixMillis;

    fn sub(self, millis: i64) -> UnixMillis {
        UnixMillis(self.0.saturating_sub(millis))
    }
}

impl From<DateTime<Utc>> for UnixMillis {
    fn from(at: DateTime<Utc>) -> UnixMillis {
        UnixMillis::from_datetime(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_clock_and_serialises_as_the_bare_number() {
        let at = DateTime::from_timestamp(1_700_000_000, 123_000_000).unwrap();
        let millis = UnixMillis::from(at);
        assert_eq!(millis.millis(), 1_700_000_000_123);
        assert_eq!(millis.to_datetime(), Some(at));
        assert_eq!((millis + 877).millis(), 1_700_000_001_000);
        assert_eq!((UnixMillis::new(i64::MAX) + 1).millis(), i64::MAX);
        assert_eq!((millis - 123).millis(), 1_700_000_000_000);
        assert_eq!(serde_json::to_string(&millis).unwrap(), "1700000000123");
        assert_eq!(
            serde_json::from_str::<UnixMillis>("1700000000123").unwrap(),
            millis
        );
    }
}
