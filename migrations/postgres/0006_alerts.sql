-- Alerts from monitoring (Alertmanager, Grafana, PagerDuty), one row per alert as its sender
-- identifies it, holding the latest state taken: a repeat or a retried delivery of that state
-- changes no row, so it is taken once, by one replica, across restarts. A later firing of the
-- same alert starts later (`starts_at_ms`). What it became: the incident it was told in, or the
-- offer message posted in the alerts channel (edited in place when it repeats or resolves).
CREATE TABLE alerts (
    source          TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('firing', 'resolved')),
    starts_at_ms    BIGINT  NOT NULL,
    received_at_ms  BIGINT  NOT NULL,
    incident_id     BIGINT  REFERENCES incidents (id),
    offer_outbox_id BIGINT  REFERENCES outbox (id),
    PRIMARY KEY (source, fingerprint)
);
