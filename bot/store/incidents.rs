//! Incidents and their timelines: an incident's row (where it lives, whether it is open, its
//! version and the engine's snapshot), its append-only events, and the queries that find them.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::checks::check_channel;
use super::numbers::{self, stored_id};
use super::statements::{statement, Statement};
use super::{ChannelKey, Commit, IncidentId, Store, StoreError, UnixMillis};

/// An event to append to an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    pub at_ms: UnixMillis,
    pub actor: String,
    pub kind: String,
    /// JSON, opaque to the store.
    pub data: String,
}

/// An event of an incident's timeline, numbered from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub incident_id: IncidentId,
    pub seq: u64,
    pub at_ms: UnixMillis,
    pub actor: String,
    pub kind: String,
    pub data: String,
}

/// An incident as stored: where it lives, whether it is open, and the engine's snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIncident {
    pub id: IncidentId,
    pub channel: ChannelKey,
    pub is_open: bool,
    /// The number of events in its timeline; the expected version of the next commit.
    pub version: u64,
    pub opened_at_ms: UnixMillis,
    /// JSON snapshot written by the engine, opaque to the store.
    pub state: String,
}

const INCIDENT_SQL: &str =
    "SELECT id, platform, workspace, channel, is_open, version, opened_at_ms, state \
     FROM incidents WHERE id = $1";
// `is_open = 1` is a literal (not a parameter) so the planners can use the partial indexes.
pub(super) const OPEN_INCIDENTS_SQL: &str =
    "SELECT id, platform, workspace, channel, is_open, version, opened_at_ms, state \
     FROM incidents \
     WHERE platform = $1 AND workspace = $2 AND channel = $3 AND is_open = 1 ORDER BY id";
const LATEST_INCIDENT_SQL: &str =
    "SELECT id, platform, workspace, channel, is_open, version, opened_at_ms, state \
     FROM incidents \
     WHERE platform = $1 AND workspace = $2 AND channel = $3 ORDER BY id DESC LIMIT 1";
const CHANNEL_EVENTS_OF_KIND_SQL: &str =
    "SELECT e.incident_id, e.seq, e.at_ms, e.actor, e.kind, e.data \
     FROM incidents i JOIN events e ON e.incident_id = i.id \
     WHERE i.platform = $1 AND i.workspace = $2 AND i.channel = $3 AND e.kind = $4 \
     ORDER BY e.at_ms DESC, e.incident_id DESC, e.seq DESC LIMIT $5";
pub(super) const ALL_OPEN_INCIDENTS_SQL: &str =
    "SELECT id, platform, workspace, channel, is_open, version, opened_at_ms, state \
     FROM incidents WHERE is_open = 1 ORDER BY id";

impl Store {
    /// The incident, if it exists.
    pub async fn incident(&self, id: IncidentId) -> Result<Option<StoredIncident>, StoreError> {
        let Some(id) = stored_id(id) else {
            return Ok(None);
        };
        let row = sqlx::query(INCIDENT_SQL)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(incident_from_row).transpose()
    }

    /// The open incidents of a channel, by id.
    pub async fn open_incidents(
        &self,
        channel: &ChannelKey,
    ) -> Result<Vec<StoredIncident>, StoreError> {
        self.channel_incidents(OPEN_INCIDENTS_SQL, channel).await
    }

    /// The channel's most recent incident, open or resolved.
    pub async fn latest_incident(
        &self,
        channel: &ChannelKey,
    ) -> Result<Option<StoredIncident>, StoreError> {
        Ok(self
            .channel_incidents(LATEST_INCIDENT_SQL, channel)
            .await?
            .pop())
    }

    /// The incidents a channel query finds (`$1`, `$2`, `$3`: platform, workspace, channel).
    async fn channel_incidents(
        &self,
        sql: &'static str,
        channel: &ChannelKey,
    ) -> Result<Vec<StoredIncident>, StoreError> {
        if check_channel(channel).is_err() {
            return Ok(Vec::new()); // no such channel could ever have been stored
        }
        let rows = sqlx::query(sql)
            .bind(channel.platform.as_str())
            .bind(&channel.workspace)
            .bind(&channel.channel)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// The events of one kind (`drill_reported`) of a channel's incidents, newest first, at most
    /// `limit`.
    pub async fn channel_events_of_kind(
        &self,
        channel: &ChannelKey,
        kind: &str,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        if check_channel(channel).is_err() {
            return Ok(Vec::new()); // no such channel could ever have been stored
        }
        let rows = sqlx::query(CHANNEL_EVENTS_OF_KIND_SQL)
            .bind(channel.platform.as_str())
            .bind(&channel.workspace)
            .bind(&channel.channel)
            .bind(kind)
            .bind(numbers::limit(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Every open incident, by id.
    pub async fn all_open_incidents(&self) -> Result<Vec<StoredIncident>, StoreError> {
        let rows = sqlx::query(ALL_OPEN_INCIDENTS_SQL)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(incident_from_row).collect()
    }

    /// The id and channel of every open incident, by id: the index a sole writer keeps in memory.
    pub async fn open_incident_channels(
        &self,
    ) -> Result<Vec<(IncidentId, ChannelKey)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, platform, workspace, channel FROM incidents WHERE is_open = 1 ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    numbers::read_id(row, "id", "incidents.id")?,
                    channel_from_row(row)?,
                ))
            })
            .collect()
    }

    /// The timeline of an incident, by seq (empty if it does not exist).
    pub async fn events(&self, incident_id: IncidentId) -> Result<Vec<StoredEvent>, StoreError> {
        let Some(id) = stored_id(incident_id) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT incident_id, seq, at_ms, actor, kind, data FROM events \
             WHERE incident_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Whether the incident exists (read after a versioned write changed nothing: it moved on,
    /// or it never was).
    pub(super) async fn incident_exists(&self, id: i64) -> Result<bool, StoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT version FROM incidents WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }
}

fn event_from_row(row: &AnyRow) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        incident_id: numbers::read_id(row, "incident_id", "events.incident_id")?,
        seq: numbers::read(row, "seq", "events.seq")?,
        at_ms: numbers::read_instant(row, "at_ms")?,
        actor: row.try_get("actor")?,
        kind: row.try_get("kind")?,
        data: row.try_get("data")?,
    })
}

/// The row of a new incident, at the version of its first commit.
pub(super) fn new_incident_row<'a>(
    id: i64,
    channel: &'a ChannelKey,
    opened_at_ms: UnixMillis,
    commit: &'a Commit,
) -> Result<Statement<'a>, StoreError> {
    let version = numbers::count(commit.events.len(), "the number of events of a commit")?;
    Ok(statement!(
        "INSERT INTO incidents \
         (id, platform, workspace, channel, is_open, version, opened_at_ms, state) \
         VALUES (" {id} ", " {channel.platform.as_str()} ", " {&channel.workspace} ", "
                   {&channel.channel} ", " {commit.is_open} ", " {version} ", "
                   {opened_at_ms} ", " {&commit.state} ")"
    ))
}

/// The update of an incident's row by a commit, iff it is still at version `expected`.
pub(super) fn versioned_update<'a>(
    id: i64,
    expected: i64,
    new_version: i64,
    commit: &'a Commit,
) -> Statement<'a> {
    statement!(
        "UPDATE incidents SET version = " {new_version} ", state = " {&commit.state}
        ", is_open = " {commit.is_open} " WHERE id = " {id} " AND version = " {expected}
    )
    .must_change()
}

/// The rows of events appended after `version`, numbered from `version + 1`.
pub(super) fn event_rows<'a>(
    incident_id: i64,
    version: i64,
    events: &'a [NewEvent],
) -> impl Iterator<Item = Statement<'a>> {
    (version + 1..).zip(events).map(move |(seq, event)| {
        statement!(
            "INSERT INTO events (incident_id, seq, at_ms, actor, kind, data) \
             VALUES (" {incident_id} ", " {seq} ", " {event.at_ms} ", " {&event.actor} ", "
                       {&event.kind} ", " {&event.data} ")"
        )
    })
}

/// The `platform`, `workspace` and `channel` columns of a row.
pub(super) fn channel_from_row(row: &AnyRow) -> Result<ChannelKey, StoreError> {
    let platform: String = row.try_get("platform")?;
    Ok(ChannelKey {
        platform: platform.parse().map_err(|_| StoreError::Corrupt {
            what: "a channel's platform",
            value: platform,
        })?,
        workspace: row.try_get("workspace")?,
        channel: row.try_get("channel")?,
    })
}

fn incident_from_row(row: &AnyRow) -> Result<StoredIncident, StoreError> {
    let is_open: i64 = row.try_get("is_open")?;
    Ok(StoredIncident {
        id: numbers::read_id(row, "id", "incidents.id")?,
        channel: channel_from_row(row)?,
        is_open: is_open != 0,
        version: numbers::read(row, "version", "incidents.version")?,
        opened_at_ms: numbers::read_instant(row, "opened_at_ms")?,
        state: row.try_get("state")?,
    })
}
