-- Keep it in step with ../../postgres/migrations/0018_webhooks.sql.
--
-- Webhooks (internal/webhook): a workspace's endpoints, and the outbox of
-- their deliveries. An event is enqueued as one delivery per endpoint that
-- subscribes to it, in the transaction of the change it reports where that
-- change is one (key and app changes, with their audit entry), else right
-- after it; whichever node claims a delivery (lease_until) sends it, so a
-- delivery outlives the node that enqueued it.
CREATE TABLE webhook_endpoints (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces (id),
    url             TEXT NOT NULL,
    events          TEXT NOT NULL,          -- a JSON array of event types
    description     TEXT NOT NULL DEFAULT '',
    sealed          BLOB NOT NULL,          -- the signing secret, sealed under the master key
    previous_sealed BLOB,                   -- the secret before a rotation, signing too until previous_until
    previous_until  INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    disabled_at     INTEGER,
    disabled_reason TEXT NOT NULL DEFAULT '',
    failing_since   INTEGER                 -- the first failure since the last success
);
CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id, created_at);

CREATE TABLE webhook_deliveries (
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,          -- the webhook-id header: the same on every attempt
    workspace_id    TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         TEXT NOT NULL,          -- the body, exactly as signed and sent
    status          TEXT NOT NULL,          -- pending, delivered, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,                -- a node is sending it until then
    last_attempt_at INTEGER,
    last_status     INTEGER,                -- the receiver's HTTP status, 0 when none came
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    INTEGER,
    PRIMARY KEY (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at);
