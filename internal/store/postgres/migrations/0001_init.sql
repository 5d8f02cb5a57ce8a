-- Signet's first schema (PostgreSQL). Keep it in step with
-- ../../sqlite/migrations/0001_init.sql: the same tables, columns and
-- indexes, spelled in each dialect.
--
-- Ids are text (model.NewID). Times are UNIX milliseconds UTC. Booleans are
-- BOOLEAN. JSON (metadata, signed fields) is TEXT. Optional references
-- are NULL. A child that repeats its parent's workspace_id references
-- (parent id, workspace_id), so that rows never straddle workspaces.
--
-- Later migrations add, beside these: issues and messages (referencing
-- users (id, workspace_id) and sessions), an audit log, and rate-limit
-- counters; change events go out through PostgreSQL's NOTIFY, which needs
-- no table. Nothing here needs to change for them.

CREATE TABLE workspaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE apps (
    id                 TEXT PRIMARY KEY,
    workspace_id       TEXT NOT NULL REFERENCES workspaces (id),
    name               TEXT NOT NULL,
    platform           TEXT NOT NULL,
    profile            TEXT NOT NULL,
    enforcement        TEXT NOT NULL,
    on_failure         TEXT NOT NULL,
    full_privacy       BOOLEAN NOT NULL,
    max_token_lifetime BIGINT NOT NULL,
    user_id_pattern    TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    UNIQUE (id, workspace_id)
);
CREATE INDEX apps_workspace ON apps (workspace_id, created_at);

CREATE TABLE keys (
    id           TEXT PRIMARY KEY,
    app_id       TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    sealed       BYTEA NOT NULL,
    imported     BOOLEAN NOT NULL,
    fingerprint  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    retires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT,
    FOREIGN KEY (app_id, workspace_id) REFERENCES apps (id, workspace_id)
);
CREATE INDEX keys_app ON keys (app_id, created_at);
CREATE INDEX keys_workspace ON keys (workspace_id, created_at);

CREATE TABLE users (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    anonymous    BOOLEAN NOT NULL,
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (id, workspace_id)
);
CREATE INDEX users_workspace ON users (workspace_id, created_at, id);

-- identities are a user's identifiers, verified or only claimed. One row per
-- (user, type, value); the partial unique index is the rule that a value is
-- held verified by at most one user of a workspace, whatever the races.
CREATE TABLE identities (
    user_id      TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    type         TEXT NOT NULL,
    value        TEXT NOT NULL,
    verified     BOOLEAN NOT NULL,
    metadata     TEXT NOT NULL,
    app_id       TEXT REFERENCES apps (id),
    key_id       TEXT REFERENCES keys (id),
    created_at   BIGINT NOT NULL,
    seen_at      BIGINT NOT NULL,
    verified_at  BIGINT,
    PRIMARY KEY (user_id, type, value),
    FOREIGN KEY (user_id, workspace_id) REFERENCES users (id, workspace_id)
);
CREATE UNIQUE INDEX identities_verified ON identities (workspace_id, type, value) WHERE verified;
CREATE INDEX identities_value ON identities (workspace_id, value);

CREATE TABLE identity_conflicts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    type         TEXT NOT NULL,
    value        TEXT NOT NULL,
    holder_id    TEXT NOT NULL REFERENCES users (id),
    claimant_id  TEXT NOT NULL REFERENCES users (id),
    app_id       TEXT NOT NULL REFERENCES apps (id),
    at           BIGINT NOT NULL
);
CREATE INDEX identity_conflicts_workspace ON identity_conflicts (workspace_id, at);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL,
    app_id        TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    token_hash    BYTEA NOT NULL UNIQUE,
    key_id        TEXT REFERENCES keys (id),
    verified      BOOLEAN NOT NULL,
    anonymous     BOOLEAN NOT NULL,
    signed_fields TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    app_version   TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    revoke_reason TEXT NOT NULL,
    FOREIGN KEY (app_id, workspace_id) REFERENCES apps (id, workspace_id),
    FOREIGN KEY (user_id, workspace_id) REFERENCES users (id, workspace_id)
);
CREATE INDEX sessions_workspace ON sessions (workspace_id, created_at);
CREATE INDEX sessions_user ON sessions (user_id, created_at);
CREATE INDEX sessions_live_key ON sessions (key_id) WHERE revoked_at IS NULL;

-- attempts is the verification log. key_id is the key named by the proof,
-- which may be unknown, so it references nothing.
CREATE TABLE attempts (
    id           TEXT PRIMARY KEY,
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
    at           BIGINT NOT NULL,
    FOREIGN KEY (app_id, workspace_id) REFERENCES apps (id, workspace_id)
);
CREATE INDEX attempts_workspace ON attempts (workspace_id, at, id);
CREATE INDEX attempts_app ON attempts (app_id, at);
CREATE INDEX attempts_user ON attempts (user_id, at);

-- accounts and api_tokens with no workspace are the instance's owners'.
CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT REFERENCES workspaces (id),
    email         TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX accounts_workspace ON accounts (workspace_id, created_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT REFERENCES workspaces (id),
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id, created_at);
