-- The verification log's order of writing (SQLite). Keep it in step with
-- ../../postgres/migrations/0005_attempt_seq.sql.

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
