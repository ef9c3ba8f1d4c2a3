-- leadqd server schema, version 4: the SLA sweep (src/server/sweep.c).

-- A lead's running deadlines, copied from its data like the other lookup
-- columns, so that the sweep finds what is due by index.
ALTER TABLE leads ADD COLUMN sla_first_due INTEGER;
ALTER TABLE leads ADD COLUMN sla_cadence_due INTEGER;
-- Only the deadlines still running: the first contact until a touch, the
-- touch window until enough touches (src/store/srv_sqlite.c, sv_lead_put).
UPDATE leads SET
	sla_first_due = CASE WHEN json_extract(data, '$.first_touch_at') IS NULL
		THEN CAST(strftime('%s', json_extract(data, '$.sla_first_due')) AS INTEGER) END,
	sla_cadence_due = CASE WHEN json_extract(data, '$.touches') <
		json_extract(data, '$.touches_required')
		THEN CAST(strftime('%s', json_extract(data, '$.sla_cadence_due')) AS INTEGER) END;
CREATE INDEX leads_sla_first ON leads (sla_first_due) WHERE status = 'new';
CREATE INDEX leads_sla_cadence ON leads (sla_cadence_due) WHERE status IN ('new', 'working');

-- Each action the sweep took: one per lead, event and deadline, so a restart
-- or a second server never acts twice (the insert is the claim).
CREATE TABLE sla_actions (
	lead_id TEXT NOT NULL,
	event   TEXT NOT NULL,
	due     INTEGER NOT NULL,
	action  TEXT NOT NULL,
	at      INTEGER NOT NULL,
	PRIMARY KEY (lead_id, event, due)
) WITHOUT ROWID;

-- The sweep acts on deadlines from this time on: a policy does not reach back
-- to leads that were overdue before its actions were set (importing
-- "on_expiry = unreachable" must not close a year of old leads at once).
ALTER TABLE teams ADD COLUMN sla_actions_since INTEGER NOT NULL DEFAULT 0;
UPDATE teams SET sla_actions_since = CAST(strftime('%s', 'now') AS INTEGER);
