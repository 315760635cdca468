-- Since when a real clock has written to this store (one row at most). A rehearsal's simulated
-- clock refuses such a store: its posts would land in real timelines from the future. A store
-- written before this table existed and holding incidents counts as written by a real clock.
CREATE TABLE real_clock (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    since_ms INTEGER NOT NULL
) STRICT;

INSERT INTO real_clock (id, since_ms)
    SELECT 1, opened_at_ms FROM incidents ORDER BY opened_at_ms LIMIT 1;
