//! The durable store: incidents as event streams with a JSON snapshot, their timers, and the
//! outbox of messages to post. One implementation for SQLite (an embedded file, the default) and
//! PostgreSQL (several replicas), through sqlx's `Any` driver.
//!
//! Everything a command changes is written by one [`Commit`] in one transaction: events, the new
//! snapshot, timers and the posts to send. Concurrent commands on the same incident are told apart
//! by optimistic concurrency on the incident's `version` (its number of events): exactly one of
//! them commits, the others get [`StoreError::Conflict`] and nothing of theirs is written.
//!
//! Conventions of the SQL (so that one text serves both backends): instants as BIGINT
//! milliseconds since the Unix epoch (`UnixMillis` to callers), ids and versions as BIGINT (`numbers`), booleans as INTEGER
//! 0/1, JSON as TEXT the store does not interpret. Where the backends differ (placeholders in a
//! write, transactions, telling a row that did not change) is `dialect`. User text only ever
//! reaches SQL as a bound argument.
//!
//! Modules by concern: `incidents` (incidents and their events), `timers`, `outbox` (posts to
//! send, as the delivery worker reads and marks them), `outbox_backlog` (the posts not sent and
//! the dead letters, as people look at them) and `threads` (the messages later posts
//! reply to or edit); `create` and `commit` write, through `statements` and `group_commit`;
//! `connect` and `writer_lock` open the database; `real_clock` keeps since when a real clock has
//! written to it; `seen_requests` the signatures of signed requests accepted lately (replays);
//! `alerts` the alerts from monitoring taken, once each; `checks` refuses what could not be
//! stored; `audit` the audit log (who did what, done or refused).
//!
//! A SQLite file has one writing process (`writer_lock`); others may open it read-only. Within
//! that process, writers are serialised by a mutex, commits waiting together are written together
//! (`group_commit`), and transactions start with `BEGIN IMMEDIATE`, so a transaction never has to
//! upgrade a read lock to a write lock (the classic SQLite deadlock).

mod alerts;
mod audit;
mod checks;
mod commit;
mod connect;
mod create;
mod dialect;
mod error;
mod group_commit;
mod incidents;
mod numbers;
mod outbox;
mod outbox_backlog;
mod real_clock;
mod seen_requests;
mod statements;
mod threads;
mod timers;
mod writer_lock;

use std::fmt;
use std::sync::Arc;

use sqlx::AnyPool;

use create::IdAllocator;
use writer_lock::WriterLock;

pub use crate::incident::{ChannelKey, IncidentId, TimerKind};
pub use crate::instant::UnixMillis;
pub use alerts::{AlertRecord, StoredAlert};
pub use audit::{AuditOutcome, AuditRecord};
pub use commit::Commit;
pub use connect::{redact_url, DatabaseUrl};
pub use dialect::Backend;
pub use error::StoreError;
pub use incidents::{NewEvent, StoredEvent, StoredIncident};
pub use outbox::{NewPost, OutboxPost, Replaces};
pub use outbox_backlog::{Waiting, WaitingPost};
pub use seen_requests::SeenRequest;
pub use timers::Timer;

/// Who else may write to the database while this store is open.
#[derive(Debug, Clone)]
enum Access {
    /// This store only reads; its writes are refused.
    ReadOnly,
    /// Other processes may write too (PostgreSQL replicas).
    Shared,
    /// No other process writes: a SQLite file whose writer lock this store holds, or a database
    /// in memory. Incident ids are then handed out from memory.
    Sole(Option<Arc<WriterLock>>, Arc<IdAllocator>),
}

/// The durable store. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// The scheduler's and the outbox's reads (see `connect::Pools`).
    background: AnyPool,
    backend: Backend,
    access: Access,
    /// SQLite's writes, one writer at a time (queued here rather than in SQLite's busy loop),
    /// those waiting together written together. `None` on PostgreSQL.
    group_commit: Option<Arc<group_commit::GroupCommit>>,
    /// A sole writer's signatures of requests accepted, written with its next write.
    unwritten_requests: Arc<seen_requests::Unwritten>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens `sqlite://path/to/file.db` (created if missing; WAL, synchronous=FULL, busy
    /// timeout 5 s, foreign keys on), `sqlite::memory:` (nothing durable) or `postgres://…`, and
    /// brings its schema up to date with the embedded migrations of that backend.
    ///
    /// A SQLite file has one writing process at a time: while another holds it, this fails with
    /// [`StoreError::InUse`]. PostgreSQL takes any number of replicas.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let access = match connect::sqlite_file(url) {
            Some(file) => Access::Sole(Some(Arc::new(WriterLock::acquire(&file)?)), Arc::default()),
            None if connect::backend_of(url)? == Backend::Sqlite => {
                Access::Sole(None, Arc::default())
            }
            None => Access::Shared,
        };
        Store::open(url, access).await
    }

    /// Opens a database to read while another process may be writing to it (the post-mortem
    /// from the command line while the bot runs). Every write fails with
    /// [`StoreError::ReadOnly`]. A SQLite file that does not exist is
    /// [`StoreError::NoSuchFile`], not created.
    pub async fn connect_read_only(url: &str) -> Result<Store, StoreError> {
        if let Some(file) = connect::sqlite_file(url).filter(|file| !file.exists()) {
            return Err(StoreError::NoSuchFile {
                path: file.display().to_string(),
            });
        }
        Store::open(url, Access::ReadOnly).await
    }

    async fn open(url: &str, access: Access) -> Result<Store, StoreError> {
        let connect::Pools {
            main: pool,
            background,
            backend,
        } = connect::open(url).await?;
        let group_commit = match backend {
            Backend::Sqlite => Some(Arc::new(group_commit::GroupCommit::new())),
            Backend::Postgres => None,
        };
        Ok(Store {
            pool,
            background,
            backend,
            access,
            group_commit,
            unwritten_requests: Arc::default(),
        })
    }

    /// Whether this store is the only writer of its database, so that what it wrote is all there
    /// is to know and may be kept in memory.
    pub fn is_sole_writer(&self) -> bool {
        matches!(self.access, Access::Sole(..))
    }

    fn check_writable(&self) -> Result<(), StoreError> {
        match self.access {
            Access::ReadOnly => Err(StoreError::ReadOnly),
            _ => Ok(()),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for health checks and tests. Everything else goes through the
    /// methods of the store.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection, waiting for those in use to be returned, and lets another
    /// process write.
    pub async fn close(&self) {
        // A sole writer's unwritten signatures of requests (`seen_requests`), for the next start.
        let unwritten = match self.access {
            Access::Sole(..) => self.write(Vec::new()).await,
            _ => Ok(true),
        };
        if let Err(error) = unwritten {
            tracing::warn!(
                error = %crate::error_text::with_causes(&error),
                "could not keep the signatures of the last requests: a replay of those will not be refused after the restart"
            );
        }
        self.background.close().await;
        self.pool.close().await;
        if let Access::Sole(Some(lock), _) = &self.access {
            lock.release();
        }
    }
}

#[cfg(test)]
mod tests;
