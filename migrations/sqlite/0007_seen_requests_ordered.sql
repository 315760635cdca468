-- On SQLite one process writes, and it refuses replays from memory: the signatures it records
-- are only read back at its next start. So the table needs no index of signatures. Kept in one
-- B-tree ordered by expiry, a commit's new signatures land together at its end: one page
-- written per commit, where the index of signatures took a page per signature, at random.
CREATE TABLE seen_requests_ordered (
    expires_at_ms INTEGER NOT NULL,
    signature     TEXT    NOT NULL,
    PRIMARY KEY (expires_at_ms, signature)
) STRICT, WITHOUT ROWID;

INSERT INTO seen_requests_ordered (expires_at_ms, signature)
    SELECT expires_at_ms, signature FROM seen_requests;

DROP TABLE seen_requests;

ALTER TABLE seen_requests_ordered RENAME TO seen_requests;
