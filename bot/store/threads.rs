//! Where an incident's conversation lives on a platform that threads (Slack): the message of the
//! incident's first post, which later posts reply to.

use super::{Store, StoreError};

/// The reference of the incident's first sent post. Sent posts of a channel go out in id order,
/// so once the incident's first post is sent it stays the answer.
const FIRST_MESSAGE_REF_SQL: &str = "SELECT message_ref FROM outbox \
     WHERE incident_id = $1 AND sent_at_ms IS NOT NULL ORDER BY id LIMIT 1";

impl Store {
    /// The platform's reference (Slack `ts`) of the message of the incident's first sent post
    /// (the one with the lowest id); `None` while none is sent, or when the platform gave it no
    /// reference.
    pub async fn first_message_ref(&self, incident_id: u64) -> Result<Option<String>, StoreError> {
        let Ok(id) = i64::try_from(incident_id) else {
            return Ok(None);
        };
        let found: Option<Option<String>> = sqlx::query_scalar(FIRST_MESSAGE_REF_SQL)
            .bind(id)
            .fetch_optional(&self.background)
            .await?;
        Ok(found.flatten())
    }
}
