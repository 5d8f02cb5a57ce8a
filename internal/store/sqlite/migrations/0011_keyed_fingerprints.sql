-- Key fingerprints become keyed with the master key (keyring.Fingerprint):
-- the unkeyed ones of earlier versions let whoever copied the database test
-- dictionary guesses against them. Keep it in step with
-- ../../postgres/migrations/0011_keyed_fingerprints.sql.
--
-- The database cannot compute the keyed ones (it has no master key): they
-- are cleared here and recomputed by the server at start, before it serves
-- (keyring.Refingerprint).
UPDATE keys SET fingerprint = '';

-- The audit log recorded the unkeyed fingerprint of every key created. It is
-- append-only; this one migration lifts that to remove the field, and only
-- it, from those entries.
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET details = json_remove(details, '$.fingerprint')
    WHERE json_valid(details) AND json_type(details, '$.fingerprint') IS NOT NULL;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
