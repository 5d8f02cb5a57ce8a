-- Weak keys, brute-force counters and the audit log (SQLite). Keep it in
-- step with ../../postgres/migrations/0003_guard_audit.sql.

-- weak marks an imported secret shorter than 16 bytes that an admin forced
-- in: the dashboard warns until it is rotated.
ALTER TABLE keys ADD COLUMN weak INTEGER NOT NULL DEFAULT 0 CHECK (weak IN (0, 1));

-- RevokeAppSessions ends an app's live sessions.
CREATE INDEX sessions_live_app ON sessions (app_id) WHERE revoked_at IS NULL;

-- throttles are fixed-window failure counters (Store.Hit), shared by every
-- node of one database. A window runs until reset_at; Hit counts with one
-- upsert, so that concurrent failures never lose a count. Windows that
-- ended stay until PurgeThrottles.
CREATE TABLE throttles (
    key      TEXT PRIMARY KEY,
    count    INTEGER NOT NULL,
    reset_at INTEGER NOT NULL
);
CREATE INDEX throttles_reset ON throttles (reset_at);

-- audit_log is the append-only log of admin actions. workspace_id is NULL
-- for instance-wide actions; it references nothing, since the log outlives
-- what it names and a row of it can never be deleted. details is a JSON
-- object. seq is the order of writing, which breaks ties between entries
-- of the same millisecond (as messages.seq does).
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    workspace_id TEXT,
    actor_role   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    details      TEXT NOT NULL,
    ip           TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, at DESC, seq DESC);

-- The database itself refuses to change or delete an entry (row triggers:
-- a statement that matches no row changes nothing and passes). An INSERT
-- OR REPLACE deletes the row it replaces; that fires the DELETE trigger
-- only with recursive_triggers, which the store turns on for its
-- connections (see ../sqlite.go).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
