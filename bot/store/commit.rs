//! Writing: a [`Commit`] of an incident (events, snapshot, timers and posts in one transaction,
//! against the version it was decided on), and the one path every write of the store takes, on
//! SQLite through group commit and on PostgreSQL in a transaction of its own.

use sqlx::{Any, Transaction};

use super::alerts::{alert_row, AlertRecord};
use super::audit::{audit_row, AuditRecord};
use super::checks::check_commit;
use super::dialect::run_on_postgres;
use super::incidents::{event_rows, versioned_update, NewEvent};
use super::numbers::{stored, stored_id, version_after};
use super::outbox::{post_row, NewPost};
use super::seen_requests::Unwritten;
use super::statements::{OwnedStatement, Statement};
use super::timers::{clear_timers, timer_row};
use super::{IncidentId, Store, StoreError, TimerKind, UnixMillis};

/// One unit of work on an incident, applied in one transaction: all or nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commit {
    /// Appended to the timeline in order, numbered after the incident's current version.
    pub events: Vec<NewEvent>,
    /// The new JSON snapshot.
    pub state: String,
    pub is_open: bool,
    /// `Some(due)` sets or replaces the timer of that kind, `None` deletes it; applied in order,
    /// after `clear_all_timers`.
    pub timers: Vec<(TimerKind, Option<UnixMillis>)>,
    /// Delete every timer of the incident first (on resolve).
    pub clear_all_timers: bool,
    /// Queued in the outbox, due at the commit's time.
    pub posts: Vec<NewPost>,
    /// Alerts' states taken with this change (each must be news, or nothing is written).
    pub alerts: Vec<AlertRecord>,
    /// The audit log's row of the command that made this change, about this incident.
    pub audit: Option<AuditRecord>,
}

impl Store {
    /// Applies `commit` to an incident iff its version is still `expected_version`: exactly one
    /// of several commits at the same version wins, the others get [`StoreError::Conflict`] and
    /// nothing of theirs is written. New events are numbered `expected_version + 1`…
    ///
    /// The version counts events, so a commit without events does not advance it and does not
    /// fence off a concurrent commit at the same version: work that must happen once (a
    /// scheduled post) should record an event.
    pub async fn commit(
        &self,
        incident_id: IncidentId,
        expected_version: u64,
        commit: &Commit,
        now_ms: UnixMillis,
    ) -> Result<(), StoreError> {
        let Some(id) = stored_id(incident_id) else {
            return Err(StoreError::NotFound(incident_id));
        };
        self.check_writable()?;
        check_commit(commit)?;
        let conflict = StoreError::Conflict {
            incident_id,
            expected_version,
        };
        let new_version = version_after(expected_version, commit.events.len());
        let (Some(expected), Some(new_version)) = (stored(expected_version), new_version) else {
            // No stored version is that large.
            return Err(match self.incident_exists(id).await? {
                true => conflict,
                false => StoreError::NotFound(incident_id),
            });
        };
        // The first statement writes, so a concurrent commit waits for this row and then finds
        // the version moved.
        let mut statements = vec![versioned_update(id, expected, new_version, commit)];
        let names = timer_names(commit);
        statements.extend(commit_rows(id, expected, commit, &names, now_ms)?);
        if self.write(statements).await? {
            return Ok(());
        }
        Err(match self.incident_exists(id).await? {
            true => conflict,
            false => StoreError::NotFound(incident_id),
        })
    }

    /// Writes `statements` in one transaction: on SQLite with the other commits waiting (group
    /// commit), on PostgreSQL statement by statement. `false` when a statement that must change
    /// a row changed none: then nothing was written.
    ///
    /// A sole writer's unwritten signatures of requests (`seen_requests`) are written with it; an
    /// empty write writes just those, if any.
    pub(super) async fn write(&self, statements: Vec<Statement<'_>>) -> Result<bool, StoreError> {
        self.check_writable()?;
        if let Some(group_commit) = &self.group_commit {
            let seen = self.unwritten_requests.take();
            if statements.is_empty() && seen.is_empty() {
                return Ok(true);
            }
            let owned = statements
                .iter()
                .map(OwnedStatement::from)
                .chain(Unwritten::statements(&seen))
                .collect();
            let written = group_commit.write(&self.pool, owned).await;
            if !matches!(written, Ok(true)) {
                self.unwritten_requests.put_back(seen);
            }
            return Ok(written?);
        }
        if statements.is_empty() {
            return Ok(true);
        }
        let mut tx = self.begin_on_postgres().await?;
        if !run_on_postgres(&mut tx, &statements).await? {
            return Ok(false); // dropping the transaction rolls it back
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Runs one statement that changes at most one row, in a transaction of its own (on SQLite
    /// written together with the other commits waiting); whether it changed a row.
    pub(super) async fn write_one(&self, statement: Statement<'_>) -> Result<bool, StoreError> {
        self.write(vec![statement.must_change()]).await
    }

    /// A PostgreSQL transaction to write in (SQLite's are group commit's).
    pub(super) async fn begin_on_postgres(&self) -> Result<Transaction<'static, Any>, StoreError> {
        self.check_writable()?;
        Ok(self.pool.begin().await?)
    }
}

/// The names a commit's timers are stored under, in order.
pub(super) fn timer_names(commit: &Commit) -> Vec<String> {
    commit
        .timers
        .iter()
        .map(|(kind, _)| kind.to_string())
        .collect()
}

/// The rows a commit writes besides the incident's own: events numbered after `version`,
/// timers (stored under `names`, from [`timer_names`]), posts, the audit log's row.
pub(super) fn commit_rows<'a>(
    incident_id: i64,
    version: i64,
    commit: &'a Commit,
    names: &'a [String],
    now_ms: UnixMillis,
) -> Result<Vec<Statement<'a>>, StoreError> {
    let mut rows = Vec::new();
    if commit.clear_all_timers {
        rows.push(clear_timers(incident_id));
    }
    rows.extend(event_rows(incident_id, version, &commit.events));
    for (name, (_, due)) in names.iter().zip(&commit.timers) {
        rows.push(timer_row(incident_id, name, *due));
    }
    for post in &commit.posts {
        rows.push(post_row(Some(incident_id), post, now_ms)?);
    }
    for alert in &commit.alerts {
        rows.push(alert_row(alert)?);
    }
    if let Some(audit) = &commit.audit {
        rows.push(audit_row(audit, Some(incident_id)));
    }
    Ok(rows)
}
