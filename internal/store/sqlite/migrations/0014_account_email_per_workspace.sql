-- Account emails are unique per workspace (and among owners), compared
-- case-insensitively; they were unique across the instance, compared as
-- written (SQLite; keep it in step with
-- ../../postgres/migrations/0014_account_email_per_workspace.sql).
--
-- email_key is the email in lower case (model.EmailKey). Of accounts whose
-- emails differ only in case in one workspace, the oldest keeps the plain
-- key; the others get their id appended, so that the migration cannot fail
-- (they stay listed and can be deleted, but sign in no more by that email).
-- SQLite cannot drop a column's UNIQUE, so the table is rebuilt; nothing
-- references accounts.
CREATE TABLE accounts_0014 (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT REFERENCES workspaces (id),
    email            TEXT NOT NULL,
    email_key        TEXT NOT NULL,
    role             TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    disabled_at      INTEGER,
    reset_hash       BLOB,
    reset_expires_at INTEGER
);
INSERT INTO accounts_0014 (id, workspace_id, email, email_key, role, password_hash, created_at,
    disabled_at, reset_hash, reset_expires_at)
SELECT a.id, a.workspace_id, a.email,
    lower(a.email) || CASE WHEN EXISTS (
        SELECT 1 FROM accounts b
        WHERE lower(b.email) = lower(a.email)
          AND COALESCE(b.workspace_id, '') = COALESCE(a.workspace_id, '')
          AND (b.created_at < a.created_at OR b.created_at = a.created_at AND b.id < a.id))
    THEN '#' || a.id ELSE '' END,
    a.role, a.password_hash, a.created_at, a.disabled_at, a.reset_hash, a.reset_expires_at
FROM accounts a;
DROP TABLE accounts;
ALTER TABLE accounts_0014 RENAME TO accounts;
CREATE INDEX accounts_workspace ON accounts (workspace_id, created_at);
CREATE UNIQUE INDEX accounts_email_unique ON accounts (COALESCE(workspace_id, ''), email_key);
CREATE INDEX accounts_by_email ON accounts (email_key);
