-- Indexes for pruning (Store.PruneAttempts, Store.PruneSessions). Keep it
-- in step with ../../sqlite/migrations/0007_retention.sql.

-- The verification log is pruned by age across every workspace: the
-- oldest rows first, an index range whatever the table's size.
CREATE INDEX attempts_at ON attempts (at);

-- Ended sessions are pruned by when they ended: expiry, or revocation.
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
