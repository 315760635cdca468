-- Dead letters: a post the platform refused several times for a reason that will not change
-- (a message it cannot take) gets `dead_at_ms`, when it was given up. It keeps its attempts and
-- `last_error`, stays unsent, and no longer holds back the posts after it in its channel:
-- the indexes of pending posts leave it out. `incident-bot outbox --retry ID` clears the mark.
ALTER TABLE outbox ADD COLUMN dead_at_ms BIGINT;

DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (next_attempt_at_ms, id)
    WHERE sent_at_ms IS NULL AND dead_at_ms IS NULL;

DROP INDEX outbox_channel_heads;
CREATE INDEX outbox_channel_heads ON outbox (platform, workspace, channel, id)
    WHERE sent_at_ms IS NULL AND dead_at_ms IS NULL;

-- The dead letters, for `/readyz` and `incident-bot outbox`, without reading the others.
CREATE INDEX outbox_dead ON outbox (id) WHERE dead_at_ms IS NOT NULL;
