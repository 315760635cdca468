//! The durable store: incidents as event streams with a JSON snapshot, their timers, and the
//! outbox of messages to post. One implementation for SQLite (an embedded file, the default) and
//! PostgreSQL (several replicas), through sqlx's `Any` driver.
//!
//! Everything a command changes is written by one [`Commit`] in one transaction: events, the new
//! snapshot, timers and the posts to send. Concurrent commands on the same incident are told apart
//! by optimistic concurrency on the incident's `version` (its number of events): exactly one of
//! them commits, the others get [`StoreError::Conflict`] and nothing of theirs is written.
//!
//! Conventions of the SQL (so the same text runs on both backends): `$1, $2…` placeholders,
//! `RETURNING`, instants as BIGINT milliseconds since the Unix epoch, booleans as INTEGER 0/1,
//! JSON as TEXT the store does not interpret. User text only ever reaches SQL through `.bind`.
//!
//! A SQLite file has one writing process (`writer_lock`); others may open it read-only. Within
//! that process, writers are serialised by a mutex, commits waiting together are written together
//! (`group_commit`), and transactions start with `BEGIN IMMEDIATE`, so a transaction never has to
//! upgrade a read lock to a write lock (the classic SQLite deadlock).

mod connect;
mod error;
mod group_commit;
mod outbox;
mod statements;
mod threads;
mod writer_lock;

use std::fmt;
use std::sync::Arc;

use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Row, Transaction};

use statements::{Arg, Statement};
use writer_lock::WriterLock;

pub use connect::redact_url;
pub use error::StoreError;

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

pub use crate::incident::ChannelKey;

/// An event to append to an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub at_ms: i64,
    pub actor: String,
    pub kind: String,
    /// JSON, opaque to the store.
    pub data: String,
}

/// An event of an incident's timeline, numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub incident_id: u64,
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    pub kind: String,
    pub data: String,
}

/// An incident as stored: where it lives, whether it is open, and the engine's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIncident {
    /// `INC-<id>`.
    pub id: u64,
    pub channel: ChannelKey,
    pub is_open: bool,
    /// The number of events in its timeline; the expected version of the next commit.
    pub version: u64,
    pub opened_at_ms: i64,
    /// JSON snapshot written by the engine, opaque to the store.
    pub state: String,
}

/// A durable timer of an incident (`update`, `rto-50`, `nudge-3`, `follow-up-0`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timer {
    pub incident_id: u64,
    pub name: String,
    pub due_at_ms: i64,
}

/// A message to queue in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub channel: ChannelKey,
    pub kind: String,
    /// JSON of the rendered message, opaque to the store.
    pub body: String,
    /// The earlier post whose message this one edits, if any.
    pub replaces: Option<Replaces>,
}

/// Which earlier post's message a new post edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaces {
    /// The post with this outbox id.
    Post(u64),
    /// The incident's first post of the same kind (the checklist card, edited in place at every
    /// step); nothing when this is the first.
    FirstOfKind,
}

/// A queued message not yet sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxPost {
    pub id: u64,
    pub incident_id: Option<u64>,
    pub channel: ChannelKey,
    pub kind: String,
    pub body: String,
    pub created_at_ms: i64,
    /// Failed attempts so far.
    pub attempts: u32,
    /// The outbox id of the post whose message this one edits.
    pub replaces: Option<u64>,
    /// The platform's reference (e.g. Slack `ts`) of the replaced post's message, once it has
    /// been sent; `None` while it has not.
    pub replaces_message_ref: Option<String>,
}

/// One unit of work on an incident, applied in one transaction: all or nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commit {
    /// Appended to the timeline in order, numbered after the incident's current version.
    pub events: Vec<NewEvent>,
    /// The new JSON snapshot.
    pub state: String,
    pub is_open: bool,
    /// `Some(due)` sets or replaces the timer of that name, `None` deletes it; applied in order,
    /// after `clear_all_timers`.
    pub timers: Vec<(String, Option<i64>)>,
    /// Delete every timer of the incident first (on resolve).
    pub clear_all_timers: bool,
    /// Queued in the outbox, due at the commit's time.
    pub posts: Vec<NewPost>,
}

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

/// The next incident id of a sole writer: read from the database once, then counted here.
#[derive(Debug, Default)]
struct IdAllocator {
    next: tokio::sync::Mutex<Option<i64>>,
}

impl IdAllocator {
    async fn allocate(&self, pool: &AnyPool) -> Result<i64, StoreError> {
        let mut next = self.next.lock().await;
        let id = match *next {
            Some(id) => id,
            None => {
                sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM incidents")
                    .fetch_one(pool)
                    .await?
            }
        };
        *next = Some(id + 1);
        Ok(id)
    }

    /// Gives back an id whose creation failed, unless a later one was handed out meanwhile (then
    /// the number stays unused).
    async fn give_back(&self, id: i64) {
        let mut next = self.next.lock().await;
        if *next == Some(id + 1) {
            *next = Some(id);
        }
    }
}

/// The durable store. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// The scheduler's and the outbox's reads (see `connect::Pools`).
    background: AnyPool,
    backend: Backend,
    access: Access,
    /// SQLite has one writer at a time: queue writers here rather than in SQLite's busy loop.
    write_lock: Option<Arc<tokio::sync::Mutex<()>>>,
    /// SQLite commits waiting to be written together.
    group_commit: Option<Arc<group_commit::GroupCommit>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// PostgreSQL advisory lock held while allocating an incident id (`\0inc-ids` in ASCII).
const ID_ALLOCATION_LOCK: i64 = 0x0069_6e63_2d69_6473;
/// How many times creating an incident retries when its id was taken by a writer that does not
/// take [`ID_ALLOCATION_LOCK`] (an older version of the bot, someone at a psql prompt).
const CREATE_ATTEMPTS: usize = 16;
/// Longest channel id or timer name accepted (they are indexed; PostgreSQL's index entries are
/// limited to about 2.7 kB).
const MAX_KEY_BYTES: usize = 512;
/// Longest `last_error` kept for a failed post.
const MAX_ERROR_CHARS: usize = 2000;

const INCIDENT_SQL: &str =
    "SELECT id, platform, workspace, channel, is_open, version, opened_at_ms, state \
     FROM incidents WHERE id = $1";
// `is_open = 1` is a literal (not a parameter) so the planners can use the partial indexes.
const OPEN_INCIDENTS_SQL: &str =
    "SELECT id, platform, workspace, channel, is_open, version, opened_at_ms, state \
     FROM incidents \
     WHERE platform = $1 AND workspace = $2 AND channel = $3 AND is_open = 1 ORDER BY id";
const LATEST_INCIDENT_SQL: &str =
    "SELECT id, platform, workspace, channel, is_open, version, opened_at_ms, state \
     FROM incidents \
     WHERE platform = $1 AND workspace = $2 AND channel = $3 ORDER BY id DESC LIMIT 1";
const ALL_OPEN_INCIDENTS_SQL: &str =
    "SELECT id, platform, workspace, channel, is_open, version, opened_at_ms, state \
     FROM incidents WHERE is_open = 1 ORDER BY id";
const DUE_TIMERS_SQL: &str = "SELECT incident_id, name, due_at_ms FROM timers \
     WHERE due_at_ms <= $1 ORDER BY due_at_ms, incident_id, name LIMIT $2";
const PENDING_POSTS_SQL: &str =
    "SELECT o.id, o.incident_id, o.platform, o.workspace, o.channel, o.kind, o.body, \
            o.created_at_ms, o.attempts, o.replaces_outbox_id, \
            r.message_ref AS replaces_message_ref \
     FROM outbox o LEFT JOIN outbox r ON r.id = o.replaces_outbox_id \
     WHERE o.sent_at_ms IS NULL AND o.next_attempt_at_ms <= $1 AND o.platform = $2 \
     ORDER BY o.next_attempt_at_ms, o.id LIMIT $3";

/// A write transaction, holding the in-process writer lock (SQLite) until it ends.
struct WriteTx<'s> {
    tx: Transaction<'static, Any>,
    _writer: Option<tokio::sync::MutexGuard<'s, ()>>,
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
    /// [`StoreError::ReadOnly`].
    pub async fn connect_read_only(url: &str) -> Result<Store, StoreError> {
        Store::open(url, Access::ReadOnly).await
    }

    async fn open(url: &str, access: Access) -> Result<Store, StoreError> {
        let connect::Pools {
            main: pool,
            background,
            backend,
        } = connect::open(url).await?;
        let write_lock = match backend {
            Backend::Sqlite => Some(Arc::new(tokio::sync::Mutex::new(()))),
            Backend::Postgres => None,
        };
        let group_commit = write_lock
            .clone()
            .map(|lock| Arc::new(group_commit::GroupCommit::new(lock)));
        Ok(Store {
            pool,
            background,
            backend,
            access,
            write_lock,
            group_commit,
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
        self.background.close().await;
        self.pool.close().await;
        if let Access::Sole(Some(lock), _) = &self.access {
            lock.release();
        }
    }

    /// Queues this process's SQLite writers (nothing on PostgreSQL).
    async fn lock_writer(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }

    async fn begin_write(&self) -> Result<WriteTx<'_>, StoreError> {
        self.check_writable()?;
        let writer = self.lock_writer().await;
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            _writer: writer,
        })
    }

    /// Creates an incident (version = `commit.events.len()`, events numbered 1…n) and returns its
    /// id, the next after the highest so far.
    pub async fn create_incident(
        &self,
        channel: &ChannelKey,
        opened_at_ms: i64,
        commit: &Commit,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        self.create_incident_with(channel, opened_at_ms, now_ms, |_| {
            Ok::<_, std::convert::Infallible>(commit.clone())
        })
        .await
        .map(|created| created.unwrap_or_else(|never| match never {}))
    }

    /// Like [`Store::create_incident`], for commits that need the new incident's id (a snapshot or
    /// a message that says `INC-7`): `build` gets the id and returns the commit. It may be called
    /// more than once (if another replica takes the id first, the next id is tried); only the
    /// commit built for the returned id is written. When `build` fails, nothing is written and
    /// its error comes back as `Ok(Err(…))`.
    pub async fn create_incident_with<F, E>(
        &self,
        channel: &ChannelKey,
        opened_at_ms: i64,
        now_ms: i64,
        mut build: F,
    ) -> Result<Result<u64, E>, StoreError>
    where
        F: FnMut(u64) -> Result<Commit, E> + Send,
        E: Send,
    {
        self.check_writable()?;
        check_channel(channel)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let created = match self.backend {
                Backend::Sqlite => {
                    self.create_on_sqlite(channel, opened_at_ms, now_ms, &mut build)
                        .await
                }
                Backend::Postgres => {
                    self.create_on_postgres(channel, opened_at_ms, now_ms, &mut build)
                        .await
                }
            };
            match created {
                // Someone else allocated the same id and committed first: take the next id.
                Err(StoreError::Database(sqlx::Error::Database(e)))
                    if e.is_unique_violation() && attempt < CREATE_ATTEMPTS =>
                {
                    tracing::debug!(attempt, "incident id taken concurrently, retrying");
                }
                other => return other,
            }
        }
    }

    /// One attempt at creating an incident on SQLite. This process is the file's only writer
    /// (see `writer_lock`), so the id comes from memory and the creation is written with the
    /// other commits waiting (group commit).
    async fn create_on_sqlite<F, E>(
        &self,
        channel: &ChannelKey,
        opened_at_ms: i64,
        now_ms: i64,
        build: &mut F,
    ) -> Result<Result<u64, E>, StoreError>
    where
        F: FnMut(u64) -> Result<Commit, E> + Send,
        E: Send,
    {
        let (Access::Sole(_, ids), Some(group_commit)) = (&self.access, &self.group_commit) else {
            return Err(StoreError::ReadOnly);
        };
        let next = ids.allocate(&self.pool).await?;
        let written = async {
            let id = to_u64(next, "incidents.id")?;
            let commit = match build(id) {
                Ok(commit) => commit,
                Err(error) => return Ok(Err(error)),
            };
            let statements = creation_statements(next, channel, opened_at_ms, &commit, now_ms)?;
            let owned = statements.iter().map(Into::into).collect();
            group_commit.write(&self.pool, owned).await?;
            Ok(Ok(id))
        }
        .await;
        if !matches!(written, Ok(Ok(_))) {
            ids.give_back(next).await;
        }
        written
    }

    /// One attempt at creating an incident on PostgreSQL, in a transaction that holds the id
    /// allocation lock.
    async fn create_on_postgres<F, E>(
        &self,
        channel: &ChannelKey,
        opened_at_ms: i64,
        now_ms: i64,
        build: &mut F,
    ) -> Result<Result<u64, E>, StoreError>
    where
        F: FnMut(u64) -> Result<Commit, E> + Send,
        E: Send,
    {
        let mut w = self.begin_write().await?;
        // Replicas creating incidents at once queue here (until commit or rollback) instead of
        // all taking the same id and retrying.
        sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
            .bind(ID_ALLOCATION_LOCK)
            .execute(&mut *w.tx)
            .await?;
        let next: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM incidents")
            .fetch_one(&mut *w.tx)
            .await?;
        let id = to_u64(next, "incidents.id")?;
        let commit = match build(id) {
            Ok(commit) => commit,
            Err(error) => return Ok(Err(error)),
        };
        let statements = creation_statements(next, channel, opened_at_ms, &commit, now_ms)?;
        statements::run_each(&mut w.tx, &statements).await?;
        w.tx.commit().await?;
        Ok(Ok(id))
    }

    /// Applies `commit` to an incident iff its version is still `expected_version`: exactly one
    /// of several commits at the same version wins, the others get [`StoreError::Conflict`] and
    /// nothing of theirs is written. New events are numbered `expected_version + 1`…
    ///
    /// The version counts events, so a commit without events does not advance it and does not
    /// fence off a concurrent commit at the same version: work that must happen once (a
    /// scheduled post) should record an event.
    pub async fn commit(
        &self,
        incident_id: u64,
        expected_version: u64,
        commit: &Commit,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let Ok(id) = i64::try_from(incident_id) else {
            return Err(StoreError::NotFound(incident_id));
        };
        self.check_writable()?;
        check_commit(commit)?;
        let conflict = StoreError::Conflict {
            incident_id,
            expected_version,
        };
        let new_version = expected_version
            .checked_add(commit.events.len() as u64)
            .and_then(|v| i64::try_from(v).ok());
        let (Ok(expected), Some(new_version)) = (i64::try_from(expected_version), new_version)
        else {
            // No stored version is that large.
            return Err(match self.incident(incident_id).await? {
                Some(_) => conflict,
                None => StoreError::NotFound(incident_id),
            });
        };
        let update = Statement::new(
            "UPDATE incidents SET version = $1, state = $2, is_open = $3 \
             WHERE id = $4 AND version = $5",
            vec![
                Arg::Int(new_version),
                Arg::Text(&commit.state),
                Arg::Flag(commit.is_open),
                Arg::Int(id),
                Arg::Int(expected),
            ],
        );
        let rows = commit_rows(id, expected, commit, now_ms)?;
        let moved = || async {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT version FROM incidents WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
            Ok::<_, StoreError>(match exists {
                Some(_) => conflict,
                None => StoreError::NotFound(incident_id),
            })
        };
        if let Some(group_commit) = &self.group_commit {
            let mut statements = vec![update, Statement::new(CHANGED_GUARD, vec![])];
            statements.extend(rows);
            let owned = statements.iter().map(Into::into).collect();
            return match group_commit.write(&self.pool, owned).await {
                Ok(()) => Ok(()),
                Err(error) if is_unchanged(&error) => Err(moved().await?),
                Err(error) => Err(error.into()),
            };
        }
        // The first statement writes, so a concurrent commit waits for this row and then finds
        // the version moved.
        let mut w = self.begin_write().await?;
        let updated = statements::query(&update).execute(&mut *w.tx).await?;
        if updated.rows_affected() != 1 {
            drop(w);
            return Err(moved().await?);
        }
        statements::run_each(&mut w.tx, &rows).await?;
        w.tx.commit().await?;
        Ok(())
    }

    /// Queues a post that changes no incident (a post-mortem draft shared in the channel).
    pub async fn queue_post(
        &self,
        incident_id: Option<u64>,
        post: &NewPost,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        check_post(post)?;
        let incident_id = incident_id.map(to_i64).transpose()?;
        let mut w = self.begin_write().await?;
        statements::run_each(&mut w.tx, &[post_row(incident_id, post, now_ms)?]).await?;
        w.tx.commit().await?;
        Ok(())
    }

    /// The incident, if it exists.
    pub async fn incident(&self, id: u64) -> Result<Option<StoredIncident>, StoreError> {
        let Ok(id) = i64::try_from(id) else {
            return Ok(None);
        };
        let row = sqlx::query(INCIDENT_SQL)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(incident_from_row).transpose()
    }

    /// The open incidents of a channel, by id.
    pub async fn open_incidents(
        &self,
        channel: &ChannelKey,
    ) -> Result<Vec<StoredIncident>, StoreError> {
        self.channel_incidents(OPEN_INCIDENTS_SQL, channel).await
    }

    /// The channel's most recent incident, open or resolved.
    pub async fn latest_incident(
        &self,
        channel: &ChannelKey,
    ) -> Result<Option<StoredIncident>, StoreError> {
        Ok(self
            .channel_incidents(LATEST_INCIDENT_SQL, channel)
            .await?
            .pop())
    }

    /// The incidents a channel query finds (`$1`, `$2`, `$3`: platform, workspace, channel).
    async fn channel_incidents(
        &self,
        sql: &'static str,
        channel: &ChannelKey,
    ) -> Result<Vec<StoredIncident>, StoreError> {
        if check_channel(channel).is_err() {
            return Ok(Vec::new()); // no such channel could ever have been stored
        }
        let rows = sqlx::query(sql)
            .bind(channel.platform.as_str())
            .bind(&channel.workspace)
            .bind(&channel.channel)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// Every open incident, by id.
    pub async fn all_open_incidents(&self) -> Result<Vec<StoredIncident>, StoreError> {
        let rows = sqlx::query(ALL_OPEN_INCIDENTS_SQL)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// The id and channel of every open incident, by id: the index a sole writer keeps in memory.
    pub async fn open_incident_channels(&self) -> Result<Vec<(u64, ChannelKey)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, platform, workspace, channel FROM incidents WHERE is_open = 1 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    to_u64(row.try_get("id")?, "incidents.id")?,
                    channel_from_row(row)?,
                ))
            })
            .collect()
    }

    /// The timeline of an incident, by seq (empty if it does not exist).
    pub async fn events(&self, incident_id: u64) -> Result<Vec<StoredEvent>, StoreError> {
        let Ok(id) = i64::try_from(incident_id) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT incident_id, seq, at_ms, actor, kind, data FROM events \
             WHERE incident_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredEvent {
                    incident_id: to_u64(row.try_get("incident_id")?, "events.incident_id")?,
                    seq: to_u64(row.try_get("seq")?, "events.seq")?,
                    at_ms: row.try_get("at_ms")?,
                    actor: row.try_get("actor")?,
                    kind: row.try_get("kind")?,
                    data: row.try_get("data")?,
                })
            })
            .collect()
    }

    /// Timers due at or before `now_ms`, earliest first (ties by incident and name), at most
    /// `limit`. Reads only the due end of the due-time index.
    pub async fn due_timers(&self, now_ms: i64, limit: u32) -> Result<Vec<Timer>, StoreError> {
        let rows = sqlx::query(DUE_TIMERS_SQL)
            .bind(now_ms)
            .bind(i64::from(limit))
            .fetch_all(&self.background)
            .await?;
        rows.iter().map(timer_from_row).collect()
    }

    /// The earliest due time of any timer: how far a simulated clock may jump before something
    /// is due.
    pub async fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT MIN(due_at_ms) FROM timers")
            .fetch_one(&self.background)
            .await?)
    }

    /// The timers of an incident, by name.
    pub async fn timers(&self, incident_id: u64) -> Result<Vec<Timer>, StoreError> {
        let Ok(id) = i64::try_from(incident_id) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT incident_id, name, due_at_ms FROM timers WHERE incident_id = $1 ORDER BY name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(timer_from_row).collect()
    }

    /// Posts for one platform not yet sent whose next attempt is due at or before `now_ms`, in
    /// the order they became due (ties by id, i.e. oldest first), at most `limit`.
    pub async fn pending_posts(
        &self,
        platform: &str,
        now_ms: i64,
        limit: u32,
    ) -> Result<Vec<OutboxPost>, StoreError> {
        let rows = sqlx::query(PENDING_POSTS_SQL)
            .bind(now_ms)
            .bind(platform)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(outbox::post_from_row).collect()
    }

    /// Records that a post was delivered, with the platform's reference to the message (e.g.
    /// Slack `ts`) if it has one. A post already marked sent keeps its first record.
    pub async fn mark_sent(
        &self,
        post_id: u64,
        sent_at_ms: i64,
        message_ref: Option<&str>,
    ) -> Result<(), StoreError> {
        if let Some(r) = message_ref {
            check_text("the message reference", r)?;
        }
        let Ok(id) = i64::try_from(post_id) else {
            return Err(StoreError::PostNotFound(post_id));
        };
        let update = Statement::new(
            "UPDATE outbox SET sent_at_ms = $1, message_ref = $2 \
             WHERE id = $3 AND sent_at_ms IS NULL",
            vec![
                Arg::Int(sent_at_ms),
                Arg::OptionalText(message_ref),
                Arg::Int(id),
            ],
        );
        if !self.write_one(update).await? {
            self.post_exists_or_not_found(post_id, id).await?;
            tracing::warn!(
                post_id,
                "post was already marked sent; keeping the first record"
            );
        }
        Ok(())
    }

    /// Records a failed delivery: one more attempt, the error, and when to try again. A post
    /// already sent is left as it is.
    pub async fn mark_failed(
        &self,
        post_id: u64,
        next_attempt_at_ms: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        let Ok(id) = i64::try_from(post_id) else {
            return Err(StoreError::PostNotFound(post_id));
        };
        // Error texts come from HTTP libraries and platforms: keep them storable and bounded.
        let error: String = error
            .chars()
            .filter(|&c| c != '\0')
            .take(MAX_ERROR_CHARS)
            .collect();
        let update = Statement::new(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at_ms = $2 \
             WHERE id = $3 AND sent_at_ms IS NULL",
            vec![
                Arg::Text(&error),
                Arg::Int(next_attempt_at_ms),
                Arg::Int(id),
            ],
        );
        if !self.write_one(update).await? {
            self.post_exists_or_not_found(post_id, id).await?;
            tracing::warn!(post_id, "failure reported for a post already sent; ignored");
        }
        Ok(())
    }

    /// Runs one statement that changes at most one row, in a transaction of its own (on SQLite
    /// written together with the other commits waiting); whether it changed a row.
    async fn write_one(&self, statement: Statement<'_>) -> Result<bool, StoreError> {
        self.check_writable()?;
        if let Some(group_commit) = &self.group_commit {
            let guard = Statement::new(CHANGED_GUARD, vec![]);
            let owned = vec![(&statement).into(), (&guard).into()];
            return match group_commit.write(&self.pool, owned).await {
                Ok(()) => Ok(true),
                Err(error) if is_unchanged(&error) => Ok(false),
                Err(error) => Err(error.into()),
            };
        }
        let mut w = self.begin_write().await?;
        let changed = statements::query(&statement)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        w.tx.commit().await?;
        Ok(changed == 1)
    }

    async fn post_exists_or_not_found(&self, post_id: u64, id: i64) -> Result<(), StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match found {
            Some(_) => Ok(()),
            None => Err(StoreError::PostNotFound(post_id)),
        }
    }
}

/// The rows a commit writes besides the incident's own: events numbered after `version`,
/// timers, posts.
fn commit_rows<'a>(
    incident_id: i64,
    version: i64,
    commit: &'a Commit,
    now_ms: i64,
) -> Result<Vec<Statement<'a>>, StoreError> {
    let mut rows = Vec::new();
    if commit.clear_all_timers {
        rows.push(Statement::new(
            "DELETE FROM timers WHERE incident_id = $1",
            vec![Arg::Int(incident_id)],
        ));
    }
    for (seq, event) in (version + 1..).zip(&commit.events) {
        rows.push(Statement::new(
            "INSERT INTO events (incident_id, seq, at_ms, actor, kind, data) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                Arg::Int(incident_id),
                Arg::Int(seq),
                Arg::Int(event.at_ms),
                Arg::Text(&event.actor),
                Arg::Text(&event.kind),
                Arg::Text(&event.data),
            ],
        ));
    }
    for (name, due) in &commit.timers {
        rows.push(match due {
            Some(due_at_ms) => Statement::new(
                "INSERT INTO timers (incident_id, name, due_at_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (incident_id, name) DO UPDATE SET due_at_ms = excluded.due_at_ms",
                vec![Arg::Int(incident_id), Arg::Text(name), Arg::Int(*due_at_ms)],
            ),
            None => Statement::new(
                "DELETE FROM timers WHERE incident_id = $1 AND name = $2",
                vec![Arg::Int(incident_id), Arg::Text(name)],
            ),
        });
    }
    for post in &commit.posts {
        rows.push(post_row(Some(incident_id), post, now_ms)?);
    }
    Ok(rows)
}

/// The outbox row of a post, due at `now_ms`.
fn post_row<'a>(
    incident_id: Option<i64>,
    post: &'a NewPost,
    now_ms: i64,
) -> Result<Statement<'a>, StoreError> {
    let mut args = vec![
        Arg::OptionalInt(incident_id),
        Arg::Text(post.channel.platform.as_str()),
        Arg::Text(&post.channel.workspace),
        Arg::Text(&post.channel.channel),
        Arg::Text(&post.kind),
        Arg::Text(&post.body),
        Arg::Int(now_ms),
    ];
    let sql = match post.replaces {
        None => INSERT_POST_SQL,
        Some(Replaces::Post(id)) => {
            args.push(Arg::Int(to_i64(id)?));
            INSERT_EDIT_SQL
        }
        Some(Replaces::FirstOfKind) => INSERT_EDIT_OF_FIRST_SQL,
    };
    Ok(Statement::new(sql, args))
}

const INSERT_POST_SQL: &str =
    "INSERT INTO outbox (incident_id, platform, workspace, channel, kind, body, \
                         created_at_ms, next_attempt_at_ms, attempts) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0)";
const INSERT_EDIT_SQL: &str =
    "INSERT INTO outbox (incident_id, platform, workspace, channel, kind, body, \
                         created_at_ms, next_attempt_at_ms, attempts, replaces_outbox_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0, $8)";
const INSERT_EDIT_OF_FIRST_SQL: &str =
    "INSERT INTO outbox (incident_id, platform, workspace, channel, kind, body, \
                         created_at_ms, next_attempt_at_ms, attempts, replaces_outbox_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0, \
             (SELECT MIN(first.id) FROM outbox first \
              WHERE first.incident_id = $1 AND first.kind = $5))";

/// Everything that creates incident `id`: its own row, then the rows of its first commit.
fn creation_statements<'a>(
    id: i64,
    channel: &'a ChannelKey,
    opened_at_ms: i64,
    commit: &'a Commit,
    now_ms: i64,
) -> Result<Vec<Statement<'a>>, StoreError> {
    check_commit(commit)?;
    let mut statements = vec![new_incident_row(id, channel, opened_at_ms, commit)?];
    statements.extend(commit_rows(id, 0, commit, now_ms)?);
    Ok(statements)
}

/// The incident's own row of a new incident.
fn new_incident_row<'a>(
    id: i64,
    channel: &'a ChannelKey,
    opened_at_ms: i64,
    commit: &'a Commit,
) -> Result<Statement<'a>, StoreError> {
    Ok(Statement::new(
        "INSERT INTO incidents \
         (id, platform, workspace, channel, is_open, version, opened_at_ms, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        vec![
            Arg::Int(id),
            Arg::Text(channel.platform.as_str()),
            Arg::Text(&channel.workspace),
            Arg::Text(&channel.channel),
            Arg::Flag(commit.is_open),
            Arg::Int(to_i64(commit.events.len() as u64)?),
            Arg::Int(opened_at_ms),
            Arg::Text(&commit.state),
        ],
    ))
}

/// On SQLite a commit script aborts here when its versioned update changed no row: the
/// `commit_guard` table's CHECK fails (see the SQLite migration).
/// Aborts a SQLite script when the statement before it changed no row (the versioned UPDATE of
/// a commit, a claim): see `commit_guard` in the migration.
const CHANGED_GUARD: &str = "INSERT INTO commit_guard (ok) SELECT 0 WHERE changes() = 0";

fn is_unchanged(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.message().contains("version_moved"))
}

/// The `platform`, `workspace` and `channel` columns of a row.
fn channel_from_row(row: &AnyRow) -> Result<ChannelKey, StoreError> {
    let platform: String = row.try_get("platform")?;
    Ok(ChannelKey {
        platform: platform.parse().map_err(|_| StoreError::Corrupt {
            what: "a channel's platform",
            value: platform,
        })?,
        workspace: row.try_get("workspace")?,
        channel: row.try_get("channel")?,
    })
}

fn incident_from_row(row: &AnyRow) -> Result<StoredIncident, StoreError> {
    let is_open: i64 = row.try_get("is_open")?;
    Ok(StoredIncident {
        id: to_u64(row.try_get("id")?, "incidents.id")?,
        channel: channel_from_row(row)?,
        is_open: is_open != 0,
        version: to_u64(row.try_get("version")?, "incidents.version")?,
        opened_at_ms: row.try_get("opened_at_ms")?,
        state: row.try_get("state")?,
    })
}

fn timer_from_row(row: &AnyRow) -> Result<Timer, StoreError> {
    Ok(Timer {
        incident_id: to_u64(row.try_get("incident_id")?, "timers.incident_id")?,
        name: row.try_get("name")?,
        due_at_ms: row.try_get("due_at_ms")?,
    })
}

fn to_u64(value: i64, what: &'static str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        what,
        value: value.to_string(),
    })
}

/// Ids and counts the caller gives; beyond `i64::MAX` none can exist in the database.
fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt {
        what: "a number given to the store",
        value: value.to_string(),
    })
}

fn check_text(field: &'static str, text: &str) -> Result<(), StoreError> {
    if text.contains('\0') {
        Err(StoreError::NulInText { field })
    } else {
        Ok(())
    }
}

/// Text that is part of an index (channel ids, timer names): no NUL, and short enough for a
/// PostgreSQL index entry.
fn check_key(field: &'static str, text: &str) -> Result<(), StoreError> {
    check_text(field, text)?;
    if text.len() > MAX_KEY_BYTES {
        return Err(StoreError::KeyTooLong {
            field,
            len: text.len(),
            max: MAX_KEY_BYTES,
        });
    }
    Ok(())
}

fn check_channel(channel: &ChannelKey) -> Result<(), StoreError> {
    check_key("the workspace id", &channel.workspace)?;
    check_key("the channel id", &channel.channel)
}

/// Refuses, before anything is written, text PostgreSQL could not store (so both backends
/// behave the same).
fn check_commit(commit: &Commit) -> Result<(), StoreError> {
    check_text("the incident snapshot", &commit.state)?;
    for event in &commit.events {
        check_text("an event's actor", &event.actor)?;
        check_text("an event's kind", &event.kind)?;
        check_text("an event's data", &event.data)?;
    }
    for (name, _) in &commit.timers {
        check_key("a timer's name", name)?;
    }
    for post in &commit.posts {
        check_post(post)?;
    }
    Ok(())
}

fn check_post(post: &NewPost) -> Result<(), StoreError> {
    check_channel(&post.channel)?;
    check_text("a post's kind", &post.kind)?;
    check_text("a post's body", &post.body)
}

#[cfg(test)]
mod tests;
