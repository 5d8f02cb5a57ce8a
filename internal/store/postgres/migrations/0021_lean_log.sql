-- Fewer writes per login (issue 10). Keep it in step with
-- ../../sqlite/migrations/0021_lean_log.sql.

-- The verification log is pruned in the order it was written (its primary
-- key, seq), which follows its time to within a batch: Store.PruneAttempts
-- takes the oldest rows by seq and deletes those older than the cut-off.
-- The index on at cost every login an index entry for the pruner alone.
DROP INDEX attempts_at;

-- Every returning login updates its user's identities (seen_at, the last
-- verification). An update that finds room on its row's page is HOT: it
-- writes no index entry. Full pages made a third of these updates write an
-- entry in each of the table's three indexes. New pages keep a fifth free;
-- existing rows move to such pages as they are updated.
ALTER TABLE identities SET (fillfactor = 80);
