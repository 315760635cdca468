-- The audit log: who did what, where and when, and whether it was done or refused (and why).
-- A change of an incident writes its row in the same transaction as the change; a refusal
-- writes it alone. `command` is the command's canonical text (what was typed, never a secret);
-- `incident_id` is the incident it changed or was refused on, when there is one. Rows are only
-- ever added: `incident-bot audit` reads them by time.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms       INTEGER NOT NULL,
    platform    TEXT    NOT NULL,
    workspace   TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    person_id   TEXT    NOT NULL,
    person_name TEXT    NOT NULL,
    command     TEXT    NOT NULL,
    incident_id INTEGER,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('done', 'refused')),
    reason      TEXT
);

CREATE INDEX audit_log_by_time ON audit_log (at_ms, id);
