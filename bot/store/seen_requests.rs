//! The signatures of the signed requests accepted lately (`chat::signed`'s replay guard), so that
//! a captured request sent again is refused by another replica and after a restart.
//!
//! On a database several processes share (PostgreSQL), each signature is inserted before its
//! request is handled, `ON CONFLICT DO NOTHING`: the insert that adds no row is a replay. A
//! database one process writes (SQLite) has that process remember what it accepted, so the
//! store only keeps them for the next start: the rows ride along with the store's next write,
//! most often the request's own commit, and cost the hot path no write (and no fsync) of their
//! own. That table is ordered by expiry, with no index of signatures to update at random. A
//! request that committed nothing has its row written by the next write, at the latest the
//! purge of expired ones ([`Store::forget_expired_requests`], every minute); a crash before then
//! loses only signatures of requests that changed nothing, whose replay changes nothing either.

use std::sync::{Mutex, PoisonError};

use super::dialect::bind_all;
use super::statements::{statement, OwnedStatement, Statement};
use super::{Access, Store, StoreError, UnixMillis};

/// A request's signature, and when it may be forgotten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenRequest {
    pub signature: String,
    pub expires_at: UnixMillis,
}

/// A sole writer's signatures not yet written: they go with its next write.
#[derive(Debug, Default)]
pub(super) struct Unwritten(Mutex<Vec<SeenRequest>>);

impl Unwritten {
    /// The rows waiting, taken: put them back if the write they join fails.
    pub fn take(&self) -> Vec<SeenRequest> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn put_back(&self, rows: Vec<SeenRequest>) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(rows);
    }

    /// The statements that write `rows`.
    pub fn statements(rows: &[SeenRequest]) -> impl Iterator<Item = OwnedStatement> + '_ {
        rows.iter()
            .map(|seen| OwnedStatement::from(&seen_row(&seen.signature, seen.expires_at)))
    }
}

const RECENT_SQL: &str =
    "SELECT signature, expires_at_ms FROM seen_requests WHERE expires_at_ms > $1";

impl Store {
    /// Records the signature of a request being accepted, to be kept until `expires_at`.
    /// On a shared database, `false` when it was recorded before (by this process or another):
    /// a replay. A sole writer is the only one to see its requests and remembers them itself:
    /// the row is written with its next write, and the answer is `true`.
    pub async fn record_request(
        &self,
        signature: &str,
        expires_at: UnixMillis,
    ) -> Result<bool, StoreError> {
        self.check_writable()?;
        if let Access::Sole(..) = self.access {
            self.unwritten_requests.put_back(vec![SeenRequest {
                signature: signature.to_string(),
                expires_at,
            }]);
            return Ok(true);
        }
        let seen = seen_row(signature, expires_at);
        let inserted = bind_all(sqlx::query(seen.sql.postgres), &seen.args)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(inserted == 1)
    }

    /// The signatures recorded that have not expired at `now`: what a sole writer remembers at
    /// its start.
    pub async fn recent_requests(&self, now: UnixMillis) -> Result<Vec<SeenRequest>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(RECENT_SQL)
            .bind(now.millis())
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(signature, expires_at_ms)| SeenRequest {
                signature,
                expires_at: UnixMillis::new(expires_at_ms),
            })
            .collect())
    }

    /// Deletes the signatures expired at `now` (a sole writer's unwritten ones are written
    /// with it).
    pub async fn forget_expired_requests(&self, now: UnixMillis) -> Result<(), StoreError> {
        let now = now.millis();
        self.write(vec![statement!(
            "DELETE FROM seen_requests WHERE expires_at_ms <= " {now}
        )])
        .await?;
        Ok(())
    }
}

/// Records a signature unless already there (on PostgreSQL, its primary key; on SQLite, where
/// the table is ordered by expiry and memory refuses replays, the same signature and expiry).
fn seen_row(signature: &str, expires_at: UnixMillis) -> Statement<'_> {
    statement!(
        "INSERT INTO seen_requests (signature, expires_at_ms) \
         VALUES (" {signature} ", " {expires_at} ") ON CONFLICT DO NOTHING"
    )
}
