-- One-time tokens (optional per signet app): a token's jti is accepted
-- once. Keep it in step with ../../sqlite/migrations/0019_one_time_tokens.sql.
ALTER TABLE apps ADD COLUMN one_time_tokens BOOLEAN NOT NULL DEFAULT FALSE;

-- The jti of every token an app that takes each token once has accepted,
-- kept until the token expires (expires_at, ms) and then pruned. A login
-- claims its jti in its own batch's transaction: the primary key is what
-- refuses a second use, on every node.
CREATE TABLE used_tokens (
    app_id     TEXT NOT NULL REFERENCES apps (id),
    jti        TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (app_id, jti)
);
CREATE INDEX used_tokens_expires_at ON used_tokens (expires_at);
