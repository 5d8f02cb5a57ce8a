-- API token expiry and the verification log's order of writing (SQLite).
-- Keep it in step with ../../postgres/migrations/0005_token_expiry_attempt_seq.sql.

-- expires_at, when set, is when an API token stops working: the lookup that
-- resolves a bearer token (APITokenByHash) no longer finds it from then on.
-- NULL: it lasts until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;

-- Dashboard sessions are API tokens named 'dashboard: EMAIL' that the
-- dashboard held to 12 hours by itself; the ones made before this
-- migration get that end written down, so that the API refuses them too.
UPDATE api_tokens SET expires_at = created_at + 43200000
WHERE expires_at IS NULL AND substr(name, 1, 11) = 'dashboard: ';

-- attempts gets seq, the order of writing, which breaks ties between
-- attempts of the same millisecond (as messages.seq and audit_log.seq do).
-- SQLite gives an INTEGER PRIMARY KEY its next value by itself but cannot
-- add one to a table, so the table is rebuilt; the attempts already written
-- take seq in their old listing order (at, then id). Nothing references
-- attempts, so dropping the old table checks no foreign key.
CREATE TABLE attempts_0005 (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL,
    app_id       TEXT NOT NULL,
    platform     TEXT NOT NULL,
    profile      TEXT NOT NULL,
    app_version  TEXT NOT NULL,
    result       TEXT NOT NULL,
    reason       TEXT NOT NULL,
    cause        TEXT NOT NULL,
    diagnosis    TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    user_id      TEXT REFERENCES users (id),
    at           INTEGER NOT NULL,
    FOREIGN KEY (app_id, workspace_id) REFERENCES apps (id, workspace_id)
);
INSERT INTO attempts_0005 (seq, id, workspace_id, app_id, platform, profile, app_version, result,
    reason, cause, diagnosis, key_id, user_id, at)
SELECT row_number() OVER (ORDER BY at, id), id, workspace_id, app_id, platform, profile, app_version, result,
    reason, cause, diagnosis, key_id, user_id, at
FROM attempts;
DROP TABLE attempts;
ALTER TABLE attempts_0005 RENAME TO attempts;
CREATE INDEX attempts_workspace ON attempts (workspace_id, at, seq);
CREATE INDEX attempts_app ON attempts (app_id, at);
CREATE INDEX attempts_user ON attempts (user_id, at);
