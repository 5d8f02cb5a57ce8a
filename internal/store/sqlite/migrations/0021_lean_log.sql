-- Fewer writes per login (issue 10). Keep it in step with
-- ../../postgres/migrations/0021_lean_log.sql.

-- The verification log is pruned in the order it was written (its primary
-- key, seq), which follows its time to within a batch: Store.PruneAttempts
-- takes the oldest rows by seq and deletes those older than the cut-off.
-- The index on at cost every login an index entry for the pruner alone.
-- (PostgreSQL also leaves room on identities' pages for HOT updates; SQLite
-- updates rows in place.)
DROP INDEX attempts_at;
