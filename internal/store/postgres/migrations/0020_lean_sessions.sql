-- Lean sessions (PostgreSQL). Keep it in step with
-- ../../sqlite/migrations/0020_lean_sessions.sql.
--
-- A returning login writes one session row, and every index of sessions
-- with it: the most expensive thing a login does. Three of them go:
--
--  - the UNIQUE index over token_hash, one random page per login. A session
--    token now names its session ("sst_" + the id + "_" + the secret,
--    internal/login): it is found by its primary key and its hash compared.
--    Tokens issued before name no session and still work until they expire:
--    they are found through sessions_legacy_token, which holds their rows
--    alone. legacy_token is TRUE for every row there is now and FALSE for
--    every row written after (the default; the login's INSERTs never name
--    the column). Added NOT NULL DEFAULT TRUE, then the default changed:
--    neither rewrites the table.
--  - the primary key (id) beside the UNIQUE (id, workspace_id) that the
--    foreign keys of issues and messages reference: (id, workspace_id)
--    becomes the primary key, its index kept (the foreign keys depend on it).
--  - sessions_live_key (key_id) and sessions_live_app (app_id), both over
--    the live sessions: one sessions_live (app_id, key_id) serves both,
--    RevokeKey naming the key's app.
ALTER TABLE sessions ADD COLUMN legacy_token BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE sessions ALTER COLUMN legacy_token SET DEFAULT FALSE;
CREATE UNIQUE INDEX sessions_legacy_token ON sessions (token_hash) WHERE legacy_token;
ALTER TABLE sessions DROP CONSTRAINT sessions_token_hash_key;

ALTER TABLE sessions DROP CONSTRAINT sessions_pkey;
ALTER TABLE sessions ADD CONSTRAINT sessions_pkey PRIMARY KEY USING INDEX sessions_id_workspace;

DROP INDEX sessions_live_key;
DROP INDEX sessions_live_app;
CREATE INDEX sessions_live ON sessions (app_id, key_id) WHERE revoked_at IS NULL;
