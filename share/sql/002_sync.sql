-- leadq cache schema, version 2: what sync needs.
-- The server's version of users, teams and activities, so a change that
-- arrives twice (or late) never overwrites a newer copy.  Local actions
-- write version 0: the server's copy of the same activity (same id) wins.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE teams ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activities ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- The ops of one lead still on their way (sync asks before it overwrites a lead).
CREATE INDEX outbox_lead ON outbox (lead_id, state);
