//! How much the HTTP server gives a client (`HTTP_HEADER_TIMEOUT`, `HTTP_BODY_TIMEOUT`,
//! `HTTP_MAX_CONNECTIONS`) and how long a stop waits for requests in flight (`SHUTDOWN_TIMEOUT`),
//! read from the environment with defaults that suit Slack's and Discord's small, quick requests.

use std::time::Duration;

use commands::duration::parse_duration;

use crate::environment::Environment;

/// What the HTTP server allows its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// From the first byte of a request (or the end of the previous one on a kept-alive
    /// connection) until its headers are all in; then the connection is closed.
    pub header_timeout: Duration,
    /// From the headers until the last byte of the body; then `408 Request Timeout`.
    pub body_timeout: Duration,
    /// Connections served at once; one more is answered `503 Service Unavailable` and closed.
    pub max_connections: usize,
    /// How long a stop waits for requests in flight before closing their connections.
    pub shutdown_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> HttpLimits {
        HttpLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 256,
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// The longest timeout any of the settings takes.
const MAX_TIMEOUT_SECS: u64 = 300;

/// The most connections `HTTP_MAX_CONNECTIONS` takes.
const MAX_CONNECTIONS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitsError {
    #[error("{name}=\"{value}\" is not valid: a duration from 1s to 5m, like 10s")]
    Timeout { name: &'static str, value: String },
    #[error("HTTP_MAX_CONNECTIONS=\"{0}\" is not valid: a number from 1 to 100000")]
    Connections(String),
}

impl HttpLimits {
    /// The limits the environment sets, each else its default.
    pub fn from_environment(env: &Environment) -> Result<HttpLimits, LimitsError> {
        let defaults = HttpLimits::default();
        let max_connections = match env.get("HTTP_MAX_CONNECTIONS") {
            None => defaults.max_connections,
            Some(text) => text
                .trim()
                .parse()
                .ok()
                .filter(|count| (1..=MAX_CONNECTIONS).contains(count))
                .ok_or(LimitsError::Connections(text))?,
        };
        Ok(HttpLimits {
            header_timeout: timeout(env, "HTTP_HEADER_TIMEOUT", defaults.header_timeout)?,
            body_timeout: timeout(env, "HTTP_BODY_TIMEOUT", defaults.body_timeout)?,
            max_connections,
            shutdown_timeout: timeout(env, "SHUTDOWN_TIMEOUT", defaults.shutdown_timeout)?,
        })
    }
}

fn timeout(
    env: &Environment,
    name: &'static str,
    default: Duration,
) -> Result<Duration, LimitsError> {
    let Some(text) = env.get(name) else {
        return Ok(default);
    };
    parse_duration(&text)
        .filter(|secs| (1..=MAX_TIMEOUT_SECS).contains(secs))
        .map(Duration::from_secs)
        .ok_or(LimitsError::Timeout { name, value: text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_is_the_defaults_and_each_setting_is_read() {
        assert_eq!(
            HttpLimits::from_environment(&Environment::of(&[])),
            Ok(HttpLimits::default())
        );
        let env = Environment::of(&[
            ("HTTP_HEADER_TIMEOUT", "5s"),
            ("HTTP_BODY_TIMEOUT", "1m"),
            ("HTTP_MAX_CONNECTIONS", " 64 "),
            ("SHUTDOWN_TIMEOUT", "25s"),
        ]);
        assert_eq!(
            HttpLimits::from_environment(&env),
            Ok(HttpLimits {
                header_timeout: Duration::from_secs(5),
                body_timeout: Duration::from_secs(60),
                max_connections: 64,
                shutdown_timeout: Duration::from_secs(25),
            })
        );
    }

    #[test]
    fn a_value_out_of_range_says_what_would_do() {
        let error = |vars: &[(&str, &str)]| {
            HttpLimits::from_environment(&Environment::of(vars))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(&[("HTTP_BODY_TIMEOUT", "1h")]),
            "HTTP_BODY_TIMEOUT=\"1h\" is not valid: a duration from 1s to 5m, like 10s"
        );
        assert_eq!(
            error(&[("SHUTDOWN_TIMEOUT", "soon")]),
            "SHUTDOWN_TIMEOUT=\"soon\" is not valid: a duration from 1s to 5m, like 10s"
        );
        assert_eq!(
            error(&[("HTTP_MAX_CONNECTIONS", "0")]),
            "HTTP_MAX_CONNECTIONS=\"0\" is not valid: a number from 1 to 100000"
        );
    }
}
