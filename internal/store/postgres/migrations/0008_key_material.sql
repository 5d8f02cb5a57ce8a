-- One secret never serves two profiles in a workspace, whatever the races:
-- the database holds the rule. Keep it in step with
-- ../../sqlite/migrations/0008_key_material.sql.
--
-- material is a keyed digest (under a key derived from the master key) of
-- the key BYTES a profile uses: a secret imported as text into one app and
-- as hex into another is the same material. key_profiles names the one
-- profile a material serves in a workspace (its primary key allows no
-- second); key_materials lists the keys, while they are not revoked, that
-- use a material, and its foreign key makes each one's profile the
-- material's. A revoked key leaves key_materials, so that once no key uses
-- a material it may serve another profile.
CREATE TABLE key_profiles (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    material     BYTEA NOT NULL,
    profile      TEXT NOT NULL,
    PRIMARY KEY (workspace_id, material),
    UNIQUE (workspace_id, material, profile)
);

CREATE TABLE key_materials (
    key_id       TEXT PRIMARY KEY REFERENCES keys (id),
    workspace_id TEXT NOT NULL,
    material     BYTEA NOT NULL,
    profile      TEXT NOT NULL,
    FOREIGN KEY (workspace_id, material, profile) REFERENCES key_profiles (workspace_id, material, profile)
);
CREATE INDEX key_materials_material ON key_materials (workspace_id, material);
