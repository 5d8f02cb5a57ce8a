-- A login writes one session row and every index of the sessions table.
-- sessions_user (user_id, created_at) duplicated the leading column of
-- sessions_user_device (user_id, device_id, created_at), which serves every
-- lookup by user; dropping it saves one random index page per login.
DROP INDEX sessions_user;
