//! How fast and how often the worker may try: the platform's pacing and the retry backoff, as
//! plain arithmetic on durations.

use std::time::Duration;

use super::DeliveryError;

/// The limits a worker keeps to. [`DeliveryPolicy::default`] suits Slack (about one message per
/// second per channel) and Discord (five per five seconds per channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// The least time between two attempts in one channel.
    pub channel_interval: Duration,
    /// The wait after a first failure; it doubles with each failure in a row (the post's stored
    /// attempt count), up to `max_backoff`. A 429's `Retry-After` replaces it.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// How many channels are sent to at once. One channel is always sent to one post at a time.
    pub max_in_flight: usize,
    /// How many channels' posts one round reads from the store.
    pub batch: u32,
    /// How long a post claimed for delivery is held before another worker may take it over
    /// (when this one died mid-delivery). Must exceed the sender's own timeout.
    pub claim_lease: Duration,
    /// The longest the worker sleeps when it knows of nothing due, and its pause after a store
    /// error: posts queued without a wake-up (by another replica) are found within this.
    pub idle_poll: Duration,
    /// The shortest time between two rounds: a burst of commands ringing the worker costs one
    /// round, not one each (posts wait at most this long for it).
    pub round_gap: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> DeliveryPolicy {
        DeliveryPolicy {
            channel_interval: Duration::from_secs(1),
            first_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(5 * 60),
            max_in_flight: 4,
            batch: 100,
            claim_lease: Duration::from_secs(2 * 60),
            idle_poll: Duration::from_secs(10),
            round_gap: Duration::from_millis(100),
        }
    }
}

impl DeliveryPolicy {
    /// How long to wait before trying again a post that just failed with `error`, after
    /// `failed_before` earlier failed attempts: exactly the platform's `Retry-After` for a 429,
    /// else `first_backoff × 2^failed_before`, at most `max_backoff`.
    pub fn retry_delay(&self, error: &DeliveryError, failed_before: u32) -> Duration {
        match error {
            DeliveryError::RateLimited { retry_after } => *retry_after,
            DeliveryError::Transient(_) | DeliveryError::Rejected(_) => {
                let factor = 2u32.checked_pow(failed_before).unwrap_or(u32::MAX);
                self.first_backoff
                    .saturating_mul(factor)
                    .min(self.max_backoff)
            }
        }
    }
}

/// A duration in the store's milliseconds (saturating: no due time is that far).
pub(super) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_retry_after_is_taken_as_given() {
        let policy = DeliveryPolicy::default();
        let transient = DeliveryError::Transient("HTTP 503".into());
        let delays: Vec<u64> = [0, 1, 2, 3, 8, 9, 40]
            .into_iter()
            .map(|n| policy.retry_delay(&transient, n).as_secs())
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 256, 300, 300]);
        let refused = DeliveryError::Rejected("channel_not_found".into());
        assert_eq!(policy.retry_delay(&refused, 2), Duration::from_secs(4));
        let limited = DeliveryError::RateLimited {
            retry_after: Duration::from_millis(1500),
        };
        assert_eq!(
            policy.retry_delay(&limited, 30),
            Duration::from_millis(1500)
        );
    }

    #[test]
    fn millis_saturate() {
        assert_eq!(millis(Duration::from_secs(2)), 2000);
        assert_eq!(millis(Duration::MAX), i64::MAX);
    }
}
