//! What can go wrong in the store, worded for the person reading the log at 3 a.m.

use super::dialect::Backend;
use super::IncidentId;

/// Errors of the durable store.
///
/// [`StoreError::Conflict`] and [`StoreError::NotFound`] are expected outcomes the engine acts on
/// (reload and retry, or tell the user); the others are internal failures to log with their cause
/// chain (`{:#}` / `source()`); none of them carries a password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Someone else committed to the incident first (optimistic concurrency). Nothing of this
    /// commit was written.
    #[error(
        "{incident_id} changed while this change was being saved (it is no longer at \
         version {expected_version}); nothing was written: reload the incident and try again"
    )]
    Conflict {
        incident_id: IncidentId,
        expected_version: u64,
    },

    /// The incident does not exist.
    #[error("{0} does not exist in the store")]
    NotFound(IncidentId),
    /// A new incident's alert was taken first by another change (a repeat at the same moment,
    /// another replica): nothing was written.
    #[error("the alert that opens the incident was taken by another change first")]
    AlertTaken,

    /// The outbox post does not exist.
    #[error("outbox post #{0} does not exist in the store")]
    PostNotFound(u64),

    /// The database URL names no backend the store supports. Only the scheme is kept: the rest
    /// may hold a password.
    #[error(
        "unsupported database URL scheme `{scheme}`: use sqlite://path/to/file.db, \
         sqlite::memory: or postgres://user@host:5432/database"
    )]
    UnsupportedUrl { scheme: String },

    /// A SQLite file opened to read does not exist: nothing was ever recorded there, and reading
    /// must not create it.
    #[error(
        "there is no store at {path}: nothing has been recorded there yet. Name the bot's store \
         with --database-url or DATABASE_URL"
    )]
    NoSuchFile { path: String },

    /// The database could not be reached or opened. `url` has any password masked.
    #[error("cannot open the {backend} database at {url}")]
    Connect {
        backend: Backend,
        url: String,
        #[source]
        source: sqlx::Error,
    },

    /// The schema migrations failed; the store refuses to run on a schema it does not know.
    #[error("cannot bring the {backend} database schema up to date (migrations failed)")]
    Migrate {
        backend: Backend,
        #[source]
        source: sqlx::migrate::MigrateError,
    },

    /// Text the databases cannot store identically (PostgreSQL refuses NUL characters in TEXT),
    /// refused up front on both backends so they behave the same. Nothing was written.
    #[error("{field} contains a NUL character (\\0), which the database cannot store; nothing was written")]
    NulInText { field: &'static str },

    /// A channel id or timer name too long to index on PostgreSQL, refused up front on both
    /// backends so they behave the same. Nothing was written.
    #[error(
        "{field} is {len} bytes long, more than the {max} the store accepts; nothing was written"
    )]
    KeyTooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },

    /// A number beyond what the database can hold (`i64::MAX`), refused before anything was
    /// written.
    #[error(
        "{what} is {value}, more than the database can hold (at most {max}); nothing was written",
        max = i64::MAX
    )]
    TooLarge { what: &'static str, value: u64 },

    /// A row holds a value the store never writes (e.g. a negative id): the database was edited
    /// by hand or by another program.
    #[error("the database holds an unexpected value in {what}: {value}")]
    Corrupt { what: &'static str, value: String },

    /// Another process is writing to this SQLite file (see `writer_lock`).
    #[error(
        "{database} is in use by another incident-bot ({holder}): stop that one first, or give \
         this one its own DATABASE_URL"
    )]
    InUse { database: String, holder: String },

    /// The lock file beside a SQLite database cannot be created or locked.
    #[error("cannot lock {path} (needed to write to the database beside it)")]
    LockFile {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// A write on a store opened only for reading.
    #[error("the database was opened read-only; nothing was written")]
    ReadOnly,

    /// The disk (or the quota) where the database lives is full: SQLite's `SQLITE_FULL`,
    /// PostgreSQL's `disk_full`. The write was rolled back whole; the same write succeeds once
    /// there is space again.
    #[error(
        "disk full: the database has no space left to write in; nothing was written. Free space \
         on the disk that holds the database, then try again"
    )]
    DiskFull(#[source] sqlx::Error),

    /// Any other database failure (lost connection, constraint violated…).
    #[error("database query failed")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    /// Whether the message already says which database it is about, so that a caller adding
    /// the URL would say it twice.
    pub fn names_its_database(&self) -> bool {
        matches!(
            self,
            StoreError::Connect { .. } | StoreError::InUse { .. } | StoreError::NoSuchFile { .. }
        )
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match is_disk_full(&e) {
            true => StoreError::DiskFull(e),
            false => StoreError::Database(e),
        }
    }
}

/// SQLite's result code `SQLITE_FULL` (13), PostgreSQL's SQLSTATE `disk_full` (53100), or the
/// operating system's "no space left on device".
fn is_disk_full(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database) => {
            matches!(database.code().as_deref(), Some("13" | "53100"))
        }
        sqlx::Error::Io(io) => io.kind() == std::io::ErrorKind::StorageFull,
        _ => false,
    }
}
