//! An incident's durable timers (`update`, `rto`, `nudge`, `follow-up-0`…): at most one of each
//! kind, found by due time by the scheduler. Stored by the kind's name; read back as the kind.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::numbers::{self, stored};
use super::statements::{statement, Statement};
use super::{Store, StoreError, TimerKind};

/// A durable timer of an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timer {
    pub incident_id: u64,
    pub kind: TimerKind,
    pub due_at_ms: i64,
}

pub(super) const DUE_TIMERS_SQL: &str = "SELECT incident_id, name, due_at_ms FROM timers \
     WHERE due_at_ms <= $1 ORDER BY due_at_ms, incident_id, name LIMIT $2";

impl Store {
    /// Timers due at or before `now_ms`, earliest first (ties by incident and name), at most
    /// `limit`. Reads only the due end of the due-time index.
    pub async fn due_timers(&self, now_ms: i64, limit: u32) -> Result<Vec<Timer>, StoreError> {
        let rows = sqlx::query(DUE_TIMERS_SQL)
            .bind(now_ms)
            .bind(numbers::limit(limit))
            .fetch_all(&self.background)
            .await?;
        let mut due = Vec::with_capacity(rows.len());
        for row in &rows {
            match TimerKind::from_name(&row.try_get::<String, _>("name")?) {
                Some(_) => due.push(timer_from_row(row)?),
                None => self.remove_unknown_timer(row).await?,
            }
        }
        Ok(due)
    }

    /// A due timer under a name the bot never writes (a hand-edited database) cannot be fired:
    /// it is removed, and said so in the log, so it neither blocks the other timers nor comes
    /// due again at every tick.
    async fn remove_unknown_timer(&self, row: &AnyRow) -> Result<(), StoreError> {
        let incident_id: i64 = row.try_get("incident_id")?;
        let name: String = row.try_get("name")?;
        tracing::error!(
            incident = incident_id,
            timer = %name,
            "removing a timer under a name incident-bot never writes; it cannot be fired"
        );
        self.write(vec![timer_row(incident_id, &name, None)])
            .await?;
        Ok(())
    }

    /// The earliest due time of any timer: how far a simulated clock may jump before something
    /// is due.
    pub async fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT MIN(due_at_ms) FROM timers")
            .fetch_one(&self.background)
            .await?)
    }

    /// The timers of an incident, by name.
    pub async fn timers(&self, incident_id: u64) -> Result<Vec<Timer>, StoreError> {
        let Some(id) = stored(incident_id) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT incident_id, name, due_at_ms FROM timers WHERE incident_id = $1 ORDER BY name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(timer_from_row).collect()
    }
}

/// Deletes every timer of an incident.
pub(super) fn clear_timers<'a>(incident_id: i64) -> Statement<'a> {
    statement!("DELETE FROM timers WHERE incident_id = " {incident_id})
}

/// Sets or replaces the timer `name` (`Some(due)`), or deletes it (`None`).
pub(super) fn timer_row(incident_id: i64, name: &str, due_at_ms: Option<i64>) -> Statement<'_> {
    match due_at_ms {
        Some(due_at_ms) => statement!(
            "INSERT INTO timers (incident_id, name, due_at_ms) \
             VALUES (" {incident_id} ", " {name} ", " {due_at_ms} ") \
             ON CONFLICT (incident_id, name) DO UPDATE SET due_at_ms = excluded.due_at_ms"
        ),
        None => statement!(
            "DELETE FROM timers WHERE incident_id = " {incident_id} " AND name = " {name}
        ),
    }
}

fn timer_from_row(row: &AnyRow) -> Result<Timer, StoreError> {
    let name: String = row.try_get("name")?;
    Ok(Timer {
        incident_id: numbers::read(row, "incident_id", "timers.incident_id")?,
        kind: TimerKind::from_name(&name).ok_or(StoreError::Corrupt {
            what: "timers.name",
            value: name,
        })?,
        due_at_ms: row.try_get("due_at_ms")?,
    })
}
