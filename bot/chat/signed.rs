//! What every signed webhook request is checked for, on any platform, before anything else
//! happens ([`admit`]): its content type, its signature (the platform's own check), a timestamp
//! within [`REPLAY_WINDOW_SECS`] of now, and a signature not accepted before ([`ReplayGuard`]).
//! [`Refused`] says why a request was turned away, and which HTTP status that earns.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Mutex, PoisonError};

use axum::http::{header, HeaderMap, StatusCode};

/// How far a request's timestamp may be from now, either way.
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// Why a request was refused: for the log, and as the line answered with the status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("no {0} header")]
    Missing(&'static str),
    #[error("the {0} header is not in the platform's format")]
    Malformed(&'static str),
    #[error("the timestamp is {age_secs} s from now, outside the {REPLAY_WINDOW_SECS} s window (replayed, or this machine's clock is off)")]
    Stale { age_secs: i64 },
    /// The signature is not the app's; the field names the setting that holds the app's key.
    #[error("the signature does not match: check {0}")]
    BadSignature(&'static str),
    #[error("this exact request was already received (a replay)")]
    Replayed,
}

impl Refused {
    /// 400 for a request that is not even shaped like a signed one, 401 for the rest.
    pub fn status(&self) -> StatusCode {
        match self {
            Refused::Missing(_) | Refused::Malformed(_) => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNAUTHORIZED,
        }
    }
}

/// How a platform's signed requests look.
pub struct SignedRequests {
    /// `Slack`, `Discord`: for the log.
    pub platform: &'static str,
    /// The only content type taken: `application/json`.
    pub content_type: &'static str,
    pub timestamp_header: &'static str,
    pub signature_header: &'static str,
}

/// A request refused before it reached the engine: the status, and a line saying why.
pub type Refusal = (StatusCode, String);

pub fn refusal(status: StatusCode, why: impl fmt::Display) -> Refusal {
    (status, format!("{why}\n"))
}

/// The checks every request to `route` passes first, at `now_secs`: the content type, then
/// `verify` (the platform's signature and age check, given the timestamp and signature headers),
/// then the replay guard. A refusal is logged.
pub fn admit(
    requests: &SignedRequests,
    route: &str,
    headers: &HeaderMap,
    body: &[u8],
    now_secs: i64,
    replays: &ReplayGuard,
    verify: impl FnOnce(Option<&str>, Option<&str>, &[u8], i64) -> Result<(), Refused>,
) -> Result<(), Refusal> {
    let takes_content = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case(requests.content_type));
    if !takes_content {
        return Err(refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format_args!("expected {}", requests.content_type),
        ));
    }
    let text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let (timestamp, signature) = (
        text(requests.timestamp_header),
        text(requests.signature_header),
    );
    let checked = verify(timestamp, signature, body, now_secs).and_then(|()| {
        let sent_at = timestamp.and_then(|ts| ts.parse().ok()).unwrap_or(now_secs);
        replays.first_time(signature.unwrap_or_default(), sent_at, now_secs)
    });
    checked.map_err(|refused| {
        tracing::warn!(
            route,
            %refused,
            "refused a request claiming to come from {}",
            requests.platform
        );
        refusal(refused.status(), refused)
    })
}

/// A request's timestamp header as Unix seconds.
pub fn parse_timestamp(timestamp: &str, header: &'static str) -> Result<i64, Refused> {
    timestamp.parse().map_err(|_| Refused::Malformed(header))
}

/// Refuses a request stamped `sent_at` that is outside the window around `now_secs`. Check the
/// signature first: a forged timestamp is a bad signature, not a stale request.
pub fn check_age(sent_at: i64, now_secs: i64) -> Result<(), Refused> {
    let age_secs = now_secs.saturating_sub(sent_at);
    if age_secs.abs() > REPLAY_WINDOW_SECS {
        return Err(Refused::Stale { age_secs });
    }
    Ok(())
}

/// Remembers the signatures accepted in the last window, to refuse a request sent twice. Older
/// ones need no memory: their timestamp is stale by then. Signatures are hex, compared in lower
/// case: the same signature in upper case is the same request. Forgetting walks the oldest arrivals
/// only, so a check costs the same with ten or ten thousand requests in the window.
#[derive(Debug, Default)]
pub struct ReplayGuard {
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    signatures: HashSet<String>,
    /// `(sent_at, signature)` in the order they arrived.
    arrivals: VecDeque<(i64, String)>,
}

impl ReplayGuard {
    /// Records `signature` (of a request stamped `sent_at`), or refuses it if already seen.
    pub fn first_time(&self, signature: &str, sent_at: i64, now_secs: i64) -> Result<(), Refused> {
        let signature = signature.to_ascii_lowercase();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some((at, _)) = seen.arrivals.front() {
            if now_secs.saturating_sub(*at).abs() <= REPLAY_WINDOW_SECS {
                break;
            }
            if let Some((_, old)) = seen.arrivals.pop_front() {
                seen.signatures.remove(&old);
            }
        }
        if !seen.signatures.insert(signature.clone()) {
            return Err(Refused::Replayed);
        }
        seen.arrivals.push_back((sent_at, signature));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_accepted_once_within_the_window() {
        let guard = ReplayGuard::default();
        assert_eq!(guard.first_time("v0=aa", 1000, 1000), Ok(()));
        assert_eq!(
            guard.first_time("v0=aa", 1000, 1010),
            Err(Refused::Replayed)
        );
        assert_eq!(guard.first_time("v0=bb", 1000, 1010), Ok(()));
        // Hex in upper case is the same signature.
        assert_eq!(
            guard.first_time("V0=BB", 1000, 1010),
            Err(Refused::Replayed)
        );
        // Forgotten once stale (the age check refuses it by then anyway).
        assert_eq!(guard.first_time("v0=aa", 1000, 1000 + 301), Ok(()));
        let seen = guard.seen.lock().unwrap();
        assert_eq!((seen.signatures.len(), seen.arrivals.len()), (1, 1));
    }

    #[test]
    fn timestamps_are_checked_both_ways() {
        assert_eq!(check_age(1000, 1299), Ok(()));
        assert_eq!(check_age(1000, 701), Ok(()));
        assert_eq!(check_age(1000, 1301), Err(Refused::Stale { age_secs: 301 }));
        assert_eq!(check_age(1000, 699), Err(Refused::Stale { age_secs: -301 }));
        assert_eq!(parse_timestamp("1000", "x-ts"), Ok(1000));
        assert_eq!(
            parse_timestamp("soon", "x-ts"),
            Err(Refused::Malformed("x-ts"))
        );
        assert_eq!(Refused::Missing("x").status(), StatusCode::BAD_REQUEST);
        assert_eq!(Refused::Replayed.status(), StatusCode::UNAUTHORIZED);
    }
}
