-- The verification log keeps the identity a failed attempt named, so that
-- an admin finds who failed (model.Attempt.ClaimedUserID, ClaimedEmail).
-- Never checked: attacker-chosen text, capped and kept only when it passes
-- the identity character rules (model.ClaimedValue). Keep it in step with
-- ../../postgres/migrations/0015_claimed_identity.sql.
ALTER TABLE attempts ADD COLUMN claimed_user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN claimed_email TEXT NOT NULL DEFAULT '';
