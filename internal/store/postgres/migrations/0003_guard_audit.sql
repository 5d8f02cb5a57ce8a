-- Weak keys, brute-force counters and the audit log (PostgreSQL). Keep it
-- in step with ../../sqlite/migrations/0003_guard_audit.sql.

-- weak marks an imported secret shorter than 16 bytes that an admin forced
-- in: the dashboard warns until it is rotated.
ALTER TABLE keys ADD COLUMN weak BOOLEAN NOT NULL DEFAULT false;

-- RevokeAppSessions ends an app's live sessions.
CREATE INDEX sessions_live_app ON sessions (app_id) WHERE revoked_at IS NULL;

-- throttles are fixed-window failure counters (Store.Hit), shared by every
-- node of one database. A window runs until reset_at; Hit counts with one
-- upsert, so that concurrent failures never lose a count. Windows that
-- ended stay until PurgeThrottles.
CREATE TABLE throttles (
    key      TEXT PRIMARY KEY,
    count    BIGINT NOT NULL,
    reset_at BIGINT NOT NULL
);
CREATE INDEX throttles_reset ON throttles (reset_at);

-- audit_log is the append-only log of admin actions. workspace_id is NULL
-- for instance-wide actions; it references nothing, since the log outlives
-- what it names and a row of it can never be deleted. details is a JSON
-- object. seq is the order of writing, which breaks ties between entries
-- of the same millisecond (as messages.seq does).
CREATE TABLE audit_log (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    at           BIGINT NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, at DESC, seq DESC);

-- The database itself refuses to change or delete an entry: any UPDATE,
-- DELETE or TRUNCATE statement on the table fails, even one that matches
-- no row (and so does an INSERT … ON CONFLICT DO UPDATE, which fires the
-- UPDATE statement triggers too).
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
