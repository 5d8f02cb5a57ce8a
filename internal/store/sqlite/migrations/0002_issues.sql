-- Issues and messages (SQLite). Keep it in step with
-- ../../postgres/migrations/0002_issues.sql.
--
-- An issue belongs to one user (issues.user_id: who may see it); a hand-over
-- at login moves it from an anonymous user to a verified one and changes
-- nothing else. A message keeps who wrote it (messages.user_id, session_id,
-- verified) as it was when written, whoever owns the issue later.

-- The pair a child repeats, as for users and apps in 0001, so that issues
-- and messages never name a session of another workspace.
CREATE UNIQUE INDEX sessions_id_workspace ON sessions (id, workspace_id);

CREATE TABLE issues (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL,
    app_id          TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    -- session_id is the session that opened it (the per-session limit);
    -- NULL when none did.
    session_id      TEXT,
    status          TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    preview         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    last_message_at INTEGER NOT NULL,
    UNIQUE (id, workspace_id),
    FOREIGN KEY (app_id, workspace_id) REFERENCES apps (id, workspace_id),
    FOREIGN KEY (user_id, workspace_id) REFERENCES users (id, workspace_id),
    FOREIGN KEY (session_id, workspace_id) REFERENCES sessions (id, workspace_id)
);
-- Listings by last activity, newest first: a workspace's (agents), by
-- status (the inbox), a user's (the SDK; also the hand-over's UPDATE).
CREATE INDEX issues_workspace ON issues (workspace_id, last_message_at DESC, id DESC);
CREATE INDEX issues_status ON issues (workspace_id, status, last_message_at DESC, id DESC);
CREATE INDEX issues_user ON issues (user_id, last_message_at DESC, id DESC);
CREATE INDEX issues_session ON issues (session_id, created_at);

-- messages: user_id and session_id are the user author's (NULL for an
-- agent), agent_id the agent author's (an API token or account id, which
-- may be either table's, so it references nothing). seq is the order of
-- writing, which breaks ties between messages of the same millisecond
-- (an issue's messages are written one at a time: AddMessage holds the
-- issue's row).
CREATE TABLE messages (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    issue_id     TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    author       TEXT NOT NULL CHECK (author IN ('user', 'agent')),
    body         TEXT NOT NULL,
    user_id      TEXT,
    session_id   TEXT,
    verified     INTEGER NOT NULL CHECK (verified IN (0, 1)),
    agent_id     TEXT,
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (issue_id, workspace_id) REFERENCES issues (id, workspace_id),
    FOREIGN KEY (user_id, workspace_id) REFERENCES users (id, workspace_id),
    FOREIGN KEY (session_id, workspace_id) REFERENCES sessions (id, workspace_id)
);
CREATE INDEX messages_issue ON messages (issue_id, created_at, seq);
CREATE INDEX messages_session ON messages (session_id, created_at);
