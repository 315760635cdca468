//! Numbers across the store's boundary. Incident ids are [`IncidentId`]s, instants
//! [`UnixMillis`], and other ids, versions, event numbers and counts `u64` to callers; all are
//! BIGINT (`i64`) in both databases. Every conversion between the two is here (an instant bound
//! to a write is an argument of `statements`), and none wraps: a number beyond what the database can hold is refused before anything is written,
//! and a negative one read back is reported as a value the store never writes.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::StoreError;
use crate::incident::IncidentId;
use crate::instant::UnixMillis;

/// A caller's id or version as the database would hold it; `None` when it is beyond `i64::MAX`,
/// so that no row can have it (a lookup finds nothing).
pub(super) fn stored(value: u64) -> Option<i64> {
    i64::try_from(value).ok()
}

/// An incident id as the database would hold it (see [`stored`]).
pub(super) fn stored_id(id: IncidentId) -> Option<i64> {
    stored(id.number())
}

/// A caller's number to write; one beyond `i64::MAX` is refused, naming `what` it is.
pub(super) fn to_store(value: u64, what: &'static str) -> Result<i64, StoreError> {
    stored(value).ok_or(StoreError::TooLarge { what, value })
}

/// How many of something a write holds (events of a commit), as a number to store.
pub(super) fn count(len: usize, what: &'static str) -> Result<i64, StoreError> {
    let value = u64::try_from(len).unwrap_or(u64::MAX);
    to_store(value, what)
}

/// The version after a commit of `events` events at `expected`; `None` when it is beyond what the
/// database can hold (then no stored version can be `expected` either).
pub(super) fn version_after(expected: u64, events: usize) -> Option<i64> {
    let events = u64::try_from(events).ok()?;
    stored(expected.checked_add(events)?)
}

/// A number the store wrote, read back; a negative one was written by someone else.
pub(super) fn from_store(value: i64, column: &'static str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt {
        what: column,
        value: value.to_string(),
    })
}

/// An incident id the store wrote, read back (see [`from_store`]).
pub(super) fn id_from_store(value: i64, column: &'static str) -> Result<IncidentId, StoreError> {
    from_store(value, column).map(IncidentId::new)
}

/// The non-negative number in `name` of `row`; `column` (`table.column`) names it in errors.
pub(super) fn read(row: &AnyRow, name: &str, column: &'static str) -> Result<u64, StoreError> {
    from_store(row.try_get(name)?, column)
}

/// Like [`read`], for a column that may be NULL.
pub(super) fn read_optional(
    row: &AnyRow,
    name: &str,
    column: &'static str,
) -> Result<Option<u64>, StoreError> {
    row.try_get::<Option<i64>, _>(name)?
        .map(|value| from_store(value, column))
        .transpose()
}

/// The incident id in `name` of `row`.
pub(super) fn read_id(
    row: &AnyRow,
    name: &str,
    column: &'static str,
) -> Result<IncidentId, StoreError> {
    read(row, name, column).map(IncidentId::new)
}

/// Like [`read_id`], for a column that may be NULL.
pub(super) fn read_optional_id(
    row: &AnyRow,
    name: &str,
    column: &'static str,
) -> Result<Option<IncidentId>, StoreError> {
    Ok(read_optional(row, name, column)?.map(IncidentId::new))
}

/// The instant in `name` of `row` (BIGINT milliseconds since the epoch).
pub(super) fn read_instant(row: &AnyRow, name: &str) -> Result<UnixMillis, StoreError> {
    Ok(UnixMillis::new(row.try_get(name)?))
}

/// Like [`read_instant`], for a column that may be NULL (an aggregate of no rows).
pub(super) fn optional_instant(millis: Option<i64>) -> Option<UnixMillis> {
    millis.map(UnixMillis::new)
}

/// A small count read back (a post's attempts).
pub(super) fn read_u32(row: &AnyRow, name: &str, column: &'static str) -> Result<u32, StoreError> {
    let value: i64 = row.try_get(name)?;
    u32::try_from(value).map_err(|_| StoreError::Corrupt {
        what: column,
        value: value.to_string(),
    })
}

/// A limit on the rows a query returns.
pub(super) fn limit(limit: u32) -> i64 {
    i64::from(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_beyond_the_database_are_refused_not_wrapped() {
        assert_eq!(stored(7), Some(7));
        assert_eq!(stored(i64::MAX as u64), Some(i64::MAX));
        assert_eq!(stored(i64::MAX as u64 + 1), None);
        assert_eq!(stored(u64::MAX), None);
        let refused = to_store(u64::MAX, "the replaced post's id").unwrap_err();
        assert!(matches!(
            refused,
            StoreError::TooLarge {
                value: u64::MAX,
                ..
            }
        ));
        assert_eq!(
            refused.to_string(),
            "the replaced post's id is 18446744073709551615, more than the database can hold \
             (at most 9223372036854775807); nothing was written"
        );
        assert_eq!(count(3, "events").unwrap(), 3);
    }

    #[test]
    fn versions_after_a_commit_stop_at_the_largest_storable() {
        assert_eq!(version_after(4, 2), Some(6));
        assert_eq!(version_after(i64::MAX as u64 - 1, 1), Some(i64::MAX));
        assert_eq!(version_after(i64::MAX as u64, 1), None);
        assert_eq!(version_after(u64::MAX, 1), None);
    }

    #[test]
    fn negative_numbers_read_back_name_their_column() {
        assert_eq!(from_store(42, "incidents.id").unwrap(), 42);
        let corrupt = from_store(-1, "events.seq").unwrap_err().to_string();
        assert_eq!(
            corrupt,
            "the database holds an unexpected value in events.seq: -1"
        );
    }
}
