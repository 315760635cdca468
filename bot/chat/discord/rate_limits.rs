//! Discord's rate limits as the REST client keeps them
//! (<https://discord.com/developers/docs/topics/rate-limits>).
//!
//! - A **route** is a method and a path with its major parameter kept (the channel, guild or
//!   webhook it acts on) and other ids replaced: `PATCH /channels/123/messages/:id`.
//! - Each answer names the route's **bucket** (`X-RateLimit-Bucket`); routes sharing a bucket
//!   share its limit, per major parameter. The client remembers how many calls are left
//!   (`X-RateLimit-Remaining`) and when the bucket refills (`X-RateLimit-Reset-After`, seconds).
//! - Before a call, a bucket with none left waits for its reset, when that is at most
//!   [`MAX_WAIT`] away (never longer than the reset says); a longer wait is returned as
//!   [`RestError::RateLimited`], for the outbox to try again then rather than hold a delivery.
//!   A call takes one from what is left as it starts, so calls made at once do not overrun it.
//! - A 429 empties the route's bucket until its `retry_after`; a global one
//!   (`"global": true`) holds back every route until then.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use reqwest::{Method, Response};
use tokio::time::Instant;

use super::rest::{header_seconds, RestError};

/// The longest a call waits for its bucket before giving up with `RateLimited`.
pub const MAX_WAIT: Duration = Duration::from_secs(5);

/// Path parts whose following id is a major parameter.
const MAJOR_RESOURCES: [&str; 4] = ["channels", "guilds", "webhooks", "interactions"];

/// A call's route, as rate limits know it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    /// `PATCH /channels/123/messages/:id`.
    key: String,
    /// `channels/123`, or empty for a route with no major parameter.
    major: String,
}

impl Route {
    pub fn new(method: &Method, path: &[&str]) -> Route {
        let mut major = String::new();
        let mut parts = Vec::with_capacity(path.len());
        for (index, part) in path.iter().enumerate() {
            let previous = index.checked_sub(1).map(|i| path[i]);
            let is_major = major.is_empty()
                && index == 1
                && previous.is_some_and(|resource| MAJOR_RESOURCES.contains(&resource));
            if is_major {
                major = format!("{}/{part}", path[0]);
                parts.push((*part).to_string());
            } else if index > 0 && is_id(part) {
                parts.push(":id".to_string());
            } else {
                parts.push((*part).to_string());
            }
        }
        Route {
            key: format!("{method} /{}", parts.join("/")),
            major,
        }
    }
}

fn is_id(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())
}

/// What is known of one bucket for one major parameter.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    remaining: u64,
    resets_at: Instant,
}

#[derive(Debug, Default)]
struct Known {
    /// The bucket each route answered with.
    buckets_of_routes: HashMap<String, String>,
    /// By bucket and major parameter.
    buckets: HashMap<(String, String), Bucket>,
    global_until: Option<Instant>,
}

impl Known {
    /// The bucket key of a route: Discord's bucket once known, else the route itself.
    fn bucket_key(&self, route: &Route) -> (String, String) {
        let bucket = self
            .buckets_of_routes
            .get(&route.key)
            .cloned()
            .unwrap_or_else(|| route.key.clone());
        (bucket, route.major.clone())
    }
}

/// The limits the client knows of. Clones share them.
#[derive(Debug, Clone, Default)]
pub struct RateLimits {
    known: Arc<Mutex<Known>>,
}

impl RateLimits {
    fn known(&self) -> MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until a call on `route` may go, and takes its turn; `RateLimited` when that is
    /// more than [`MAX_WAIT`] away.
    pub async fn wait_turn(&self, route: &Route) -> Result<(), RestError> {
        loop {
            let wait = self.take_turn(route, Instant::now())?;
            match wait {
                None => return Ok(()),
                Some(until) => tokio::time::sleep_until(until).await,
            }
        }
    }

    /// `None` when the call may go now (its turn taken), or the instant to wait for.
    fn take_turn(&self, route: &Route, now: Instant) -> Result<Option<Instant>, RestError> {
        let mut known = self.known();
        let until = known.global_until.filter(|until| *until > now);
        if let Some(until) = until {
            return wait_or_give_up(until, now, true).map(Some);
        }
        let key = known.bucket_key(route);
        let Some(bucket) = known.buckets.get_mut(&key) else {
            return Ok(None);
        };
        if bucket.resets_at <= now {
            known.buckets.remove(&key);
            return Ok(None);
        }
        if bucket.remaining > 0 {
            bucket.remaining -= 1;
            return Ok(None);
        }
        wait_or_give_up(bucket.resets_at, now, false).map(Some)
    }

    /// Remembers the bucket an answer on `route` reports.
    pub fn record(&self, route: &Route, response: &Response) {
        let headers = response.headers();
        let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let Some(bucket) = text("x-ratelimit-bucket") else {
            return;
        };
        let remaining = text("x-ratelimit-remaining").and_then(|value| value.parse().ok());
        let reset_after = header_seconds(response, "x-ratelimit-reset-after");
        let mut known = self.known();
        known
            .buckets_of_routes
            .insert(route.key.clone(), bucket.to_string());
        let key = known.bucket_key(route);
        match (remaining, reset_after) {
            (Some(remaining), Some(reset_after)) => {
                let resets_at = Instant::now() + reset_after;
                known.buckets.insert(
                    key,
                    Bucket {
                        remaining,
                        resets_at,
                    },
                );
            }
            _ => {
                known.buckets.remove(&key);
            }
        }
    }

    /// A 429 on `route`: nothing more on it (or anywhere, when `global`) for `retry_after`.
    pub fn limited(&self, route: &Route, retry_after: Duration, global: bool) {
        let until = Instant::now() + retry_after;
        let mut known = self.known();
        if global {
            known.global_until = Some(until);
            return;
        }
        let key = known.bucket_key(route);
        known.buckets.insert(
            key,
            Bucket {
                remaining: 0,
                resets_at: until,
            },
        );
    }
}

fn wait_or_give_up(until: Instant, now: Instant, global: bool) -> Result<Instant, RestError> {
    let wait = until - now;
    if wait > MAX_WAIT {
        return Err(RestError::RateLimited {
            retry_after: wait,
            global,
        });
    }
    Ok(until)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_keep_the_major_parameter_and_hide_other_ids() {
        let edit = Route::new(&Method::PATCH, &["channels", "123", "messages", "456"]);
        assert_eq!(edit.key, "PATCH /channels/123/messages/:id");
        assert_eq!(edit.major, "channels/123");
        let other = Route::new(&Method::PATCH, &["channels", "123", "messages", "789"]);
        assert_eq!(edit, other, "one route for every message of a channel");
        let commands = Route::new(
            &Method::PUT,
            &["applications", "11", "guilds", "22", "commands"],
        );
        assert_eq!(commands.key, "PUT /applications/:id/guilds/:id/commands");
        assert_eq!(commands.major, "");
    }

    fn limits_with(route: &Route, remaining: u64, resets_in: Duration, now: Instant) -> RateLimits {
        let limits = RateLimits::default();
        limits.known().buckets.insert(
            (route.key.clone(), route.major.clone()),
            Bucket {
                remaining,
                resets_at: now + resets_in,
            },
        );
        limits
    }

    #[test]
    fn an_exhausted_bucket_waits_for_its_reset_or_gives_up_when_far() {
        let now = Instant::now();
        let post = Route::new(&Method::POST, &["channels", "1", "messages"]);
        let limits = limits_with(&post, 1, Duration::from_secs(2), now);
        assert_eq!(limits.take_turn(&post, now), Ok(None), "one left");
        assert_eq!(
            limits.take_turn(&post, now),
            Ok(Some(now + Duration::from_secs(2))),
            "none left: wait for the reset"
        );
        let elsewhere = Route::new(&Method::POST, &["channels", "2", "messages"]);
        assert_eq!(
            limits.take_turn(&elsewhere, now),
            Ok(None),
            "another channel"
        );
        assert_eq!(
            limits.take_turn(&post, now + Duration::from_secs(2)),
            Ok(None),
            "reset"
        );

        let far = limits_with(&post, 0, Duration::from_secs(30), now);
        assert_eq!(
            far.take_turn(&post, now),
            Err(RestError::RateLimited {
                retry_after: Duration::from_secs(30),
                global: false
            })
        );
    }

    #[test]
    fn a_global_limit_holds_back_every_route() {
        let limits = RateLimits::default();
        let post = Route::new(&Method::POST, &["channels", "1", "messages"]);
        let edit = Route::new(&Method::PATCH, &["channels", "9", "messages", "8"]);
        limits.limited(&post, Duration::from_secs(60), true);
        let now = Instant::now();
        for route in [&post, &edit] {
            assert!(matches!(
                limits.take_turn(route, now),
                Err(RestError::RateLimited { global: true, .. })
            ));
        }
        assert_eq!(
            limits.take_turn(&edit, now + Duration::from_secs(61)),
            Ok(None)
        );
    }
}
