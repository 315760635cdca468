//! What waits in the outbox, as a person looks at it: the posts not yet sent (pending, each with
//! its attempts and last error) and the dead letters the worker gave up, how many of those there
//! are (for `/readyz`), and putting a dead letter back in line (`incident-bot outbox --retry`).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::incidents::channel_from_row;
use super::numbers::{self, stored};
use super::statements::statement;
use super::{ChannelKey, IncidentId, Store, StoreError, UnixMillis};

/// The columns of a [`WaitingPost`]; a macro so that the queries are `concat!`enated constants.
macro_rules! select_waiting {
    () => {
        "SELECT id, incident_id, platform, workspace, channel, kind, created_at_ms, attempts, \
                last_error, next_attempt_at_ms, dead_at_ms FROM outbox "
    };
}

/// Pending posts, soonest due first (through the index `outbox_pending`).
const PENDING_SQL: &str = concat!(
    select_waiting!(),
    "WHERE sent_at_ms IS NULL AND dead_at_ms IS NULL ORDER BY next_attempt_at_ms, id LIMIT $1"
);

/// Dead letters, oldest first (through the index `outbox_dead`).
const DEAD_SQL: &str = concat!(
    select_waiting!(),
    "WHERE dead_at_ms IS NOT NULL ORDER BY id LIMIT $1"
);

const DEAD_COUNT_SQL: &str = "SELECT COUNT(*) FROM outbox WHERE dead_at_ms IS NOT NULL";

/// A post not sent, as `incident-bot outbox` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingPost {
    pub id: u64,
    pub incident_id: Option<IncidentId>,
    pub channel: ChannelKey,
    pub kind: String,
    pub created_at_ms: UnixMillis,
    /// Failed attempts so far.
    pub attempts: u32,
    pub last_error: Option<String>,
    pub state: Waiting,
}

/// Whether a post not sent will still be tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Queued: tried at this time, or once the posts before it in its channel are sent.
    Pending { next_attempt_at_ms: UnixMillis },
    /// Given up at this time; tried again only if a person asks.
    Dead { at_ms: UnixMillis },
}

impl Store {
    /// The posts not sent, oldest first: up to `limit` pending ones (those due soonest) and up
    /// to `limit` dead letters (the oldest).
    pub async fn outbox_backlog(&self, limit: u32) -> Result<Vec<WaitingPost>, StoreError> {
        let mut waiting = Vec::new();
        for sql in [PENDING_SQL, DEAD_SQL] {
            let rows = sqlx::query(sql)
                .bind(numbers::limit(limit))
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                waiting.push(waiting_from_row(row)?);
            }
        }
        waiting.sort_by_key(|post| post.id);
        Ok(waiting)
    }

    /// How many posts were given up as dead letters and not retried since.
    pub async fn dead_letter_count(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar(DEAD_COUNT_SQL)
            .fetch_one(&self.pool)
            .await?;
        numbers::from_store(count, "the number of dead letters")
    }

    /// Puts dead letter `post_id` back in line, due at `now_ms` with a fresh count of attempts:
    /// it goes out next in its channel, ahead of the posts queued there after it. `false` when
    /// there is no such dead letter (a pending or sent post, or no post at all).
    pub async fn retry_dead_letter(
        &self,
        post_id: u64,
        now_ms: UnixMillis,
    ) -> Result<bool, StoreError> {
        let Some(id) = stored(post_id) else {
            return Ok(false);
        };
        self.write_one(statement!(
            "UPDATE outbox SET dead_at_ms = NULL, attempts = 0, next_attempt_at_ms = " {now_ms}
            " WHERE id = " {id} " AND dead_at_ms IS NOT NULL AND sent_at_ms IS NULL"
        ))
        .await
    }
}

fn waiting_from_row(row: &AnyRow) -> Result<WaitingPost, StoreError> {
    let dead_at: Option<i64> = row.try_get("dead_at_ms")?;
    let state = match numbers::optional_instant(dead_at) {
        Some(at_ms) => Waiting::Dead { at_ms },
        None => Waiting::Pending {
            next_attempt_at_ms: numbers::read_instant(row, "next_attempt_at_ms")?,
        },
    };
    Ok(WaitingPost {
        id: numbers::read(row, "id", "outbox.id")?,
        incident_id: numbers::read_optional_id(row, "incident_id", "outbox.incident_id")?,
        channel: channel_from_row(row)?,
        kind: row.try_get("kind")?,
        created_at_ms: numbers::read_instant(row, "created_at_ms")?,
        attempts: numbers::read_u32(row, "attempts", "outbox.attempts")?,
        last_error: row.try_get("last_error")?,
        state,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::plan;
    use super::*;

    /// Listing and counting read the indexes of pending posts and of dead letters, never the
    /// sent posts that make up most of the table.
    #[tokio::test]
    async fn backlog_queries_read_no_sent_post_on_sqlite() {
        let store = Store::connect("sqlite::memory:")
            .await
            .expect("in-memory store");
        let cases = [
            (PENDING_SQL, "outbox_pending"),
            (DEAD_SQL, "outbox_dead"),
            (DEAD_COUNT_SQL, "outbox_dead"),
        ];
        for (sql, index) in cases {
            let plan = plan(&store, sql).await;
            assert!(
                plan.iter().any(|line| line.contains(index))
                    && plan
                        .iter()
                        .all(|line| !line.starts_with("SCAN ") || line.contains(" USING ")),
                "expected {sql} to read through {index}: {plan:#?}"
            );
        }
    }
}
