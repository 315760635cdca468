//! How fast and how often the worker may try: the platform's pacing, the retry backoff, and when
//! a post refused for good is given up, as plain arithmetic on durations and counts.

use std::time::Duration;

use super::DeliveryError;

/// The default [`DeliveryPolicy::delivery_deadline`]: well within the claim lease.
pub const DELIVERY_DEADLINE: Duration = Duration::from_secs(60);

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
    /// How many attempts a post refused as [`DeliveryError::Undeliverable`] gets before it is
    /// a dead letter: a few, in case the platform misspoke, then its channel goes on (with the
    /// default backoff, about 15 seconds after the first attempt).
    pub dead_after: u32,
    /// How many channels are sent to at once. One channel is always sent to one post at a time.
    pub max_in_flight: usize,
    /// How many channels' posts one round reads from the store.
    pub batch: u32,
    /// How long a post claimed for delivery is held before another worker may take it over
    /// (when this one died mid-delivery). Must exceed the delivery deadline.
    pub claim_lease: Duration,
    /// The longest one delivery may take, all its calls together (an edit of a deleted message
    /// and the new post in its place): then it is a transient failure, tried again later.
    pub delivery_deadline: Duration,
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
            dead_after: 5,
            max_in_flight: 4,
            batch: 100,
            claim_lease: Duration::from_secs(2 * 60),
            delivery_deadline: DELIVERY_DEADLINE,
            idle_poll: Duration::from_secs(10),
            round_gap: Duration::from_millis(100),
        }
    }
}

/// What the worker does with a post after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try it again after this long; it keeps holding its channel meanwhile.
    RetryIn(Duration),
    /// Give it up: a dead letter, which holds nothing back.
    GiveUp,
}

impl DeliveryPolicy {
    /// What to do with a post that just failed with `error`, after `failed_before` earlier
    /// failed attempts: give up an [`Undeliverable`](DeliveryError::Undeliverable) one on its
    /// [`dead_after`](DeliveryPolicy::dead_after)th attempt; else wait [`Self::retry_delay`].
    pub fn after_failure(&self, error: &DeliveryError, failed_before: u32) -> AfterFailure {
        let attempts = failed_before.saturating_add(1);
        match error {
            DeliveryError::Undeliverable(_) if attempts >= self.dead_after => AfterFailure::GiveUp,
            _ => AfterFailure::RetryIn(self.retry_delay(error, failed_before)),
        }
    }

    /// How long to wait before trying again a post that just failed with `error`, after
    /// `failed_before` earlier failed attempts: exactly the platform's `Retry-After` for a 429,
    /// else `first_backoff × 2^failed_before`, at most `max_backoff`.
    pub fn retry_delay(&self, error: &DeliveryError, failed_before: u32) -> Duration {
        match error {
            DeliveryError::RateLimited { retry_after } => *retry_after,
            DeliveryError::Transient(_)
            | DeliveryError::Rejected(_)
            | DeliveryError::Undeliverable(_)
            | DeliveryError::EditedMessageGone(_) => {
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
    fn only_a_post_refused_for_good_is_given_up_and_only_on_its_last_attempt() {
        let policy = DeliveryPolicy::default();
        let too_long = DeliveryError::Undeliverable("msg_too_long".into());
        let decisions: Vec<AfterFailure> = (0..6)
            .map(|before| policy.after_failure(&too_long, before))
            .collect();
        let backoff = |s| AfterFailure::RetryIn(Duration::from_secs(s));
        assert_eq!(
            decisions,
            [
                backoff(1),
                backoff(2),
                backoff(4),
                backoff(8),
                AfterFailure::GiveUp,
                AfterFailure::GiveUp
            ]
        );
        for fixable in [
            DeliveryError::Rejected("channel_not_found".into()),
            DeliveryError::Transient("HTTP 503".into()),
        ] {
            assert_eq!(
                policy.after_failure(&fixable, 1000),
                AfterFailure::RetryIn(policy.max_backoff),
                "{fixable}"
            );
        }
    }

    #[test]
    fn millis_saturate() {
        assert_eq!(millis(Duration::from_secs(2)), 2000);
        assert_eq!(millis(Duration::MAX), i64::MAX);
    }
}
