//! Alerts from monitoring as the store keeps them: one row per alert (its sender and
//! fingerprint), with the latest state taken, and what it became (the incident it was told in,
//! the offer message posted for it). Recording a state is one upsert that changes a row only for
//! news (a later firing, or a firing that resolved): written in the same transaction as what the
//! alert changes, and required to change a row, it makes a repeat, a retried delivery or the
//! same alert taken by two replicas at once write nothing the second time.

use sqlx::Row;

use super::dialect::Sql;
use super::numbers::{read_optional, read_optional_id, stored_id, to_store};
use super::outbox::{post_row, NewPost};
use super::statements::{statement, Arg, Statement};
use super::{IncidentId, Store, StoreError, UnixMillis};
use crate::alerts::{AlertSource, AlertStatus};

/// An alert's state to record, and what it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRecord {
    pub source: AlertSource,
    pub fingerprint: String,
    pub status: AlertStatus,
    pub starts_at_ms: UnixMillis,
    pub received_at_ms: UnixMillis,
    /// The incident it is told in (for a commit of an incident, that incident).
    pub incident: Option<IncidentId>,
    /// The outbox id of the offer message already posted for it, when there is one.
    pub offer_post: Option<u64>,
}

/// An alert's latest state taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAlert {
    pub status: AlertStatus,
    pub starts_at_ms: UnixMillis,
    pub incident: Option<IncidentId>,
    pub offer_post: Option<u64>,
}

impl StoredAlert {
    /// Whether `status` at `starts_at` is news to this state: a later firing, or this firing
    /// resolved. Anything else (a repeat, an old delivery arriving late) changes nothing; the
    /// upsert of [`alert_row`] says the same in SQL.
    pub fn is_news(&self, status: AlertStatus, starts_at: UnixMillis) -> bool {
        starts_at > self.starts_at_ms
            || (starts_at == self.starts_at_ms
                && self.status == AlertStatus::Firing
                && status == AlertStatus::Resolved)
    }
}

const ALERT_SQL: &str = "SELECT status, starts_at_ms, incident_id, offer_outbox_id \
                         FROM alerts WHERE source = $1 AND fingerprint = $2";

impl Store {
    /// The alert's latest state taken, if it was ever taken.
    pub async fn alert(
        &self,
        source: AlertSource,
        fingerprint: &str,
    ) -> Result<Option<StoredAlert>, StoreError> {
        let Some(row) = sqlx::query(ALERT_SQL)
            .bind(source.as_str())
            .bind(fingerprint)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let status: String = row.try_get("status")?;
        Ok(Some(StoredAlert {
            status: match status.as_str() {
                "resolved" => AlertStatus::Resolved,
                _ => AlertStatus::Firing,
            },
            starts_at_ms: UnixMillis::new(row.try_get("starts_at_ms")?),
            incident: read_optional_id(&row, "incident_id", "alerts.incident_id")?,
            offer_post: read_optional(&row, "offer_outbox_id", "alerts.offer_outbox_id")?,
        }))
    }

    /// Records an alert's state alone (a resolution nothing shows). `false` when it was no news.
    pub async fn record_alert(&self, record: &AlertRecord) -> Result<bool, StoreError> {
        self.write(vec![alert_row(record)?]).await
    }

    /// Records an alert's state with the message that offers it (a new one, or an edit of the
    /// one posted before), in one transaction. `false` when the state was no news (recorded
    /// already, by this process or another): then nothing was written.
    pub async fn record_alert_offer(
        &self,
        record: &AlertRecord,
        offer: &NewPost,
        now_ms: UnixMillis,
    ) -> Result<bool, StoreError> {
        super::checks::check_post(offer)?;
        let mut statements = vec![alert_row(record)?];
        statements.push(post_row(None, offer, now_ms)?);
        if record.offer_post.is_none() {
            statements.push(offer_is_last_post(record));
        }
        self.write(statements).await
    }
}

/// The upsert of an alert's state, which must change a row: it does only for news (see
/// [`StoredAlert::is_news`]).
pub(super) fn alert_row(record: &AlertRecord) -> Result<Statement<'_>, StoreError> {
    let incident = record.incident.and_then(stored_id);
    let offer = record
        .offer_post
        .map(|id| to_store(id, "the id of the offer post"))
        .transpose()?;
    Ok(statement!(
        "INSERT INTO alerts (source, fingerprint, status, starts_at_ms, received_at_ms, \
                             incident_id, offer_outbox_id) \
         VALUES (" {record.source.as_str()} ", " {record.fingerprint.as_str()} ", "
                   {record.status.as_str()} ", " {record.starts_at_ms} ", "
                   {record.received_at_ms} ", " {incident} ", " {offer} ") \
         ON CONFLICT (source, fingerprint) DO UPDATE SET \
             status = excluded.status, starts_at_ms = excluded.starts_at_ms, \
             received_at_ms = excluded.received_at_ms, incident_id = excluded.incident_id, \
             offer_outbox_id = excluded.offer_outbox_id \
         WHERE excluded.starts_at_ms > alerts.starts_at_ms \
            OR (excluded.starts_at_ms = alerts.starts_at_ms \
                AND alerts.status = 'firing' AND excluded.status = 'resolved')"
    )
    .must_change())
}

/// Points the alert at the post just inserted in the same transaction: its offer message.
fn offer_is_last_post(record: &AlertRecord) -> Statement<'_> {
    Statement::new(
        Sql {
            postgres: "UPDATE alerts SET offer_outbox_id = lastval() \
                       WHERE source = $1 AND fingerprint = $2",
            sqlite: "UPDATE alerts SET offer_outbox_id = last_insert_rowid() \
                     WHERE source = ? AND fingerprint = ?",
        },
        vec![
            Arg::from(record.source.as_str()),
            Arg::from(record.fingerprint.as_str()),
        ],
    )
}
