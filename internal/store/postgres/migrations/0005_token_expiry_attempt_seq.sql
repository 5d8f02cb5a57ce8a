-- API token expiry and the verification log's order of writing
-- (PostgreSQL). Keep it in step with
-- ../../sqlite/migrations/0005_token_expiry_attempt_seq.sql.

-- expires_at, when set, is when an API token stops working: the lookup that
-- resolves a bearer token (APITokenByHash) no longer finds it from then on.
-- NULL: it lasts until revoked.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;

-- Dashboard sessions are API tokens named 'dashboard: EMAIL' that the
-- dashboard held to 12 hours by itself; the ones made before this
-- migration get that end written down, so that the API refuses them too.
UPDATE api_tokens SET expires_at = created_at + 43200000
WHERE expires_at IS NULL AND substr(name, 1, 11) = 'dashboard: ';

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
