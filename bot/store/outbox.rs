//! The outbox: messages to post, queued in the same transaction as the change that caused them,
//! and what the delivery worker reads and marks.
//!
//! Per channel, only the oldest unsent post (the channel's *head*) may go out, so posts reach each
//! channel in order and a post that keeps failing holds back the later posts of its channel, and
//! of no other channel, until it goes through or is given up as a *dead letter* (`dead_at_ms`):
//! then it is neither sent nor pending, holds nothing back, and waits for a person
//! ([`Store::outbox_backlog`], [`Store::retry_dead_letter`]).
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

use super::checks::check_text;
use super::incidents::channel_from_row;
use super::numbers::{self, stored, to_store};
use super::statements::{statement, Statement};
use super::{ChannelKey, IncidentId, Store, StoreError, UnixMillis};
use crate::platform::Platform;

/// Longest `last_error` kept for a failed post.
const MAX_ERROR_CHARS: usize = 2000;

/// A message to queue in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub channel: ChannelKey,
    pub kind: String,
    /// JSON of the rendered message, opaque to the store.
    pub body: String,
    /// The earlier post whose message this one edits, if any.
    pub replaces: Option<Replaces>,
}

/// Which earlier post's message a new post edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaces {
    /// The post with this outbox id.
    Post(u64),
    /// The incident's first post of the same kind (the checklist card, edited in place at every
    /// step); nothing when this is the first.
    FirstOfKind,
}

/// A queued message not yet sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxPost {
    pub id: u64,
    pub incident_id: Option<IncidentId>,
    pub channel: ChannelKey,
    pub kind: String,
    pub body: String,
    pub created_at_ms: UnixMillis,
    /// Failed attempts so far.
    pub attempts: u32,
    /// The outbox id of the post whose message this one edits.
    pub replaces: Option<u64>,
    /// The platform's reference (e.g. Slack `ts`) of the replaced post's message, once it has
    /// been sent; `None` while it has not.
    pub replaces_message_ref: Option<String>,
}

pub(super) const PENDING_POSTS_SQL: &str =
    "SELECT o.id, o.incident_id, o.platform, o.workspace, o.channel, o.kind, o.body, \
            o.created_at_ms, o.attempts, o.replaces_outbox_id, \
            r.message_ref AS replaces_message_ref \
     FROM outbox o LEFT JOIN outbox r ON r.id = o.replaces_outbox_id \
     WHERE o.sent_at_ms IS NULL AND o.dead_at_ms IS NULL \
       AND o.next_attempt_at_ms <= $1 AND o.platform = $2 \
     ORDER BY o.next_attempt_at_ms, o.id LIMIT $3";

/// The head of each channel of platform `$1`, its oldest pending (unsent, not dead) post, as
/// `heads(id)`: found channel after channel through the index of pending posts by channel (a
/// recursive step from one channel's head to the next channel's), so that a backlog of any
/// size costs a few index lookups per channel, where grouping every pending post would read
/// them all. A macro so that the queries can be `concat!`enated constants.
macro_rules! channel_heads {
    () => {
        "WITH RECURSIVE heads(id) AS ( \
           SELECT id FROM (SELECT h.id FROM outbox h \
                           WHERE h.sent_at_ms IS NULL AND h.dead_at_ms IS NULL AND h.platform = $1 \
                           ORDER BY h.workspace, h.channel, h.id LIMIT 1) AS head_one \
           UNION ALL \
           SELECT COALESCE( \
             (SELECT n.id FROM outbox c, outbox n WHERE c.id = heads.id \
                AND n.sent_at_ms IS NULL AND n.dead_at_ms IS NULL AND n.platform = $1 \
                AND n.workspace = c.workspace AND n.channel > c.channel \
              ORDER BY n.channel, n.id LIMIT 1), \
             (SELECT n.id FROM outbox c, outbox n WHERE c.id = heads.id \
                AND n.sent_at_ms IS NULL AND n.dead_at_ms IS NULL AND n.platform = $1 \
                AND n.workspace > c.workspace \
              ORDER BY n.workspace, n.channel, n.id LIMIT 1)) \
           FROM heads WHERE heads.id IS NOT NULL) "
    };
}

/// The condition on `o` (an outbox row, `r` the post it replaces) of the heads that may go out:
/// `o` is the head of its channel (`channel_heads!`), and if it edits another post, that post
/// is sent or dead (so its message reference is known, or will never be). Within a channel the
/// second part always holds already; across channels it keeps an edit behind the post it edits.
macro_rules! eligible_head {
    () => {
        "o.id IN (SELECT id FROM heads) \
         AND (r.id IS NULL OR r.sent_at_ms IS NOT NULL OR r.dead_at_ms IS NOT NULL)"
    };
}

const DUE_HEADS_SQL: &str = concat!(
    channel_heads!(),
    "SELECT o.id, o.incident_id, o.platform, o.workspace, o.channel, o.kind, o.body, \
            o.created_at_ms, o.attempts, o.replaces_outbox_id, \
            r.message_ref AS replaces_message_ref \
     FROM outbox o LEFT JOIN outbox r ON r.id = o.replaces_outbox_id WHERE ",
    eligible_head!(),
    " AND o.next_attempt_at_ms <= $2 ORDER BY o.next_attempt_at_ms, o.id LIMIT $3"
);

const NEXT_HEAD_DUE_SQL: &str = concat!(
    channel_heads!(),
    "SELECT MIN(o.next_attempt_at_ms) \
     FROM outbox o LEFT JOIN outbox r ON r.id = o.replaces_outbox_id WHERE ",
    eligible_head!(),
    " AND o.next_attempt_at_ms > $2"
);

impl Store {
    /// Posts for one platform not yet sent whose next attempt is due at or before `now_ms`, in
    /// the order they became due (ties by id, i.e. oldest first), at most `limit`.
    pub async fn pending_posts(
        &self,
        platform: Platform,
        now_ms: UnixMillis,
        limit: u32,
    ) -> Result<Vec<OutboxPost>, StoreError> {
        let rows = sqlx::query(PENDING_POSTS_SQL)
            .bind(now_ms.millis())
            .bind(platform.as_str())
            .bind(numbers::limit(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(post_from_row).collect()
    }

    /// For each channel of `platform`, its oldest unsent post, if that post is due at or before
    /// `now_ms` (and, when it edits another post, that post is sent): what may be delivered now
    /// without overtaking anything. Earliest due first (ties: oldest first), at most `limit`.
    pub async fn due_outbox_heads(
        &self,
        platform: Platform,
        now_ms: UnixMillis,
        limit: u32,
    ) -> Result<Vec<OutboxPost>, StoreError> {
        let rows = sqlx::query(DUE_HEADS_SQL)
            .bind(platform.as_str())
            .bind(now_ms.millis())
            .bind(numbers::limit(limit))
            .fetch_all(&self.background)
            .await?;
        rows.iter().map(post_from_row).collect()
    }

    /// The earliest time after `after_ms` at which a channel head of `platform` comes due (a
    /// post waiting for its retry, or claimed by a worker), if any: when to look again.
    pub async fn next_outbox_head_due_after(
        &self,
        platform: Platform,
        after_ms: UnixMillis,
    ) -> Result<Option<UnixMillis>, StoreError> {
        let next = sqlx::query_scalar(NEXT_HEAD_DUE_SQL)
            .bind(platform.as_str())
            .bind(after_ms.millis())
            .fetch_one(&self.background)
            .await?;
        Ok(numbers::optional_instant(next))
    }

    /// Claims a due post for delivery: moves its next attempt to `lease_until_ms` if it is still
    /// unsent and due at `now_ms`. `false` when it is not (another worker claimed or sent it
    /// first): then leave it alone.
    pub async fn claim_post(
        &self,
        post_id: u64,
        now_ms: UnixMillis,
        lease_until_ms: UnixMillis,
    ) -> Result<bool, StoreError> {
        let Some(id) = stored(post_id) else {
            return Err(StoreError::PostNotFound(post_id));
        };
        self.write_one(statement!(
            "UPDATE outbox SET next_attempt_at_ms = " {lease_until_ms}
            " WHERE id = " {id} " AND sent_at_ms IS NULL AND dead_at_ms IS NULL \
               AND next_attempt_at_ms <= " {now_ms}
        ))
        .await
    }

    /// Records that a post was delivered, with the platform's reference to the message (e.g.
    /// Slack `ts`) if it has one. A post already marked sent keeps its first record.
    pub async fn mark_sent(
        &self,
        post_id: u64,
        sent_at_ms: UnixMillis,
        message_ref: Option<&str>,
    ) -> Result<(), StoreError> {
        if let Some(r) = message_ref {
            check_text("the message reference", r)?;
        }
        let Some(id) = stored(post_id) else {
            return Err(StoreError::PostNotFound(post_id));
        };
        let update = statement!(
            "UPDATE outbox SET sent_at_ms = " {sent_at_ms} ", message_ref = " {message_ref}
            " WHERE id = " {id} " AND sent_at_ms IS NULL"
        );
        if !self.write_one(update).await? {
            self.post_exists_or_not_found(post_id, id).await?;
            tracing::warn!(
                post_id,
                "post was already marked sent; keeping the first record"
            );
        }
        Ok(())
    }

    /// Records that a post meant to edit post `replaced` was delivered as a new message instead
    /// (the edited message was gone, or never had a reference): as [`Store::mark_sent`], and the
    /// new message takes `replaced`'s place, so that later edits of `replaced` change it.
    pub async fn mark_sent_in_place_of(
        &self,
        post_id: u64,
        sent_at_ms: UnixMillis,
        message_ref: Option<&str>,
        replaced: u64,
    ) -> Result<(), StoreError> {
        if let Some(r) = message_ref {
            check_text("the message reference", r)?;
        }
        let (Some(id), Some(replaced_id)) = (stored(post_id), stored(replaced)) else {
            return Err(StoreError::PostNotFound(post_id));
        };
        let sent = statement!(
            "UPDATE outbox SET sent_at_ms = " {sent_at_ms} ", message_ref = " {message_ref}
            " WHERE id = " {id} " AND sent_at_ms IS NULL"
        );
        let moved = statement!(
            "UPDATE outbox SET message_ref = " {message_ref} " WHERE id = " {replaced_id}
        );
        if !self.write(vec![sent.must_change(), moved]).await? {
            self.post_exists_or_not_found(post_id, id).await?;
            tracing::warn!(
                post_id,
                "post was already marked sent; keeping the first record"
            );
        }
        Ok(())
    }

    /// Records a failed delivery: one more attempt, the error, and when to try again. A post
    /// already sent is left as it is.
    pub async fn mark_failed(
        &self,
        post_id: u64,
        next_attempt_at_ms: UnixMillis,
        error: &str,
    ) -> Result<(), StoreError> {
        self.record_refusal(post_id, error, Refusal::RetryAt(next_attempt_at_ms))
            .await
    }

    /// Gives a post up as a dead letter after its last failed attempt: one more attempt, the
    /// error, and when. It stays unsent, and the posts after it in its channel go on. A post
    /// already sent is left as it is.
    pub async fn mark_dead(
        &self,
        post_id: u64,
        dead_at_ms: UnixMillis,
        error: &str,
    ) -> Result<(), StoreError> {
        self.record_refusal(post_id, error, Refusal::DeadAt(dead_at_ms))
            .await
    }

    async fn record_refusal(
        &self,
        post_id: u64,
        error: &str,
        refusal: Refusal,
    ) -> Result<(), StoreError> {
        let Some(id) = stored(post_id) else {
            return Err(StoreError::PostNotFound(post_id));
        };
        let error = storable_error(error);
        let update = match refusal {
            Refusal::RetryAt(next_attempt_at_ms) => statement!(
                "UPDATE outbox SET attempts = attempts + 1, last_error = " {&error}
                ", next_attempt_at_ms = " {next_attempt_at_ms}
                " WHERE id = " {id} " AND sent_at_ms IS NULL"
            ),
            Refusal::DeadAt(dead_at_ms) => statement!(
                "UPDATE outbox SET attempts = attempts + 1, last_error = " {&error}
                ", dead_at_ms = " {dead_at_ms}
                " WHERE id = " {id} " AND sent_at_ms IS NULL"
            ),
        };
        if !self.write_one(update).await? {
            self.post_exists_or_not_found(post_id, id).await?;
            tracing::warn!(
                post_id,
                "a refusal reported for a post already sent; ignored"
            );
        }
        Ok(())
    }

    pub(super) async fn post_exists_or_not_found(
        &self,
        post_id: u64,
        id: i64,
    ) -> Result<(), StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match found {
            Some(_) => Ok(()),
            None => Err(StoreError::PostNotFound(post_id)),
        }
    }
}

/// An error text from an HTTP library or a platform, storable and bounded.
fn storable_error(error: &str) -> String {
    error
        .chars()
        .filter(|&c| c != '\0')
        .take(MAX_ERROR_CHARS)
        .collect()
}

/// The outbox row of a post, due at `now_ms`.
pub(super) fn post_row(
    incident_id: Option<i64>,
    post: &NewPost,
    now_ms: UnixMillis,
) -> Result<Statement<'_>, StoreError> {
    let NewPost {
        channel,
        kind,
        body,
        replaces,
    } = post;
    let replaces = match replaces {
        None => None,
        Some(Replaces::Post(id)) => Some(to_store(*id, "the id of the post to edit")?),
        Some(Replaces::FirstOfKind) => {
            return Ok(statement!(
                "INSERT INTO outbox (incident_id, platform, workspace, channel, kind, body, \
                                     created_at_ms, next_attempt_at_ms, attempts, \
                                     replaces_outbox_id) \
                 VALUES (" {incident_id} ", " {channel.platform.as_str()} ", " {&channel.workspace} ", "
                           {&channel.channel} ", " {kind} ", " {body} ", " {now_ms} ", "
                           {now_ms} ", 0, \
                         (SELECT MIN(first.id) FROM outbox first \
                          WHERE first.incident_id = " {incident_id} " AND first.kind = " {kind}
                         "))"
            ))
        }
    };
    Ok(statement!(
        "INSERT INTO outbox (incident_id, platform, workspace, channel, kind, body, \
                             created_at_ms, next_attempt_at_ms, attempts, replaces_outbox_id) \
         VALUES (" {incident_id} ", " {channel.platform.as_str()} ", " {&channel.workspace} ", "
                   {&channel.channel} ", " {kind} ", " {body} ", " {now_ms} ", " {now_ms} ", 0, "
                   {replaces} ")"
    ))
}

/// An unsent post as the outbox queries select it (with the replaced post's `message_ref`).
fn post_from_row(row: &AnyRow) -> Result<OutboxPost, StoreError> {
    Ok(OutboxPost {
        id: numbers::read(row, "id", "outbox.id")?,
        incident_id: numbers::read_optional_id(row, "incident_id", "outbox.incident_id")?,
        channel: channel_from_row(row)?,
        kind: row.try_get("kind")?,
        body: row.try_get("body")?,
        created_at_ms: numbers::read_instant(row, "created_at_ms")?,
        attempts: numbers::read_u32(row, "attempts", "outbox.attempts")?,
        replaces: numbers::read_optional(row, "replaces_outbox_id", "outbox.replaces_outbox_id")?,
        replaces_message_ref: row.try_get("replaces_message_ref")?,
    })
}

/// What a refused attempt leaves a post.
enum Refusal {
    /// Tried again at this time.
    RetryAt(UnixMillis),
    /// Given up as a dead letter at this time.
    DeadAt(UnixMillis),
}

#[cfg(test)]
mod tests {
    use super::super::tests::{plan, reads_only_pending_posts};
    use super::*;

    /// The heads come from an index of pending posts, channel after channel (a search for the
    /// next channel, never a pass over every pending post), and the edited posts by primary key;
    /// no table is scanned whole. (Sorting the heads is allowed.)
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
            assert!(
                plan.iter().any(|line| line.contains(
                    "INDEX outbox_channel_heads (platform=? AND workspace=? AND channel>?)"
                )),
                "expected a search for the next channel's head: {plan:#?}"
            );
            assert!(
                plan.iter().all(|line| !line.contains("GROUP BY")),
                "the heads are not found by grouping every pending post: {plan:#?}"
            );
        }
    }
}
