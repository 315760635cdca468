//! A unit of work as a list of SQL statements with their arguments, so it can run statement by
//! statement in a transaction (PostgreSQL) or as one script in a single round trip to SQLite's
//! worker thread, where every statement otherwise costs a thread hop there and back.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};

use super::StoreError;

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, Copy)]
pub(super) enum Arg<'a> {
    /// A boolean as the 0/1 INTEGER both backends store.
    Flag(bool),
    Int(i64),
    OptionalInt(Option<i64>),
    Text(&'a str),
    OptionalText(Option<&'a str>),
}

/// One statement with its own `$1…$n` placeholders.
#[derive(Debug, Clone)]
pub(super) struct Statement<'a> {
    pub sql: &'static str,
    pub args: Vec<Arg<'a>>,
}

impl<'a> Statement<'a> {
    pub fn new(sql: &'static str, args: Vec<Arg<'a>>) -> Statement<'a> {
        Statement { sql, args }
    }
}

fn bind<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    arg: Arg<'q>,
) -> Query<'q, Any, AnyArguments<'q>> {
    match arg {
        Arg::Flag(value) => query.bind(i32::from(value)),
        Arg::Int(value) => query.bind(value),
        Arg::OptionalInt(value) => query.bind(value),
        Arg::Text(value) => query.bind(value),
        Arg::OptionalText(value) => query.bind(value),
    }
}

/// A statement ready to execute, its arguments bound.
pub(super) fn query<'q>(statement: &Statement<'q>) -> Query<'q, Any, AnyArguments<'q>> {
    statement
        .args
        .iter()
        .fold(sqlx::query(statement.sql), |query, arg| bind(query, *arg))
}

/// Runs statements one after another on a connection (inside the caller's transaction).
pub(super) async fn run_each(
    connection: &mut AnyConnection,
    statements: &[Statement<'_>],
) -> Result<(), StoreError> {
    for statement in statements {
        query(statement).execute(&mut *connection).await?;
    }
    Ok(())
}

/// A statement that owns its arguments, to be handed to another task (group commit).
#[derive(Debug, Clone)]
pub(super) struct OwnedStatement {
    sql: &'static str,
    args: Vec<OwnedArg>,
}

#[derive(Debug, Clone)]
enum OwnedArg {
    Flag(bool),
    Int(i64),
    OptionalInt(Option<i64>),
    Text(String),
    OptionalText(Option<String>),
}

impl From<&Statement<'_>> for OwnedStatement {
    fn from(statement: &Statement<'_>) -> OwnedStatement {
        let args = statement
            .args
            .iter()
            .map(|arg| match *arg {
                Arg::Flag(value) => OwnedArg::Flag(value),
                Arg::Int(value) => OwnedArg::Int(value),
                Arg::OptionalInt(value) => OwnedArg::OptionalInt(value),
                Arg::Text(value) => OwnedArg::Text(value.to_string()),
                Arg::OptionalText(value) => OwnedArg::OptionalText(value.map(str::to_string)),
            })
            .collect();
        OwnedStatement {
            sql: statement.sql,
            args,
        }
    }
}

impl OwnedStatement {
    pub fn borrow(&self) -> Statement<'_> {
        let args = self
            .args
            .iter()
            .map(|arg| match arg {
                OwnedArg::Flag(value) => Arg::Flag(*value),
                OwnedArg::Int(value) => Arg::Int(*value),
                OwnedArg::OptionalInt(value) => Arg::OptionalInt(*value),
                OwnedArg::Text(value) => Arg::Text(value),
                OwnedArg::OptionalText(value) => Arg::OptionalText(value.as_deref()),
            })
            .collect();
        Statement {
            sql: self.sql,
            args,
        }
    }

    /// How many arguments the statement binds.
    pub fn arg_count(&self) -> usize {
        self.args.len()
    }
}

/// Runs statements as one SQLite script inside `BEGIN IMMEDIATE … COMMIT`: one round trip. If
/// any statement fails, the transaction is rolled back and the error returned. A script that is
/// not `reused` (a one-off group of commits) is not kept among the prepared statements.
pub(super) async fn run_script(
    connection: &mut AnyConnection,
    statements: &[Statement<'_>],
    reused: bool,
) -> Result<(), sqlx::Error> {
    let (sql, args) = script(statements);
    let query = args
        .into_iter()
        .fold(sqlx::query(&sql).persistent(reused), |query, arg| {
            bind(query, arg)
        });
    let result = query.execute(&mut *connection).await;
    if result.is_err() {
        // The script stopped inside its transaction; end it so the connection is clean.
        let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
    }
    result.map(|_| ())
}

/// Joins statements into one transaction script, renumbering each statement's placeholders
/// after the arguments of the statements before it.
fn script<'a>(statements: &[Statement<'a>]) -> (String, Vec<Arg<'a>>) {
    let mut sql = String::from("BEGIN IMMEDIATE;\n");
    let mut args = Vec::new();
    for statement in statements {
        sql.push_str(&renumber(statement.sql, args.len()));
        sql.push_str(";\n");
        args.extend(statement.args.iter().copied());
    }
    sql.push_str("COMMIT;");
    (sql, args)
}

/// `$1` → `$(1 + offset)`, for every placeholder of a statement. The statements are the
/// store's own constant SQL, which has no `$` anywhere else.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut number = String::new();
        while let Some((_, digit)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
            number.push(*digit);
            chars.next();
        }
        match number.parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&number),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_number_placeholders_across_statements() {
        let statements = [
            Statement::new(
                "UPDATE t SET a = $1 WHERE id = $2",
                vec![Arg::Int(1), Arg::Int(2)],
            ),
            Statement::new("INSERT INTO u (x) SELECT 0 WHERE changes() = 0", vec![]),
            Statement::new(
                "INSERT INTO v (a, b) VALUES ($1, $2)",
                vec![Arg::Text("x"), Arg::OptionalInt(None)],
            ),
        ];
        let (sql, args) = script(&statements);
        assert_eq!(
            sql,
            "BEGIN IMMEDIATE;\nUPDATE t SET a = $1 WHERE id = $2;\n\
             INSERT INTO u (x) SELECT 0 WHERE changes() = 0;\n\
             INSERT INTO v (a, b) VALUES ($3, $4);\nCOMMIT;"
        );
        assert_eq!(args.len(), 4);
        assert_eq!(
            renumber("VALUES ($1, $2, $7, $7, 0, $8)", 10),
            "VALUES ($11, $12, $17, $17, 0, $18)"
        );
    }
}
