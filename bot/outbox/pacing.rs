//! Per-channel pacing: when each channel was last sent to, so that no two attempts in one channel
//! come closer than the policy's interval.
//!
//! Kept in memory, per worker: after a restart, or with a second replica sending to the same
//! channel, a post may follow the previous one sooner. The platform then answers 429 and the
//! worker waits as told, so this costs a retry, never a post.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use crate::store::{ChannelKey, UnixMillis};

#[derive(Debug)]
pub(super) struct Pacing {
    interval_ms: i64,
    /// The last attempt in each channel, dropped once the interval has passed.
    last_attempt: Mutex<HashMap<ChannelKey, UnixMillis>>,
}

impl Pacing {
    pub fn new(interval_ms: i64) -> Pacing {
        Pacing {
            interval_ms,
            last_attempt: Mutex::new(HashMap::new()),
        }
    }

    /// When `channel` may be sent to next, if that is after `now_ms`.
    pub fn busy_until(&self, channel: &ChannelKey, now_ms: UnixMillis) -> Option<UnixMillis> {
        let last = self.lock().get(channel).copied()?;
        let free_at = last + self.interval_ms;
        (free_at > now_ms).then_some(free_at)
    }

    /// Notes an attempt in `channel` at `at_ms`.
    pub fn record(&self, channel: &ChannelKey, at_ms: UnixMillis) {
        self.lock().insert(channel.clone(), at_ms);
    }

    /// When a channel sent to at `at_ms` may be sent to again.
    pub fn free_after(&self, at_ms: UnixMillis) -> UnixMillis {
        at_ms + self.interval_ms
    }

    /// Forgets the channels whose interval has passed, so the map holds only recent channels.
    pub fn forget_idle(&self, now_ms: UnixMillis) {
        let interval = self.interval_ms;
        self.lock().retain(|_, last| *last + interval > now_ms);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelKey, UnixMillis>> {
        self.last_attempt
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(id: &str) -> ChannelKey {
        ChannelKey {
            platform: crate::platform::Platform::Slack,
            workspace: "T1".into(),
            channel: id.into(),
        }
    }

    #[test]
    fn a_channel_is_busy_for_one_interval_after_an_attempt() {
        let at = UnixMillis::new;
        let pacing = Pacing::new(1000);
        let (a, b) = (channel("A"), channel("B"));
        assert_eq!(pacing.busy_until(&a, at(0)), None);
        pacing.record(&a, at(5000));
        assert_eq!(pacing.busy_until(&a, at(5000)), Some(at(6000)));
        assert_eq!(pacing.busy_until(&a, at(5999)), Some(at(6000)));
        assert_eq!(pacing.busy_until(&a, at(6000)), None);
        assert_eq!(pacing.busy_until(&b, at(5000)), None);
        pacing.forget_idle(at(6000));
        assert!(pacing.lock().is_empty());
    }
}
