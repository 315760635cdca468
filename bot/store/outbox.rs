//! The outbox as the delivery worker reads it: per channel, only the oldest unsent post (the
//! channel's *head*) may go out, so posts reach each channel in order and a post that keeps
//! failing holds back the later posts of its channel, and of no other channel.
//!
//! A worker claims a head before delivering it by moving its next attempt a lease into the
//! future: a second replica does not deliver it too, and if the worker dies mid-delivery the post
//! comes due again when the lease runs out (it is delivered at least once, never lost).
//!
//! The heads are found through the partial index `outbox_channel_heads` of unsent posts by
//! channel: each channel's oldest is one index lookup, however long the backlog behind it (a busy
//! channel paced at one post per second builds one), and sent posts are never read.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::statements::{Arg, Statement};
use super::{channel_from_row, to_u64, OutboxPost, Store, StoreError};

/// The condition on `o` (an outbox row, `r` the post it replaces) of the heads that may go out:
/// `o` is the oldest unsent post of its channel of platform `$1`, and if it edits another post,
/// that post is sent (so its message reference is known). Within a channel the second part
/// always holds already; across channels it keeps an edit behind the post it edits. A macro so
/// that the queries can be `concat!`enated constants.
macro_rules! eligible_head {
    () => {
        "o.id IN (SELECT MIN(h.id) FROM outbox h \
                  WHERE h.sent_at_ms IS NULL AND h.platform = $1 \
                  GROUP BY h.workspace, h.channel) \
         AND (r.id IS NULL OR r.sent_at_ms IS NOT NULL)"
    };
}

const DUE_HEADS_SQL: &str = concat!(
    "SELECT o.id, o.incident_id, o.platform, o.workspace, o.channel, o.kind, o.body, \
            o.created_at_ms, o.attempts, o.replaces_outbox_id, \
            r.message_ref AS replaces_message_ref \
     FROM outbox o LEFT JOIN outbox r ON r.id = o.replaces_outbox_id WHERE ",
    eligible_head!(),
    " AND o.next_attempt_at_ms <= $2 ORDER BY o.next_attempt_at_ms, o.id LIMIT $3"
);

const NEXT_HEAD_DUE_SQL: &str = concat!(
    "SELECT MIN(o.next_attempt_at_ms) \
     FROM outbox o LEFT JOIN outbox r ON r.id = o.replaces_outbox_id WHERE ",
    eligible_head!(),
    " AND o.next_attempt_at_ms > $2"
);

impl Store {
    /// For each channel of `platform`, its oldest unsent post, if that post is due at or before
    /// `now_ms` (and, when it edits another post, that post is sent): what may be delivered now
    /// without overtaking anything. Earliest due first (ties: oldest first), at most `limit`.
    pub async fn due_outbox_heads(
        &self,
        platform: &str,
        now_ms: i64,
        limit: u32,
    ) -> Result<Vec<OutboxPost>, StoreError> {
        let rows = sqlx::query(DUE_HEADS_SQL)
            .bind(platform)
            .bind(now_ms)
            .bind(i64::from(limit))
            .fetch_all(&self.background)
            .await?;
        rows.iter().map(post_from_row).collect()
    }

    /// The earliest time after `after_ms` at which a channel head of `platform` comes due (a
    /// post waiting for its retry, or claimed by a worker), if any: when to look again.
    pub async fn next_outbox_head_due_after(
        &self,
        platform: &str,
        after_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(NEXT_HEAD_DUE_SQL)
            .bind(platform)
            .bind(after_ms)
            .fetch_one(&self.background)
            .await?)
    }

    /// Claims a due post for delivery: moves its next attempt to `lease_until_ms` if it is still
    /// unsent and due at `now_ms`. `false` when it is not (another worker claimed or sent it
    /// first): then leave it alone.
    pub async fn claim_post(
        &self,
        post_id: u64,
        now_ms: i64,
        lease_until_ms: i64,
    ) -> Result<bool, StoreError> {
        let Ok(id) = i64::try_from(post_id) else {
            return Err(StoreError::PostNotFound(post_id));
        };
        self.write_one(Statement::new(
            "UPDATE outbox SET next_attempt_at_ms = $1 \
             WHERE id = $2 AND sent_at_ms IS NULL AND next_attempt_at_ms <= $3",
            vec![Arg::Int(lease_until_ms), Arg::Int(id), Arg::Int(now_ms)],
        ))
        .await
    }
}

/// An unsent post as the outbox queries select it (with the replaced post's `message_ref`).
pub(super) fn post_from_row(row: &AnyRow) -> Result<OutboxPost, StoreError> {
    let attempts: i64 = row.try_get("attempts")?;
    Ok(OutboxPost {
        id: to_u64(row.try_get("id")?, "outbox.id")?,
        incident_id: row
            .try_get::<Option<i64>, _>("incident_id")?
            .map(|id| to_u64(id, "outbox.incident_id"))
            .transpose()?,
        channel: channel_from_row(row)?,
        kind: row.try_get("kind")?,
        body: row.try_get("body")?,
        created_at_ms: row.try_get("created_at_ms")?,
        attempts: u32::try_from(attempts).map_err(|_| StoreError::Corrupt {
            what: "outbox.attempts",
            value: attempts.to_string(),
        })?,
        replaces: row
            .try_get::<Option<i64>, _>("replaces_outbox_id")?
            .map(|id| to_u64(id, "outbox.replaces_outbox_id"))
            .transpose()?,
        replaces_message_ref: row.try_get("replaces_message_ref")?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{plan, reads_only_pending_posts};
    use super::*;

    /// The heads come from an index of pending posts and the edited posts by primary key; no
    /// table is scanned whole. (Sorting the heads is allowed.)
    #[tokio::test]
    async fn head_queries_read_only_pending_posts_on_sqlite() {
        let store = Store::connect("sqlite::memory:")
            .await
            .expect("in-memory store");
        for sql in [DUE_HEADS_SQL, NEXT_HEAD_DUE_SQL] {
            let plan = plan(&store, sql).await;
            assert!(
                reads_only_pending_posts(&plan),
                "expected the plan to read pending posts only: {plan:#?}"
            );
        }
    }
}
