-- Account emails are unique per workspace (and among owners), compared
-- case-insensitively; they were unique across the instance, compared as
-- written (PostgreSQL; keep it in step with
-- ../../sqlite/migrations/0014_account_email_per_workspace.sql).
--
-- email_key is the email in lower case (model.EmailKey). Of accounts whose
-- emails differ only in case in one workspace, the oldest keeps the plain
-- key; the others get their id appended, so that the migration cannot fail
-- (they stay listed and can be deleted, but sign in no more by that email).
ALTER TABLE accounts ADD COLUMN email_key TEXT;
UPDATE accounts a SET email_key = lower(a.email) || CASE WHEN EXISTS (
        SELECT 1 FROM accounts b
        WHERE lower(b.email) = lower(a.email)
          AND COALESCE(b.workspace_id, '') = COALESCE(a.workspace_id, '')
          AND (b.created_at < a.created_at OR b.created_at = a.created_at AND b.id < a.id))
    THEN '#' || a.id ELSE '' END;
ALTER TABLE accounts ALTER COLUMN email_key SET NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT accounts_email_key;
CREATE UNIQUE INDEX accounts_email_unique ON accounts (COALESCE(workspace_id, ''), email_key);
CREATE INDEX accounts_by_email ON accounts (email_key);
