//! What differs between SQLite and PostgreSQL in the store, in one place: how each spells a
//! placeholder, how a unit of work is written (PostgreSQL: statement by statement in a
//! transaction; SQLite: one script, one round trip to its worker thread), and how either tells
//! that a statement which must change a row changed none (an incident's version moved on, a post
//! was claimed or sent meanwhile). Opening each backend is in `connect`, creating an incident on
//! each in `create`.
//!
//! Queries that run on their own are one text for both backends, with `$1, $2…` placeholders:
//! both read those. A write may be joined with others into one SQLite script, where sqlx takes
//! `$n` to mean the script's n-th argument but binds anonymous `?` statement by statement; so the
//! statements of a write (`statements::statement!`) have a text per backend, made at compile time.

use std::fmt;

use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Either, Executor, Transaction};

use super::statements::{Arg, Statement};

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

/// The text of one statement of a write, in each backend's placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sql {
    /// Numbered: `$1, $2…`.
    pub postgres: &'static str,
    /// Anonymous: `?`, bound in order.
    pub sqlite: &'static str,
}

/// Runs a write's statements one after another inside the caller's PostgreSQL transaction.
/// `false` when a statement that must change a row changed none: the rest is not run, and the
/// caller drops the transaction, which rolls it back.
pub(super) async fn run_on_postgres(
    tx: &mut Transaction<'static, sqlx::Any>,
    statements: &[Statement<'_>],
) -> Result<bool, sqlx::Error> {
    for statement in statements {
        let query = bind_all(sqlx::query(statement.sql.postgres), &statement.args);
        let changed = query.execute(&mut **tx).await?.rows_affected();
        if statement.must_change && changed == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Inserted after a SQLite statement that must change a row: aborts the script when it changed
/// none, as the CHECK of the `commit_guard` table fails (see the SQLite migration).
const CHANGED_GUARD: &str = "INSERT INTO commit_guard (ok) SELECT 0 WHERE changes() = 0";

/// How a SQLite script that raised no error ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ran {
    /// Every statement ran and the transaction is committed.
    Written,
    /// The statement at this index of the script's statements had to change a row and changed
    /// none; the transaction is rolled back.
    Unchanged(usize),
}

/// Runs statements as one SQLite script inside `BEGIN IMMEDIATE … COMMIT`: one round trip. If
/// any statement fails, the transaction is rolled back; when the one that failed is a guard (the
/// statement before it changed no row) the answer says which statement that was, an error
/// otherwise. Which statement failed is known from the results sqlx reports, never from an
/// error's text. A script that is not `reused` (a one-off group of commits) is not kept among
/// the prepared statements.
pub(super) async fn run_script(
    connection: &mut AnyConnection,
    statements: &[Statement<'_>],
    reused: bool,
) -> Result<Ran, sqlx::Error> {
    let script = Script::of(statements);
    let query = bind_all(sqlx::query(&script.sql).persistent(reused), &script.args);
    // sqlx reports each statement of a script as it finishes, so the first that failed is the
    // one after the last reported.
    let mut finished = 0;
    let failed = {
        let mut results = (&mut *connection).fetch_many(query);
        loop {
            match results.try_next().await {
                Ok(Some(Either::Left(_done))) => finished += 1,
                Ok(Some(Either::Right(_row))) => {}
                Ok(None) => break None,
                Err(error) => break Some(error),
            }
        }
    };
    let Some(error) = failed else {
        return Ok(Ran::Written);
    };
    // The script stopped inside its transaction; end it so the connection is clean.
    let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
    match script
        .guards
        .iter()
        .find(|guard| guard.position == finished)
    {
        Some(guard) => Ok(Ran::Unchanged(guard.guarded)),
        None => Err(error),
    }
}

/// Statements joined into one SQLite transaction script.
struct Script<'a> {
    sql: String,
    args: Vec<Arg<'a>>,
    guards: Vec<Guard>,
}

/// A guard of a script: the statement after one that must change a row.
#[derive(Debug, PartialEq, Eq)]
struct Guard {
    /// Its position among the script's statements (`BEGIN IMMEDIATE` is 0).
    position: usize,
    /// The index among the given statements of the one it guards.
    guarded: usize,
}

impl<'a> Script<'a> {
    fn of(statements: &[Statement<'a>]) -> Script<'a> {
        let mut sql = String::from("BEGIN IMMEDIATE;\n");
        let mut args = Vec::new();
        let mut guards = Vec::new();
        let mut position = 1;
        for (index, statement) in statements.iter().enumerate() {
            sql.push_str(statement.sql.sqlite);
            sql.push_str(";\n");
            args.extend(statement.args.iter().copied());
            position += 1;
            if statement.must_change {
                sql.push_str(CHANGED_GUARD);
                sql.push_str(";\n");
                guards.push(Guard {
                    position,
                    guarded: index,
                });
                position += 1;
            }
        }
        sql.push_str("COMMIT;");
        Script { sql, args, guards }
    }
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

pub(super) fn bind_all<'q>(query: Query<'q>, args: &[Arg<'q>]) -> Query<'q> {
    args.iter().fold(query, |query, arg| match *arg {
        Arg::Flag(value) => query.bind(i32::from(value)),
        Arg::Int(value) => query.bind(value),
        Arg::OptionalInt(value) => query.bind(value),
        Arg::Text(value) => query.bind(value),
        Arg::OptionalText(value) => query.bind(value),
    })
}

#[cfg(test)]
mod tests {
    use super::super::statements::statement;
    use super::super::Store;
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres_and_anonymous_for_sqlite() {
        let (a, b) = (7_i64, "x");
        let s = statement!("UPDATE t SET a = " {a} ", b = " {b} " WHERE a = " {a});
        assert_eq!(s.sql.postgres, "UPDATE t SET a = $1, b = $2 WHERE a = $3");
        assert_eq!(s.sql.sqlite, "UPDATE t SET a = ?, b = ? WHERE a = ?");
        assert_eq!(s.args.len(), 3);
        assert!(!s.must_change);
    }

    #[test]
    fn scripts_join_statements_and_guard_those_that_must_change_a_row() {
        let (one, two) = (1_i64, 2_i64);
        let statements = [
            statement!("UPDATE t SET a = " {one} " WHERE id = " {two}).must_change(),
            statement!("INSERT INTO v (a) VALUES (" {Some("x")} ")"),
        ];
        let script = Script::of(&statements);
        assert_eq!(
            script.sql,
            "BEGIN IMMEDIATE;\nUPDATE t SET a = ? WHERE id = ?;\n\
             INSERT INTO commit_guard (ok) SELECT 0 WHERE changes() = 0;\n\
             INSERT INTO v (a) VALUES (?);\nCOMMIT;"
        );
        assert_eq!(script.args.len(), 3);
        assert_eq!(
            script.guards,
            [Guard {
                position: 2,
                guarded: 0
            }]
        );
    }

    /// Statements that bind arguments run in one script, each with its own; a guarded statement
    /// that changes nothing is told apart from any other failure, and neither leaves a trace.
    #[tokio::test]
    async fn a_script_tells_an_unchanged_row_from_a_failure() {
        let store = Store::connect("sqlite::memory:")
            .await
            .expect("in-memory store");
        let mut connection = store.pool().acquire().await.unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER NOT NULL CHECK (a >= 0))")
            .execute(&mut *connection)
            .await
            .unwrap();
        let (id, zero, five, minus) = (1_i64, 0_i64, 5_i64, -1_i64);
        let insert = [
            statement!("INSERT INTO t (id, a) VALUES (" {id} ", " {zero} ")"),
            statement!("UPDATE t SET a = " {five} " WHERE id = " {id} " AND a = " {zero})
                .must_change(),
        ];
        assert_eq!(
            run_script(&mut connection, &insert, true).await.unwrap(),
            Ran::Written
        );

        let stale = [
            statement!("UPDATE t SET a = a + 1 WHERE id = " {id}),
            statement!("UPDATE t SET a = " {five} " WHERE id = " {id} " AND a = " {zero})
                .must_change(),
        ];
        let unchanged = run_script(&mut connection, &stale, true).await;
        assert!(matches!(unchanged, Ok(Ran::Unchanged(1))), "{unchanged:?}");

        let refused = [statement!("UPDATE t SET a = " {minus} " WHERE id = " {id}).must_change()];
        let failed = run_script(&mut connection, &refused, true).await;
        assert!(
            matches!(failed, Err(sqlx::Error::Database(_))),
            "{failed:?}"
        );

        let a: i64 = sqlx::query_scalar("SELECT a FROM t WHERE id = 1")
            .fetch_one(&mut *connection)
            .await
            .unwrap();
        assert_eq!(a, 5, "neither failed script left a trace");
    }
}
