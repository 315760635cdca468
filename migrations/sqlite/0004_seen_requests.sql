-- The signatures of the signed requests (Slack, Discord) accepted lately, so that a captured
-- request sent again is refused by another replica and after a restart. A signature is of no use
-- once its request's timestamp is out of the 300 s window: `expires_at_ms` says when, and
-- expired rows are deleted.
CREATE TABLE seen_requests (
    signature     TEXT    PRIMARY KEY,
    expires_at_ms INTEGER NOT NULL
) STRICT;

CREATE INDEX seen_requests_by_expiry ON seen_requests (expires_at_ms);
