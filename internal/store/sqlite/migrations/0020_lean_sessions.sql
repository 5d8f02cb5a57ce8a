-- Lean sessions (SQLite). Keep it in step with
-- ../../postgres/migrations/0020_lean_sessions.sql.
--
-- A returning login writes one session row, and every B-tree of sessions
-- with it: the most expensive thing a login does. Four of them go:
--
--  - the UNIQUE index over token_hash, one random page per login. A session
--    token now names its session ("sst_" + the id + "_" + the secret,
--    internal/login): it is found by its primary key and its hash compared.
--    Tokens issued before name no session and still work until they expire:
--    they are found through sessions_legacy_token, which holds their rows
--    alone. legacy_token is 1 for every row there is now and 0 for every row
--    written after (the default; the login's INSERTs never name the column).
--  - the rowid table and the index of the primary key id beside the UNIQUE
--    (id, workspace_id) that the foreign keys of issues and messages
--    reference: the table is rebuilt WITHOUT ROWID with the primary key
--    (id, workspace_id), so that a row and its key are one B-tree.
--  - sessions_live_key (key_id) and sessions_live_app (app_id), both over
--    the live sessions: one sessions_live (app_id, key_id) serves both,
--    RevokeKey naming the key's app.
--
-- The rebuild follows "Making Other Kinds Of Table Schema Changes" of
-- https://www.sqlite.org/lang_altertable.html: the new table is made, filled,
-- the old one dropped and the new one renamed into its place, so that the
-- foreign keys of issues and messages, which name "sessions", name the new
-- one. sessions is their parent: the migration runner turns foreign keys off
-- around this transaction and runs PRAGMA foreign_key_check before its
-- commit (Dialect.MigrateForeignKeysOff). No trigger or view names sessions.
CREATE TABLE sessions_0020 (
    id            TEXT NOT NULL,
    workspace_id  TEXT NOT NULL,
    app_id        TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    token_hash    BLOB NOT NULL,
    key_id        TEXT REFERENCES keys (id),
    verified      INTEGER NOT NULL CHECK (verified IN (0, 1)),
    anonymous     INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    signed_fields TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    app_version   TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoke_reason TEXT NOT NULL,
    legacy_token  INTEGER NOT NULL DEFAULT 0 CHECK (legacy_token IN (0, 1)),
    PRIMARY KEY (id, workspace_id),
    FOREIGN KEY (app_id, workspace_id) REFERENCES apps (id, workspace_id),
    FOREIGN KEY (user_id, workspace_id) REFERENCES users (id, workspace_id)
) WITHOUT ROWID;
INSERT INTO sessions_0020 (id, workspace_id, app_id, user_id, token_hash, key_id, verified, anonymous,
        signed_fields, device_id, app_version, created_at, expires_at, revoked_at, revoke_reason, legacy_token)
    SELECT id, workspace_id, app_id, user_id, token_hash, key_id, verified, anonymous,
        signed_fields, device_id, app_version, created_at, expires_at, revoked_at, revoke_reason, 1
    FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_0020 RENAME TO sessions;

-- The indexes kept, as 0001, 0004 and 0007 made them, and the new ones.
CREATE INDEX sessions_workspace ON sessions (workspace_id, created_at);
CREATE INDEX sessions_user_device ON sessions (user_id, device_id, created_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE UNIQUE INDEX sessions_legacy_token ON sessions (token_hash) WHERE legacy_token;
CREATE INDEX sessions_live ON sessions (app_id, key_id) WHERE revoked_at IS NULL;
