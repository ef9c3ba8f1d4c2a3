-- leadqd server schema, version 3: routing rules and team policies
-- (include/leadq/rules.h, share/doc/rules.md).

-- Each imported rules file, as written; the newest is in force.  Kept whole
-- (comments included) so that what an operator imported can be read back.
CREATE TABLE rule_sets (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	text        TEXT NOT NULL,
	imported_at INTEGER NOT NULL,
	imported_by TEXT NOT NULL
);

-- A team's routing beside its mode (teams.routing): the single point of
-- contact, and what the SLA sweep does on a first-contact breach and at
-- the end of the touch window (wire names of leadq/rules.h).
ALTER TABLE teams ADD COLUMN dispatcher_id TEXT;
ALTER TABLE teams ADD COLUMN on_breach TEXT NOT NULL DEFAULT 'notify';
ALTER TABLE teams ADD COLUMN on_expiry TEXT NOT NULL DEFAULT 'unreachable';

-- Round-robin's memory: a counter value, raised each time the rep receives a
-- routed lead, so equals take turns across restarts.
ALTER TABLE users ADD COLUMN last_routed INTEGER NOT NULL DEFAULT 0;

-- A rep's open leads are counted at every routed lead.
CREATE INDEX leads_owner_status ON leads (owner_id, status);
