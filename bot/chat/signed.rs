//! What every signed webhook request is checked for, on any platform, before anything else
//! happens ([`admit`]): its content type, its signature (the platform's own check), a timestamp
//! within [`REPLAY_WINDOW_SECS`] of now, and a signature not accepted before ([`ReplayGuard`]:
//! by this process, and through a [`RequestLedger`] by another replica or before a restart).
//! The same guard takes an interaction that reaches every replica over Discord's Gateway once
//! ([`ReplayGuard::take_once`]).
//! [`Refused`] says why a request was turned away, and which HTTP status that earns.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

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
    /// The ledger could not be asked; the field says why.
    #[error("cannot tell whether this request is a replay, so it is not taken ({0}); try again")]
    Unchecked(String),
}

impl Refused {
    /// 400 for a request that is not even shaped like a signed one, 503 when the ledger could
    /// not be asked, 401 for the rest.
    pub fn status(&self) -> StatusCode {
        match self {
            Refused::Missing(_) | Refused::Malformed(_) => StatusCode::BAD_REQUEST,
            Refused::Unchecked(_) => StatusCode::SERVICE_UNAVAILABLE,
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
pub async fn admit(
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
    let checked = match verify(timestamp, signature, body, now_secs) {
        Ok(()) => {
            let sent_at = timestamp.and_then(|ts| ts.parse().ok()).unwrap_or(now_secs);
            replays
                .first_time(signature.unwrap_or_default(), sent_at, now_secs)
                .await
        }
        Err(refused) => Err(refused),
    };
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

/// Where the signatures of accepted requests are kept beyond this process, so that another
/// replica, or this one after a restart, refuses them too (the store, given by `serve`).
pub trait RequestLedger: Send + Sync {
    /// Records `signature`, which may be forgotten after `expires_at_secs`; `Ok(false)` when it
    /// was recorded before: a replay.
    fn record<'a>(
        &'a self,
        signature: &'a str,
        expires_at_secs: i64,
    ) -> Pin<Box<dyn Future<Output = Result<bool, LedgerError>> + Send + 'a>>;
}

/// Why the ledger could not be asked.
pub type LedgerError = Box<dyn std::error::Error + Send + Sync>;

/// Remembers the signatures accepted in the last window, to refuse a request sent twice. Older
/// ones need no memory: their timestamp is stale by then. Signatures are hex, compared in lower
/// case: the same signature in upper case is the same request. Forgetting walks the oldest arrivals
/// only, so a check costs the same with ten or ten thousand requests in the window.
///
/// With a [`RequestLedger`], a signature this process has not seen is recorded there too, and
/// refused if it was before. Cheap to clone: clones share what they remember.
#[derive(Clone, Default)]
pub struct ReplayGuard {
    seen: Arc<Mutex<Seen>>,
    ledger: Option<Arc<dyn RequestLedger>>,
}

impl fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayGuard")
            .field("ledger", &self.ledger.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Seen {
    signatures: HashSet<String>,
    /// `(sent_at, signature)` in the order they arrived.
    arrivals: VecDeque<(i64, String)>,
}

impl ReplayGuard {
    /// A guard that also asks `ledger`, remembering from the start the `(signature, sent_at)`
    /// accepted before (those the ledger kept from a previous run).
    pub fn with_ledger(
        ledger: Arc<dyn RequestLedger>,
        accepted_before: impl IntoIterator<Item = (String, i64)>,
    ) -> ReplayGuard {
        let mut seen = Seen::default();
        for (signature, sent_at) in accepted_before {
            let signature = signature.to_ascii_lowercase();
            if seen.signatures.insert(signature.clone()) {
                seen.arrivals.push_back((sent_at, signature));
            }
        }
        ReplayGuard {
            seen: Arc::new(Mutex::new(seen)),
            ledger: Some(ledger),
        }
    }

    /// Records `signature` (of a request stamped `sent_at`), or refuses it if already seen, here
    /// or by the ledger.
    pub async fn first_time(
        &self,
        signature: &str,
        sent_at: i64,
        now_secs: i64,
    ) -> Result<(), Refused> {
        let signature = signature.to_ascii_lowercase();
        self.remember(&signature, sent_at, now_secs)?;
        let Some(ledger) = &self.ledger else {
            return Ok(());
        };
        match ledger
            .record(&signature, sent_at.saturating_add(REPLAY_WINDOW_SECS))
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(Refused::Replayed),
            Err(error) => Err(Refused::Unchecked(error.to_string())),
        }
    }

    /// Takes `key` once, received at `now_secs`, across the replicas that share the ledger: for
    /// what every replica receives alike and carries an id instead of a signature (an
    /// interaction over Discord's Gateway). [`Refused::Replayed`] when another took it first.
    pub async fn take_once(&self, key: &str, now_secs: i64) -> Result<(), Refused> {
        self.first_time(key, now_secs, now_secs).await
    }

    /// Remembers `signature` in this process, or refuses it if already there.
    fn remember(&self, signature: &str, sent_at: i64, now_secs: i64) -> Result<(), Refused> {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some((at, _)) = seen.arrivals.front() {
            if now_secs.saturating_sub(*at).abs() <= REPLAY_WINDOW_SECS {
                break;
            }
            if let Some((_, old)) = seen.arrivals.pop_front() {
                seen.signatures.remove(&old);
            }
        }
        if !seen.signatures.insert(signature.to_string()) {
            return Err(Refused::Replayed);
        }
        seen.arrivals.push_back((sent_at, signature.to_string()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_is_accepted_once_within_the_window() {
        let guard = ReplayGuard::default();
        assert_eq!(guard.first_time("v0=aa", 1000, 1000).await, Ok(()));
        assert_eq!(
            guard.first_time("v0=aa", 1000, 1010).await,
            Err(Refused::Replayed)
        );
        assert_eq!(guard.first_time("v0=bb", 1000, 1010).await, Ok(()));
        // Hex in upper case is the same signature.
        assert_eq!(
            guard.first_time("V0=BB", 1000, 1010).await,
            Err(Refused::Replayed)
        );
        // Forgotten once stale (the age check refuses it by then anyway).
        assert_eq!(guard.first_time("v0=aa", 1000, 1000 + 301).await, Ok(()));
        let seen = guard.seen.lock().unwrap();
        assert_eq!((seen.signatures.len(), seen.arrivals.len()), (1, 1));
    }

    /// A ledger that has seen `v0=elsewhere`, or cannot be reached.
    struct Ledger {
        reachable: bool,
        asked: Mutex<Vec<(String, i64)>>,
    }

    impl RequestLedger for Ledger {
        fn record<'a>(
            &'a self,
            signature: &'a str,
            expires_at_secs: i64,
        ) -> Pin<Box<dyn Future<Output = Result<bool, LedgerError>> + Send + 'a>> {
            self.asked
                .lock()
                .unwrap()
                .push((signature.to_string(), expires_at_secs));
            let answer = match self.reachable {
                true => Ok(signature != "v0=elsewhere"),
                false => Err("the database is not answering".into()),
            };
            Box::pin(async move { answer })
        }
    }

    #[tokio::test]
    async fn the_ledger_refuses_what_another_process_accepted_and_what_a_previous_run_did() {
        let ledger = Arc::new(Ledger {
            reachable: true,
            asked: Mutex::default(),
        });
        let guard = ReplayGuard::with_ledger(ledger.clone(), [("V0=BEFORE".to_string(), 990)]);
        assert_eq!(guard.first_time("v0=new", 1000, 1000).await, Ok(()));
        assert_eq!(
            guard.first_time("v0=elsewhere", 1000, 1000).await,
            Err(Refused::Replayed)
        );
        assert_eq!(
            guard.first_time("v0=before", 990, 1000).await,
            Err(Refused::Replayed)
        );
        // An id taken once, kept for the window from its arrival.
        assert_eq!(guard.take_once("discord-interaction:7", 1005).await, Ok(()));
        assert_eq!(
            guard.take_once("discord-interaction:7", 1006).await,
            Err(Refused::Replayed)
        );
        // Asked once for each signature this process had not seen, kept until out of the window.
        assert_eq!(
            *ledger.asked.lock().unwrap(),
            [
                ("v0=new".to_string(), 1300),
                ("v0=elsewhere".to_string(), 1300),
                ("discord-interaction:7".to_string(), 1305)
            ]
        );

        let unreachable = ReplayGuard::with_ledger(
            Arc::new(Ledger {
                reachable: false,
                asked: Mutex::default(),
            }),
            [],
        );
        let refused = unreachable
            .first_time("v0=new", 1000, 1000)
            .await
            .unwrap_err();
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            refused.to_string(),
            "cannot tell whether this request is a replay, so it is not taken \
             (the database is not answering); try again"
        );
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
