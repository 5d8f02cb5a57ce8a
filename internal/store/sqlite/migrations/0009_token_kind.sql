-- A token says what it is: "api" (an API token an admin made, or an owner
-- token) or "dashboard" (a person's dashboard session, model.TokenDashboard).
-- Dashboard sessions were told apart by their name's "dashboard: " prefix
-- (exactly so, as the dashboard checked it);
-- the rows that carry it become dashboard sessions.
ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
UPDATE api_tokens SET kind = 'dashboard' WHERE substr(name, 1, 11) = 'dashboard: ';
