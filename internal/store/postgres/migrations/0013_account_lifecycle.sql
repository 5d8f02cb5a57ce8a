-- Staff account lifecycle (PostgreSQL; keep it in step with
-- ../../sqlite/migrations/0013_account_lifecycle.sql).

-- disabled_at, when set, is when the account was disabled: it cannot sign
-- in. reset_hash is the SHA-256 of a one-time password-reset token an
-- admin made, valid until reset_expires_at.
ALTER TABLE accounts ADD COLUMN disabled_at BIGINT;
ALTER TABLE accounts ADD COLUMN reset_hash BYTEA;
ALTER TABLE accounts ADD COLUMN reset_expires_at BIGINT;

-- account_id names the account a token belongs to (a dashboard session's
-- person, or who made an API token through the dashboard): disabling or
-- deleting the account revokes its tokens. Dashboard sessions were tied
-- to their account by their name, 'dashboard: EMAIL'.
ALTER TABLE api_tokens ADD COLUMN account_id TEXT;
UPDATE api_tokens SET account_id = (
    SELECT a.id FROM accounts a
    WHERE 'dashboard: ' || a.email = api_tokens.name
      AND COALESCE(a.workspace_id, '') = COALESCE(api_tokens.workspace_id, ''))
WHERE kind = 'dashboard';
CREATE INDEX api_tokens_account ON api_tokens (account_id) WHERE account_id IS NOT NULL;
