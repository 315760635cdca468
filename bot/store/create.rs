//! Creating an incident: its id, the next after the highest so far, allocated in memory by a sole
//! writer (a SQLite file this process holds) and under an advisory lock on PostgreSQL, where
//! replicas create incidents at once.

use sqlx::AnyPool;

use super::checks::{check_channel, check_commit};
use super::commit::{commit_rows, timer_names};
use super::dialect::run_on_postgres;
use super::incidents::new_incident_row;
use super::numbers::id_from_store;
use super::statements::Statement;
use super::{Access, Backend, ChannelKey, Commit, IncidentId, Store, StoreError, UnixMillis};

/// PostgreSQL advisory lock held while allocating an incident id (`\0inc-ids` in ASCII).
const ID_ALLOCATION_LOCK: i64 = 0x0069_6e63_2d69_6473;
/// How many times creating an incident retries when its id was taken by a writer that does not
/// take [`ID_ALLOCATION_LOCK`] (an older version of the bot, someone at a psql prompt).
const CREATE_ATTEMPTS: usize = 16;

const NEXT_ID_SQL: &str = "SELECT COALESCE(MAX(id), 0) + 1 FROM incidents";

/// The next incident id of a sole writer: read from the database once, then counted here.
#[derive(Debug, Default)]
pub(super) struct IdAllocator {
    next: tokio::sync::Mutex<Option<i64>>,
}

impl IdAllocator {
    async fn allocate(&self, pool: &AnyPool) -> Result<i64, StoreError> {
        let mut next = self.next.lock().await;
        let id = match *next {
            Some(id) => id,
            None => sqlx::query_scalar(NEXT_ID_SQL).fetch_one(pool).await?,
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

impl Store {
    /// Creates an incident (version = `commit.events.len()`, events numbered 1…n) and returns its
    /// id, the next after the highest so far.
    pub async fn create_incident(
        &self,
        channel: &ChannelKey,
        opened_at_ms: UnixMillis,
        commit: &Commit,
        now_ms: UnixMillis,
    ) -> Result<IncidentId, StoreError> {
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
        opened_at_ms: UnixMillis,
        now_ms: UnixMillis,
        mut build: F,
    ) -> Result<Result<IncidentId, E>, StoreError>
    where
        F: FnMut(IncidentId) -> Result<Commit, E> + Send,
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
        opened_at_ms: UnixMillis,
        now_ms: UnixMillis,
        build: &mut F,
    ) -> Result<Result<IncidentId, E>, StoreError>
    where
        F: FnMut(IncidentId) -> Result<Commit, E> + Send,
        E: Send,
    {
        let Access::Sole(_, ids) = &self.access else {
            return Err(StoreError::ReadOnly);
        };
        let next = ids.allocate(&self.pool).await?;
        let written = async {
            let id = id_from_store(next, "incidents.id")?;
            let commit = match build(id) {
                Ok(commit) => commit,
                Err(error) => return Ok(Err(error)),
            };
            let names = timer_names(&commit);
            let statements =
                creation_statements(next, channel, opened_at_ms, &commit, &names, now_ms)?;
            // Only the states of the alerts that open it must change a row.
            if !self.write(statements).await? {
                return Err(StoreError::AlertTaken);
            }
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
        opened_at_ms: UnixMillis,
        now_ms: UnixMillis,
        build: &mut F,
    ) -> Result<Result<IncidentId, E>, StoreError>
    where
        F: FnMut(IncidentId) -> Result<Commit, E> + Send,
        E: Send,
    {
        let mut tx = self.begin_on_postgres().await?;
        // Replicas creating incidents at once queue here (until commit or rollback) instead of
        // all taking the same id and retrying.
        sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
            .bind(ID_ALLOCATION_LOCK)
            .execute(&mut *tx)
            .await?;
        let next: i64 = sqlx::query_scalar(NEXT_ID_SQL).fetch_one(&mut *tx).await?;
        let id = id_from_store(next, "incidents.id")?;
        let commit = match build(id) {
            Ok(commit) => commit,
            Err(error) => return Ok(Err(error)),
        };
        let names = timer_names(&commit);
        let statements = creation_statements(next, channel, opened_at_ms, &commit, &names, now_ms)?;
        // Only the states of the alerts that open it must change a row.
        if !run_on_postgres(&mut tx, &statements).await? {
            return Err(StoreError::AlertTaken);
        }
        tx.commit().await?;
        Ok(Ok(id))
    }
}

/// Everything that creates incident `id`: its own row, then the rows of its first commit.
fn creation_statements<'a>(
    id: i64,
    channel: &'a ChannelKey,
    opened_at_ms: UnixMillis,
    commit: &'a Commit,
    names: &'a [String],
    now_ms: UnixMillis,
) -> Result<Vec<Statement<'a>>, StoreError> {
    check_commit(commit)?;
    let mut statements = vec![new_incident_row(id, channel, opened_at_ms, commit)?];
    statements.extend(commit_rows(id, 0, commit, names, now_ms)?);
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sole writer reads the next id once, then counts; an id given back is handed out again
    /// unless a later one was handed out meanwhile.
    #[tokio::test]
    async fn a_sole_writer_counts_ids_and_takes_back_the_last_one() {
        let store = Store::connect("sqlite::memory:")
            .await
            .expect("in-memory store");
        let ids = IdAllocator::default();
        assert_eq!(ids.allocate(store.pool()).await.unwrap(), 1);
        assert_eq!(ids.allocate(store.pool()).await.unwrap(), 2);
        ids.give_back(2).await;
        assert_eq!(ids.allocate(store.pool()).await.unwrap(), 2);
        assert_eq!(ids.allocate(store.pool()).await.unwrap(), 3);
        ids.give_back(2).await;
        assert_eq!(
            ids.allocate(store.pool()).await.unwrap(),
            4,
            "2 stays unused"
        );
    }
}
