-- The suspicious-activity check asks, on every verified login, whether the
-- device already logged in for this user within the window: an index lookup,
-- whatever the user's history.
CREATE INDEX sessions_user_device ON sessions (user_id, device_id, created_at);
