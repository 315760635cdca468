-- incident-bot store, PostgreSQL. The same store code runs on SQLite (migrations/sqlite) through
-- sqlx's Any driver, so both schemas keep to what it carries: instants are BIGINT milliseconds
-- since the Unix epoch, booleans are INTEGER 0/1, JSON is TEXT the store does not interpret.

-- One row per incident (INC-<id>); `state` is the engine's JSON snapshot after `version` events.
CREATE TABLE incidents (
    id           BIGINT  PRIMARY KEY CHECK (id > 0),
    platform     TEXT    NOT NULL,
    workspace    TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    is_open      INTEGER NOT NULL CHECK (is_open IN (0, 1)),
    version      BIGINT  NOT NULL CHECK (version >= 0),
    opened_at_ms BIGINT  NOT NULL,
    state        TEXT    NOT NULL
);

-- A channel's open incidents, and all open incidents, without reading closed ones.
CREATE INDEX incidents_open_by_channel ON incidents (platform, workspace, channel, id) WHERE is_open = 1;
CREATE INDEX incidents_open ON incidents (id) WHERE is_open = 1;
-- The latest incident of a channel, open or not (for /postmortem the morning after).
CREATE INDEX incidents_by_channel ON incidents (platform, workspace, channel, id);

-- The timeline, append-only: event `seq` of an incident is 1, 2, 3…
CREATE TABLE events (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    seq         BIGINT NOT NULL CHECK (seq > 0),
    at_ms       BIGINT NOT NULL,
    actor       TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    data        TEXT   NOT NULL,
    PRIMARY KEY (incident_id, seq)
);

-- Durable timers (`update`, `rto-50`, `nudge-3`, `follow-up-0`…), at most one per name.
CREATE TABLE timers (
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    name        TEXT   NOT NULL,
    due_at_ms   BIGINT NOT NULL,
    PRIMARY KEY (incident_id, name)
);

-- Due work in due order, without touching timers that are not due.
CREATE INDEX timers_due ON timers (due_at_ms, incident_id, name);

-- Messages to post, written in the same transaction as the change that caused them.
CREATE TABLE outbox (
    id                 BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id        BIGINT  REFERENCES incidents (id),
    platform           TEXT    NOT NULL,
    workspace          TEXT    NOT NULL,
    channel            TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    body               TEXT    NOT NULL,
    created_at_ms      BIGINT  NOT NULL,
    next_attempt_at_ms BIGINT  NOT NULL,
    attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error         TEXT,
    sent_at_ms         BIGINT,
    message_ref        TEXT,
    replaces_outbox_id BIGINT  REFERENCES outbox (id)
);

-- Pending posts in the order they are due; sent posts drop out of the index.
CREATE INDEX outbox_pending ON outbox (next_attempt_at_ms, id) WHERE sent_at_ms IS NULL;

-- Each channel's oldest unsent post (the outbox worker's heads), without reading the others.
CREATE INDEX outbox_channel_heads ON outbox (platform, workspace, channel, id)
    WHERE sent_at_ms IS NULL;

-- An incident's posts in order: its first message, whose thread holds the others.
CREATE INDEX outbox_by_incident ON outbox (incident_id, id);
