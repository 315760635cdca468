//! The replay guard of the signed routes, on the store: a request Slack or Discord signed is
//! taken once by all replicas of a PostgreSQL database, and once across restarts of the process
//! that writes a SQLite file (see `store::seen_requests` for how each backend keeps them).
//! Expired signatures are deleted every minute.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::chat::signed::{LedgerError, ReplayGuard, RequestLedger, REPLAY_WINDOW_SECS};
use crate::clock::Clock;
use crate::store::{Store, StoreError, UnixMillis};

/// How often expired signatures are deleted (real time).
const PURGE_EVERY: Duration = Duration::from_secs(60);

/// The store as the replay guard's ledger.
struct StoredRequests(Store);

impl RequestLedger for StoredRequests {
    fn record<'a>(
        &'a self,
        signature: &'a str,
        expires_at_secs: i64,
    ) -> Pin<Box<dyn Future<Output = Result<bool, LedgerError>> + Send + 'a>> {
        Box::pin(async move {
            let expires_at = UnixMillis::new(expires_at_secs.saturating_mul(1000));
            Ok(self.0.record_request(signature, expires_at).await?)
        })
    }
}

/// The guard for every platform's signed routes, remembering what the store kept from a
/// previous run that is still within the window at `now`.
pub async fn guard(store: &Store, now: UnixMillis) -> Result<ReplayGuard, StoreError> {
    let window_millis = REPLAY_WINDOW_SECS * 1000;
    let accepted_before = store.recent_requests(now).await?.into_iter().map(|seen| {
        let sent_at = seen.expires_at.millis().saturating_sub(window_millis) / 1000;
        (seen.signature, sent_at)
    });
    Ok(ReplayGuard::with_ledger(
        Arc::new(StoredRequests(store.clone())),
        accepted_before,
    ))
}

/// Deletes expired signatures every [`PURGE_EVERY`] until stopped.
pub async fn purge_expired(
    store: Store,
    clock: Arc<dyn Clock>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(PURGE_EVERY) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
        if let Err(error) = store.forget_expired_requests(clock.now_millis()).await {
            tracing::warn!(
                error = %crate::error_text::with_causes(&error),
                "could not delete the expired signatures of requests; trying again in a minute"
            );
        }
    }
}
