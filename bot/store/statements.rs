//! A write as a list of SQL statements with their arguments, so that it can run statement by
//! statement in a transaction (PostgreSQL) or as one script (SQLite): see `dialect`.

use super::dialect::Sql;
use crate::instant::UnixMillis;

/// A value bound to a placeholder.
#[derive(Debug, Clone, Copy)]
pub(super) enum Arg<'a> {
    /// A boolean as the 0/1 INTEGER both backends store.
    Flag(bool),
    Int(i64),
    OptionalInt(Option<i64>),
    Text(&'a str),
    OptionalText(Option<&'a str>),
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Arg::Flag(value)
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<Option<i64>> for Arg<'_> {
    fn from(value: Option<i64>) -> Self {
        Arg::OptionalInt(value)
    }
}

impl From<UnixMillis> for Arg<'_> {
    fn from(value: UnixMillis) -> Self {
        Arg::Int(value.millis())
    }
}

impl From<Option<UnixMillis>> for Arg<'_> {
    fn from(value: Option<UnixMillis>) -> Self {
        Arg::OptionalInt(value.map(UnixMillis::millis))
    }
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Text(value)
    }
}

impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(value: Option<&'a str>) -> Self {
        Arg::OptionalText(value)
    }
}

/// One statement of a write, with its arguments in placeholder order.
#[derive(Debug, Clone)]
pub(super) struct Statement<'a> {
    pub sql: Sql,
    pub args: Vec<Arg<'a>>,
    /// The write is abandoned (nothing of it kept) if this statement changes no row.
    pub must_change: bool,
}

impl<'a> Statement<'a> {
    pub fn new(sql: Sql, args: Vec<Arg<'a>>) -> Statement<'a> {
        Statement {
            sql,
            args,
            must_change: false,
        }
    }

    /// This statement must change a row, or nothing of the write is kept (optimistic concurrency,
    /// a claim).
    pub fn must_change(self) -> Statement<'a> {
        Statement {
            must_change: true,
            ..self
        }
    }
}

/// A [`Statement`] written once, its arguments where they go:
/// `statement!("UPDATE t SET a = " {a} " WHERE id = " {id})`. Each `{value}` is a placeholder
/// bound to `value` (anything that is `Into<Arg>`): `$1, $2…` in PostgreSQL's text, `?` in
/// SQLite's (see `dialect`). Both texts are constants; at most 20 placeholders.
macro_rules! statement {
    // Every part read.
    (@parts [$($postgres:tt)*] [$($sqlite:tt)*] [$($arg:tt)*] [$($unused:tt)*]) => {
        $crate::store::statements::Statement::new(
            $crate::store::dialect::Sql {
                postgres: concat!($($postgres)*),
                sqlite: concat!($($sqlite)*),
            },
            vec![$($arg)*],
        )
    };
    // A placeholder and its value.
    (@parts [$($postgres:tt)*] [$($sqlite:tt)*] [$($arg:tt)*] [$n:tt $($next:tt)*]
        {$value:expr} $($rest:tt)*) => {
        $crate::store::statements::statement!(@parts
            [$($postgres)* "$", $n,] [$($sqlite)* "?",]
            [$($arg)* $crate::store::statements::Arg::from($value),]
            [$($next)*] $($rest)*)
    };
    // SQL text.
    (@parts [$($postgres:tt)*] [$($sqlite:tt)*] [$($arg:tt)*] [$($n:tt)*]
        $text:literal $($rest:tt)*) => {
        $crate::store::statements::statement!(@parts
            [$($postgres)* $text,] [$($sqlite)* $text,] [$($arg)*] [$($n)*] $($rest)*)
    };
    ($($part:tt)+) => {
        $crate::store::statements::statement!(@parts [] [] []
            [1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20] $($part)+)
    };
}
pub(super) use statement;

/// A statement that owns its arguments, to be handed to another task (group commit).
#[derive(Debug, Clone)]
pub(super) struct OwnedStatement {
    sql: Sql,
    args: Vec<OwnedArg>,
    must_change: bool,
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
            must_change: statement.must_change,
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
            must_change: self.must_change,
        }
    }

    /// How many arguments the statement binds.
    pub fn arg_count(&self) -> usize {
        self.args.len()
    }
}
