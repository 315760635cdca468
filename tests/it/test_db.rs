//! Fresh databases for tests: a SQLite file in a new temporary directory, or a new PostgreSQL
//! database on the server of `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), dropped afterwards. PostgreSQL tests never
//! skip: an unreachable server fails them with the command that starts it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use incident_bot::store::{redact_url, Backend, Store};
use sqlx::{Connection, Executor};

const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

// ---------------------------------------------------------------------------------------------
// Fresh databases

static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

pub fn unique_suffix() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A store on a database of its own, removed when dropped (best effort, even if the test failed).
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("incident-bot-store-{}", unique_suffix()));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        let url = format!("sqlite://{}", dir.join("store.db").display());
        let db = TestDb {
            store: Store::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("open {url}: {}", chain(&e))),
            url,
            _cleanup: Cleanup::SqliteDir(dir),
        };
        assert_eq!(db.store.backend(), Backend::Sqlite);
        db
    }

    pub async fn postgres() -> TestDb {
        sqlx::any::install_default_drivers();
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.to_owned());
        let mut admin = sqlx::AnyConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "\n\nPostgreSQL is not reachable at {}: {e}\n\
                     The store tests run on PostgreSQL for real (they are never skipped).\n\
                     Start the local server with\n    \
                     pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
                     or set TEST_DATABASE_URL to a server where this user may CREATE DATABASE \
                     (default {DEFAULT_TEST_DATABASE_URL}).\n\n",
                    redact_url(&admin_url)
                )
            });
        // The name is made of digits and underscores only; it is not user input.
        let name = format!("incident_bot_t_{}", unique_suffix());
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        let _ = admin.close().await;
        let url = with_database(&admin_url, &name);
        let cleanup = Cleanup::PostgresDatabase { admin_url, name };
        let store = match Store::connect(&url).await {
            Ok(store) => store,
            Err(e) => {
                drop(cleanup); // no TestDb yet to clean up for us
                panic!("open {}: {}", redact_url(&url), chain(&e));
            }
        };
        assert_eq!(store.backend(), Backend::Postgres);
        TestDb {
            store,
            url,
            _cleanup: cleanup,
        }
    }

    /// Another store on the same database, as a restarted process or a second replica opens it
    /// (on SQLite, once the first is closed: a file has one writer).
    pub async fn reopen(&self) -> Store {
        Store::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("reopen {}: {}", redact_url(&self.url), chain(&e)))
    }

    /// A store that reads the same database beside the first.
    pub async fn reopen_read_only(&self) -> Store {
        Store::connect_read_only(&self.url)
            .await
            .unwrap_or_else(|e| panic!("reopen {}: {}", redact_url(&self.url), chain(&e)))
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        match self {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let shown = name.clone();
                // Drop may run inside the test's runtime: do the async work on a thread of its own.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        let mut admin = sqlx::AnyConnection::connect(&admin_url).await.ok()?;
                        admin
                            .execute(
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
                            )
                            .await
                            .ok()?;
                        admin.close().await.ok()
                    })
                })
                .join();
                if !matches!(dropped, Ok(Some(()))) {
                    eprintln!("warning: could not drop the test database {shown}");
                }
            }
        }
    }
}

/// `url` with its database name replaced by `database` (query parameters kept).
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// An error and its causes on one line.
pub fn chain(e: &dyn std::error::Error) -> String {
    incident_bot::error_text::with_causes(e)
}

/// Runs each behaviour on a fresh SQLite file and on a fresh PostgreSQL database.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident($db:ident) => $body:expr;)*) => {
        mod on_sqlite {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $db = $crate::test_db::TestDb::sqlite().await;
                    $body.await;
                }
            )*
        }
        mod on_postgres {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $db = $crate::test_db::TestDb::postgres().await;
                    $body.await;
                }
            )*
        }
    };
}
