//! Opening the database: which backend a URL names, the pool that suits it, its per-connection
//! settings, and the embedded migrations.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use super::{Backend, StoreError};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// SQLite: one connection. The writing process keeps what it reads most in memory, so readers
/// rarely wait; and a connection's page cache stays warm only while no other connection writes.
const SQLITE_FILE_CONNECTIONS: u32 = 1;
/// PostgreSQL: enough for a replica's commands, scheduler and outbox worker at once.
const POSTGRES_CONNECTIONS: u32 = 10;
/// How long a caller waits for a free connection before the command fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Which backend `url` names, refusing anything else without echoing more than its scheme.
pub(super) fn backend_of(url: &str) -> Result<Backend, StoreError> {
    let scheme = url.split_once(':').map(|(scheme, _)| scheme).unwrap_or("");
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => Ok(Backend::Sqlite),
        "postgres" | "postgresql" => Ok(Backend::Postgres),
        _ => {
            let plausible = scheme.len() <= 20
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
            Err(StoreError::UnsupportedUrl {
                scheme: if plausible && !scheme.is_empty() {
                    scheme.to_owned()
                } else {
                    "(not a URL)".to_owned()
                },
            })
        }
    }
}

/// The database part and the query part of a `sqlite:` URL.
fn sqlite_parts(url: &str) -> (&str, Option<&str>) {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    match rest.split_once('?') {
        Some((database, query)) => (database, Some(query)),
        None => (rest, None),
    }
}

/// The file of a `sqlite:` URL; `None` for other backends and for databases in memory.
pub(super) fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let is_file = backend_of(url).ok()? == Backend::Sqlite && !sqlite_in_memory(url);
    is_file.then(|| std::path::PathBuf::from(sqlite_parts(url).0))
}

fn sqlite_in_memory(url: &str) -> bool {
    let (database, query) = sqlite_parts(url);
    database == ":memory:" || query.is_some_and(|q| q.split('&').any(|pair| pair == "mode=memory"))
}

/// A file URL opens read-write-create unless it says otherwise (`?mode=ro`…).
fn sqlite_url_creating_file(url: &str) -> String {
    let (_, query) = sqlite_parts(url);
    match query {
        Some(q) if q.split('&').any(|pair| pair.starts_with("mode=")) => url.to_owned(),
        Some("") => format!("{url}mode=rwc"),
        Some(_) => format!("{url}&mode=rwc"),
        None => format!("{url}?mode=rwc"),
    }
}

/// The store's URL, which may carry a password (`postgres://bot:s3cret@db/bot`): `{}` and `{:?}`
/// show it masked ([`redact_url`]); only [`DatabaseUrl::expose`] gives it whole, to connect.
#[derive(Clone)]
pub struct DatabaseUrl(SecretString);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> DatabaseUrl {
        DatabaseUrl(SecretString::new(url.into()))
    }

    /// The URL with its password, for opening the store and nothing else.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> DatabaseUrl {
        DatabaseUrl::new(url)
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> DatabaseUrl {
        DatabaseUrl::new(url)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(self.expose()))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// `url` with the password (if any) masked, fit for logs and error messages: `postgres://bot:***@db/bot`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    // Query parameters may carry a password too (`?password=…`): drop them all from the text.
    let tail = match tail.split_once('?') {
        Some((path, _)) => format!("{path}?…"),
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// The pools of an open store.
pub(super) struct Pools {
    /// Commands' reads and every write.
    pub main: AnyPool,
    /// The scheduler's and the outbox's reads. A SQLite file gives them a connection of their
    /// own, so a scan of a long outbox backlog never holds up a command's commit; elsewhere it
    /// is the main pool.
    pub background: AnyPool,
    pub backend: Backend,
}

/// Opens the pools for `url` and runs that backend's migrations.
pub(super) async fn open(url: &str) -> Result<Pools, StoreError> {
    sqlx::any::install_default_drivers();
    let backend = backend_of(url)?;
    let connect_error = |source| StoreError::Connect {
        backend,
        url: redact_url(url),
        source,
    };
    let in_memory = backend == Backend::Sqlite && sqlite_in_memory(url);
    let pool_url = match backend {
        Backend::Sqlite if !in_memory => sqlite_url_creating_file(url),
        _ => url.to_owned(),
    };
    if !in_memory {
        // One plain connection first: the pool would retry a refused connection until its
        // acquire timeout and then report only "pool timed out", hiding the cause.
        let probe = AnyConnection::connect(&pool_url)
            .await
            .map_err(connect_error)?;
        let _ = probe.close().await;
    }
    let pool = match backend {
        Backend::Sqlite if in_memory => {
            // Every connection to `sqlite::memory:` is a database of its own, and it vanishes
            // when the connection closes: keep exactly one, for ever.
            sqlite_pragmas(AnyPoolOptions::new())
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect(url)
                .await
                .map_err(connect_error)?
        }
        // A local file's connections do not go stale: skip the ping before each use, which
        // would cost a round trip to SQLite's worker thread per query.
        Backend::Sqlite => sqlite_pragmas(AnyPoolOptions::new())
            .max_connections(SQLITE_FILE_CONNECTIONS)
            .test_before_acquire(false)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(&pool_url)
            .await
            .map_err(connect_error)?,
        Backend::Postgres => AnyPoolOptions::new()
            .max_connections(POSTGRES_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(url)
            .await
            .map_err(connect_error)?,
    };
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .run(&pool)
        .await
        .map_err(|source| StoreError::Migrate { backend, source })?;
    let background = match backend {
        Backend::Sqlite if !in_memory => sqlite_pragmas(AnyPoolOptions::new())
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect(&pool_url)
            .await
            .map_err(connect_error)?,
        _ => pool.clone(),
    };
    tracing::debug!(%backend, url = %redact_url(url), "store opened");
    Ok(Pools {
        main: pool,
        background,
        backend,
    })
}

/// Per-connection SQLite settings: write-ahead log (readers never block the writer), an fsync at
/// every commit (an acknowledged command survives a power cut, for about 10% of throughput),
/// wait up to 5 s for another writer, enforce foreign keys.
fn sqlite_pragmas(options: AnyPoolOptions) -> AnyPoolOptions {
    options.after_connect(|conn, _meta| {
        Box::pin(async move {
            conn.execute("PRAGMA journal_mode = WAL").await?;
            conn.execute("PRAGMA synchronous = FULL").await?;
            conn.execute("PRAGMA busy_timeout = 5000").await?;
            conn.execute("PRAGMA foreign_keys = ON").await?;
            Ok(())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend_and_nothing_else_is_echoed() {
        assert_eq!(backend_of("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("postgres://u@h/d").unwrap(), Backend::Postgres);
        assert_eq!(backend_of("postgresql://u@h/d").unwrap(), Backend::Postgres);
        let err = backend_of("mysql://root:hunter2@h/d")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`mysql`") && !err.contains("hunter2"), "{err}");
        let err = backend_of("hunter2").unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            redact_url("postgres://bot:s3cr:et@db.example:5432/bot?sslmode=require&password=x"),
            "postgres://bot:***@db.example:5432/bot?…"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(redact_url("sqlite://data/bot.db"), "sqlite://data/bot.db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
    }

    #[test]
    fn a_database_url_shows_and_debugs_masked_and_opens_whole() {
        let url = DatabaseUrl::new("postgres://bot:s3cret@db.internal/incidents");
        assert_eq!(url.to_string(), "postgres://bot:***@db.internal/incidents");
        assert_eq!(
            format!("{url:?}"),
            "DatabaseUrl(postgres://bot:***@db.internal/incidents)"
        );
        assert_eq!(
            format!("{:#?}", Some(url.clone())),
            "Some(\n    DatabaseUrl(postgres://bot:***@db.internal/incidents),\n)"
        );
        assert_eq!(url.expose(), "postgres://bot:s3cret@db.internal/incidents");
    }

    #[test]
    fn sqlite_files_are_created_unless_the_url_says_otherwise() {
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db?cache=shared"),
            "sqlite://a.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
        assert!(sqlite_in_memory("sqlite::memory:"));
        assert!(sqlite_in_memory("sqlite://?mode=memory"));
        assert!(!sqlite_in_memory("sqlite://data/bot.db"));
        assert_eq!(
            sqlite_file("sqlite://data/bot.db?mode=rwc"),
            Some("data/bot.db".into())
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://u@h/d"), None);
    }
}
