-- Key fingerprints become keyed with the master key (keyring.Fingerprint):
-- the unkeyed ones of earlier versions let whoever copied the database test
-- dictionary guesses against them. Keep it in step with
-- ../../sqlite/migrations/0011_keyed_fingerprints.sql.
--
-- The database cannot compute the keyed ones (it has no master key): they
-- are cleared here and recomputed by the server at start, before it serves
-- (keyring.Refingerprint).
UPDATE keys SET fingerprint = '';

-- The audit log recorded the unkeyed fingerprint of every key created. It is
-- append-only; this one migration lifts that to remove the field, and only
-- it, from those entries.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
UPDATE audit_log SET details = (details::jsonb - 'fingerprint')::text
    WHERE details LIKE '%"fingerprint"%';
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
