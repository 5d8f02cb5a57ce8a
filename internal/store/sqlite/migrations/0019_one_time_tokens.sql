-- One-time tokens (optional per signet app): a token's jti is accepted
-- once. Keep it in step with ../../postgres/migrations/0019_one_time_tokens.sql.
ALTER TABLE apps ADD COLUMN one_time_tokens INTEGER NOT NULL DEFAULT 0 CHECK (one_time_tokens IN (0, 1));

-- The jti of every token an app that takes each token once has accepted,
-- kept until the token expires (expires_at, ms) and then pruned. A login
-- claims its jti in its own batch's transaction: the primary key is what
-- refuses a second use, on every node.
CREATE TABLE used_tokens (
    app_id     TEXT NOT NULL REFERENCES apps (id),
    jti        TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, jti)
);
CREATE INDEX used_tokens_expires_at ON used_tokens (expires_at);
