-- The verification log's order of writing (PostgreSQL). Keep it in step with
-- ../../sqlite/migrations/0005_attempt_seq.sql.

-- attempts gets seq, the order of writing, which breaks ties between
-- attempts of the same millisecond (as messages.seq and audit_log.seq do).
-- As in SQLite (where the table is rebuilt) seq becomes the primary key and
-- id stays unique; the attempts already written take seq in their old
-- listing order (at, then id), and new ones continue after them.
ALTER TABLE attempts ADD COLUMN seq BIGINT;
UPDATE attempts SET seq = o.n
FROM (SELECT id, row_number() OVER (ORDER BY at, id) AS n FROM attempts) AS o
WHERE attempts.id = o.id;
ALTER TABLE attempts ALTER COLUMN seq SET NOT NULL;
ALTER TABLE attempts ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY;
SELECT setval(pg_get_serial_sequence('attempts', 'seq'), COALESCE((SELECT max(seq) FROM attempts), 0) + 1, false);
ALTER TABLE attempts DROP CONSTRAINT attempts_pkey;
ALTER TABLE attempts ADD PRIMARY KEY (seq);
ALTER TABLE attempts ADD CONSTRAINT attempts_id_key UNIQUE (id);
DROP INDEX attempts_workspace;
CREATE INDEX attempts_workspace ON attempts (workspace_id, at, seq);
