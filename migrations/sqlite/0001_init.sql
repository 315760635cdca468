-- incident-bot store, SQLite. The same store code runs on PostgreSQL (migrations/postgres)
-- through sqlx's Any driver, so both schemas keep to what it carries: instants are INTEGER
-- milliseconds since the Unix epoch, booleans are INTEGER 0/1, JSON is TEXT the store does not
-- interpret. Tables are STRICT so a value of the wrong type is refused, as PostgreSQL would.

-- One row per incident (INC-<id>); `state` is the engine's JSON snapshot after `version` events.
-- `id INTEGER PRIMARY KEY` is the rowid: the store allocates it (MAX(id) + 1).
CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY CHECK (id > 0),
    platform     TEXT    NOT NULL,
    workspace    TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    is_open      INTEGER NOT NULL CHECK (is_open IN (0, 1)),
    version      INTEGER NOT NULL CHECK (version >= 0),
    opened_at_ms INTEGER NOT NULL,
    state        TEXT    NOT NULL
) STRICT;

-- A channel's open incidents, and all open incidents, without reading closed ones.
CREATE INDEX incidents_open_by_channel ON incidents (platform, workspace, channel, id) WHERE is_open = 1;
CREATE INDEX incidents_open ON incidents (id) WHERE is_open = 1;
-- The latest incident of a channel, open or not (for /postmortem the morning after).
CREATE INDEX incidents_by_channel ON incidents (platform, workspace, channel, id);

-- The timeline, append-only: event `seq` of an incident is 1, 2, 3…
CREATE TABLE events (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    seq         INTEGER NOT NULL CHECK (seq > 0),
    at_ms       INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    PRIMARY KEY (incident_id, seq)
) STRICT, WITHOUT ROWID;

-- Durable timers (`update`, `rto-50`, `nudge-3`, `follow-up-0`…), at most one per name.
CREATE TABLE timers (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    name        TEXT    NOT NULL,
    due_at_ms   INTEGER NOT NULL,
    PRIMARY KEY (incident_id, name)
) STRICT, WITHOUT ROWID;

-- Due work in due order, without touching timers that are not due.
CREATE INDEX timers_due ON timers (due_at_ms, incident_id, name);

-- Messages to post, written in the same transaction as the change that caused them.
-- AUTOINCREMENT: an id is never reused, even if old posts are pruned, so `replaces_outbox_id`
-- can never point at the wrong message.
CREATE TABLE outbox (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id        INTEGER REFERENCES incidents (id),
    platform           TEXT    NOT NULL,
    workspace          TEXT    NOT NULL,
    channel            TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    body               TEXT    NOT NULL,
    created_at_ms      INTEGER NOT NULL,
    next_attempt_at_ms INTEGER NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error         TEXT,
    sent_at_ms         INTEGER,
    message_ref        TEXT,
    replaces_outbox_id INTEGER REFERENCES outbox (id)
) STRICT;

-- Pending posts in the order they are due; sent posts drop out of the index.
CREATE INDEX outbox_pending ON outbox (next_attempt_at_ms, id) WHERE sent_at_ms IS NULL;

-- Each channel's oldest unsent post (the outbox worker's heads), without reading the others.
CREATE INDEX outbox_channel_heads ON outbox (platform, workspace, channel, id)
    WHERE sent_at_ms IS NULL;

-- An incident's posts in order: its first message, whose thread holds the others.
CREATE INDEX outbox_by_incident ON outbox (incident_id, id);

-- Never holds a row. A commit script inserts into it only when its versioned UPDATE changed
-- nothing, and the CHECK then aborts the whole script: optimistic concurrency in one round trip.
CREATE TABLE commit_guard (
    ok INTEGER NOT NULL,
    CONSTRAINT version_moved CHECK (ok = 1)
) STRICT;
