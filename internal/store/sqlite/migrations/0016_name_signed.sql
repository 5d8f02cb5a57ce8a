-- name_signed records whether the user's display name came covered by the
-- signature of the login that set it (model.User.NameSigned), so that the
-- dashboard's "unsigned" label reads a stored fact rather than guessing
-- from the apps' profiles. Names stored before this migration are unsigned
-- until the next signed login sets them again. Keep it in step with
-- ../../postgres/migrations/0016_name_signed.sql.
ALTER TABLE users ADD COLUMN name_signed INTEGER NOT NULL DEFAULT 0 CHECK (name_signed IN (0, 1));
