-- leadq cache schema, version 1 (PRAGMA user_version = 1 after it).
-- Times are INTEGER seconds since the epoch (UTC), NULL for "no time".
-- Enumerations are stored by their wire names ("qualified", "call").
-- Each migration runs in its own transaction (src/store/sqlite.c).

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE teams (
	id                    TEXT PRIMARY KEY,
	name                  TEXT NOT NULL,
	tz                    TEXT,
	hours                 TEXT,
	holidays              TEXT,
	first_contact_minutes INTEGER NOT NULL,
	touches_required      INTEGER NOT NULL,
	touch_window_days     INTEGER NOT NULL,
	at_risk_percent       INTEGER NOT NULL
);

-- team_id has no foreign key: a sync page may bring a user before the team.
CREATE TABLE users (
	id       TEXT PRIMARY KEY,
	login    TEXT,
	name     TEXT,
	email    TEXT,
	tz       TEXT,
	team_id  TEXT,
	role     TEXT NOT NULL,
	capacity INTEGER NOT NULL DEFAULT 0,
	active   INTEGER NOT NULL DEFAULT 1
);

-- Every field of struct lq_lead; search_key and company_key are lq_fold()
-- of the searchable text, computed when the lead is written.
CREATE TABLE leads (
	id               TEXT PRIMARY KEY,
	external_id      TEXT,
	name             TEXT,
	title            TEXT,
	company          TEXT,
	email            TEXT,
	phone            TEXT,
	country          TEXT,
	region           TEXT,
	city             TEXT,
	postal_code      TEXT,
	industry         TEXT,
	tz               TEXT,
	source           TEXT,
	campaign         TEXT,
	owner_id         TEXT,
	team_id          TEXT,
	employees        INTEGER NOT NULL DEFAULT 0,
	score            INTEGER NOT NULL DEFAULT 0,
	score_parts      TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL,
	reason           TEXT NOT NULL DEFAULT '',
	mql_at           INTEGER,
	first_touch_at   INTEGER,
	last_touch_at    INTEGER,
	touches          INTEGER NOT NULL DEFAULT 0,
	touches_required INTEGER NOT NULL DEFAULT 0,
	sla_first_due    INTEGER,
	sla_cadence_due  INTEGER,
	next_touch_due   INTEGER,
	next_appt_at     INTEGER,
	do_not_contact   INTEGER NOT NULL DEFAULT 0,
	version          INTEGER NOT NULL DEFAULT 0,
	updated_at       INTEGER,
	search_key       TEXT NOT NULL DEFAULT '',
	company_key      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX leads_owner ON leads (owner_id);
CREATE INDEX leads_external ON leads (external_id) WHERE external_id IS NOT NULL;

-- Each lead again in one compact value (src/store/sqlite.c, pack_lead), in a
-- narrow table of its own: loading the whole cache then scans half the pages
-- and reads one column a row instead of 36 (sqlite spends ~1.3 ms per column
-- per 50,000 rows).  Any other change to a lead drops its pack (the loader
-- then reads that lead's columns), so a pack is never stale.
CREATE TABLE lead_packs (
	id   TEXT PRIMARY KEY,
	data BLOB NOT NULL
);
CREATE TRIGGER leads_update_unpack AFTER UPDATE ON leads
BEGIN
	DELETE FROM lead_packs WHERE id = old.id;
END;
CREATE TRIGGER leads_delete_unpack AFTER DELETE ON leads
BEGIN
	DELETE FROM lead_packs WHERE id = old.id;
END;

-- A lead's timeline.  Local actions also keep their outbox op, the actor and
-- the lead's state before and after (for undo); undo_of names the activity
-- that an undo record undid.
CREATE TABLE activities (
	id                    TEXT PRIMARY KEY,
	lead_id               TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
	kind                  TEXT NOT NULL,
	at                    INTEGER NOT NULL,
	actor                 TEXT,
	subject               TEXT,
	detail                TEXT,
	campaign              TEXT,
	duration_s            INTEGER NOT NULL DEFAULT 0,
	outcome               TEXT,
	undone                INTEGER NOT NULL DEFAULT 0,
	op_id                 TEXT,
	undo_of               TEXT,
	before_status         TEXT,
	before_reason         TEXT,
	before_touches        INTEGER,
	before_first_touch_at INTEGER,
	before_last_touch_at  INTEGER,
	after_status          TEXT,
	after_reason          TEXT,
	after_touches         INTEGER,
	after_first_touch_at  INTEGER,
	after_last_touch_at   INTEGER
);
CREATE INDEX activities_lead_at ON activities (lead_id, at DESC);
-- The undo lookup: an actor's local actions, newest first.
CREATE INDEX activities_actor_undo ON activities (actor, undone)
	WHERE op_id IS NOT NULL AND undo_of IS NULL;

-- No API yet; kept so the booking screen and sync have a home.
CREATE TABLE appointments (
	id         TEXT PRIMARY KEY,
	lead_id    TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
	rep_id     TEXT,
	booked_by  TEXT,
	start_at   INTEGER NOT NULL,
	end_at     INTEGER NOT NULL,
	tz         TEXT,
	mode       TEXT,
	status     TEXT NOT NULL DEFAULT 'pending',
	version    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX appointments_lead ON appointments (lead_id);

-- Ops waiting for (or done with) the server, in the order they were made.
-- lead_id has no foreign key: a lead may leave this user's view while its
-- ops are still on their way.
CREATE TABLE outbox (
	seq          INTEGER PRIMARY KEY,
	id           TEXT NOT NULL UNIQUE,
	kind         TEXT NOT NULL,
	lead_id      TEXT NOT NULL,
	base_version INTEGER NOT NULL DEFAULT 0,
	at           INTEGER NOT NULL,
	send_after   INTEGER NOT NULL,
	args         TEXT NOT NULL,
	state        TEXT NOT NULL DEFAULT 'pending',
	error        TEXT
);
CREATE INDEX outbox_state ON outbox (state, send_after);
