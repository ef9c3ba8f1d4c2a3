-- leadqd server schema, version 2: the change feed is read per scope.
-- A page is the union of a few range scans from the cursor, one per rule
-- of the scope (the lead's owner, its team, their values before a
-- reassignment, the users and teams), each stopping after `limit` rows,
-- instead of a scan of the whole feed after the cursor
-- (src/store/srv_sqlite.c, sv_feed_page).
CREATE INDEX feed_owner ON feed (owner_id, seq);
CREATE INDEX feed_team ON feed (team_id, seq);
CREATE INDEX feed_prev_owner ON feed (prev_owner_id, seq) WHERE prev_owner_id IS NOT NULL;
CREATE INDEX feed_prev_team ON feed (prev_team_id, seq) WHERE prev_team_id IS NOT NULL;
CREATE INDEX feed_org ON feed (seq) WHERE type IN ('user', 'team');
