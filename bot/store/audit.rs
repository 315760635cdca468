//! The audit log: who did what, where and when, and whether it was done or refused (and why).
//! A change of an incident carries its row in its [`Commit`](super::Commit), so both are written
//! in one transaction; a refusal, which changes nothing, is written alone
//! ([`Store::record_audit`]). `incident-bot audit` reads the rows by time ([`Store::audit_since`]).

use sqlx::any::AnyRow;
use sqlx::Row;

use super::incidents::channel_from_row;
use super::numbers;
use super::statements::{statement, Statement};
use super::{ChannelKey, IncidentId, Store, StoreError, UnixMillis};
use crate::incident::Person;

/// How an audited action ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditOutcome {
    Done,
    /// Not done, and why, as the person was told.
    Refused {
        why: String,
    },
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: UnixMillis,
    pub channel: ChannelKey,
    pub person: Person,
    /// The command's canonical text: what was typed, or what a button stands for.
    pub command: String,
    /// The incident changed, or refused on, when there is one.
    pub incident: Option<IncidentId>,
    pub outcome: AuditOutcome,
}

/// The stored word of an outcome.
const DONE: &str = "done";
const REFUSED: &str = "refused";

/// The rows from `since` on, oldest first, at most `$2`.
const SINCE_SQL: &str = "SELECT at_ms, platform, workspace, channel, person_id, person_name, \
     command, incident_id, outcome, reason FROM audit_log WHERE at_ms >= $1 \
     ORDER BY at_ms, id LIMIT $2";

impl Store {
    /// Writes one row of the audit log on its own (an action refused: nothing else to write).
    pub async fn record_audit(&self, record: &AuditRecord) -> Result<(), StoreError> {
        let incident = record.incident.and_then(numbers::stored_id);
        self.write(vec![audit_row(record, incident)]).await?;
        Ok(())
    }

    /// The rows of the audit log from `since` on, oldest first, at most `limit` of them.
    pub async fn audit_since(
        &self,
        since: UnixMillis,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(SINCE_SQL)
            .bind(since.millis())
            .bind(numbers::limit(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(record_from_row).collect()
    }
}

/// The statement that writes `record`, about the stored incident id `incident`.
pub(super) fn audit_row(record: &AuditRecord, incident: Option<i64>) -> Statement<'_> {
    let (outcome, reason) = match &record.outcome {
        AuditOutcome::Done => (DONE, None),
        AuditOutcome::Refused { why } => (REFUSED, Some(why.as_str())),
    };
    statement!(
        "INSERT INTO audit_log (at_ms, platform, workspace, channel, person_id, person_name, \
         command, incident_id, outcome, reason) VALUES (" {record.at} ", "
        {record.channel.platform.as_str()} ", " {&record.channel.workspace} ", "
        {&record.channel.channel} ", " {&record.person.id} ", " {&record.person.name} ", "
        {&record.command} ", " {incident} ", " {outcome} ", " {reason} ")"
    )
}

fn record_from_row(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    let outcome: String = row.try_get("outcome")?;
    let outcome = match outcome.as_str() {
        DONE => AuditOutcome::Done,
        REFUSED => AuditOutcome::Refused {
            why: row
                .try_get::<Option<String>, _>("reason")?
                .unwrap_or_default(),
        },
        _ => {
            return Err(StoreError::Corrupt {
                what: "an audited outcome",
                value: outcome,
            })
        }
    };
    Ok(AuditRecord {
        at: numbers::read_instant(row, "at_ms")?,
        channel: channel_from_row(row)?,
        person: Person {
            id: row.try_get("person_id")?,
            name: row.try_get("person_name")?,
        },
        command: row.try_get("command")?,
        incident: numbers::read_optional_id(row, "incident_id", "audit_log.incident_id")?,
        outcome,
    })
}
