//! Where an incident's conversation lives on a platform that threads (Slack, Discord): the
//! message of the incident's first post, which later posts reply to; and the message of its
//! first post of a kind (the checklist card every later checklist post edits).

use super::numbers::stored_id;
use super::{IncidentId, Store, StoreError};

/// The reference of the incident's first sent post. Sent posts of a channel go out in id order,
/// so once the incident's first post is sent it stays the answer.
const FIRST_MESSAGE_REF_SQL: &str = "SELECT message_ref FROM outbox \
     WHERE incident_id = $1 AND sent_at_ms IS NOT NULL ORDER BY id LIMIT 1";

const FIRST_MESSAGE_REF_OF_KIND_SQL: &str = "SELECT message_ref FROM outbox \
     WHERE incident_id = $1 AND kind = $2 AND sent_at_ms IS NOT NULL ORDER BY id LIMIT 1";

impl Store {
    /// The platform's reference (Slack `ts`) of the message of the incident's first sent post
    /// (the one with the lowest id); `None` while none is sent, or when the platform gave it no
    /// reference.
    pub async fn first_message_ref(
        &self,
        incident_id: IncidentId,
    ) -> Result<Option<String>, StoreError> {
        let Some(id) = stored_id(incident_id) else {
            return Ok(None);
        };
        let found: Option<Option<String>> = sqlx::query_scalar(FIRST_MESSAGE_REF_SQL)
            .bind(id)
            .fetch_optional(&self.background)
            .await?;
        Ok(found.flatten())
    }

    /// The platform's reference of the message of the incident's first sent post of `kind`
    /// (`checklist`); `None` while none is sent, or when the platform gave it no reference.
    pub async fn first_message_ref_of_kind(
        &self,
        incident_id: IncidentId,
        kind: &str,
    ) -> Result<Option<String>, StoreError> {
        let Some(id) = stored_id(incident_id) else {
            return Ok(None);
        };
        let found: Option<Option<String>> = sqlx::query_scalar(FIRST_MESSAGE_REF_OF_KIND_SQL)
            .bind(id)
            .bind(kind)
            .fetch_optional(&self.background)
            .await?;
        Ok(found.flatten())
    }
}
