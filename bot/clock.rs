//! Where time comes from. Everything that reads the time takes a [`Clock`], so a test or the
//! console's `--clock simulated` can run a 15-minute cadence in virtual time, instantly.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

use crate::instant::UnixMillis;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Real time, or a rehearsal's.
    fn kind(&self) -> ClockKind;

    /// The time now, as the store and the incidents keep it.
    fn now_millis(&self) -> UnixMillis {
        UnixMillis::from(self.now())
    }
}

/// Whether a clock tells real time or a rehearsal's (which a store written in real time refuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    Real,
    Simulated,
}

/// The real wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn kind(&self) -> ClockKind {
        ClockKind::Real
    }
}

/// A clock that moves only when told to. Clones share the same time.
#[derive(Debug, Clone)]
pub struct SimulatedClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl SimulatedClock {
    pub fn starting_at(start: DateTime<Utc>) -> SimulatedClock {
        SimulatedClock {
            now: Arc::new(Mutex::new(start)),
        }
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }
}

impl Clock for SimulatedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn kind(&self) -> ClockKind {
        ClockKind::Simulated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulated_clock_moves_only_when_advanced_and_clones_share_time() {
        let start = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let clock = SimulatedClock::starting_at(start);
        let other = clock.clone();
        assert_eq!(clock.now(), start);
        other.advance(Duration::minutes(15));
        assert_eq!(clock.now(), start + Duration::minutes(15));
    }
}
