-- leadqd server schema, version 8: callbacks and the telequalification pool
-- (issue 5).

-- A personal callback not yet made, copied from the lead's data like the
-- other lookup columns, so that the sweep finds the overdue ones by index and
-- releases them to the team (src/server/sweep.c).
ALTER TABLE leads ADD COLUMN personal_callback_at INTEGER;
CREATE INDEX leads_personal_callback ON leads (personal_callback_at)
	WHERE personal_callback_at IS NOT NULL;

-- A team's pool: its leads without an owner, which its telequalification
-- agents work.  A range scan from the cursor per team, as for the other
-- scope rules (src/store/srv_sqlite.c, sv_feed_page).
CREATE INDEX feed_pool ON feed (team_id, seq)
	WHERE owner_id IS NULL AND type IN ('lead', 'activity', 'appointment');
