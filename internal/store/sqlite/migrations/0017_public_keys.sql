-- Public keys for the signet profile (ES256, EdDSA, RS256) and keys
-- published in a brand's JWKS. Keep it in step with
-- ../../postgres/migrations/0017_public_keys.sql.
--
-- A key's algorithm is pinned: HS256 for a shared secret (every key made
-- before), or that of its public key, whose PEM is sealed like a secret.
-- kid is what a token names a JWKS key by ('' for other keys: their id).
ALTER TABLE keys ADD COLUMN algorithm TEXT NOT NULL DEFAULT 'HS256';
ALTER TABLE keys ADD COLUMN kid TEXT NOT NULL DEFAULT '';
CREATE INDEX keys_app_kid ON keys (app_id, kid);

-- Where a signet app publishes its keys ('' when it does not).
ALTER TABLE apps ADD COLUMN jwks_url TEXT NOT NULL DEFAULT '';

-- The last fetch of an app's JWKS, shown on the app's page: when it last
-- succeeded, when it was last tried, the failure of the last try ('' when
-- it succeeded), how many tries in a row failed, and how many keys the
-- last good set listed. The keys themselves are rows of keys.
CREATE TABLE jwks_fetches (
    app_id     TEXT PRIMARY KEY REFERENCES apps (id),
    url        TEXT NOT NULL,
    fetched_at INTEGER,
    checked_at INTEGER NOT NULL,
    error      TEXT NOT NULL,
    failures   INTEGER NOT NULL,
    key_count  INTEGER NOT NULL
);
