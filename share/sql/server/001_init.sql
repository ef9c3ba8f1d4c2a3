-- leadqd server schema, version 1 (PRAGMA user_version = 1 after it).
-- Times are INTEGER seconds since the epoch (UTC), NULL for "no time".
-- Enumerations are stored by their wire names.  Each migration runs in its
-- own transaction (src/store/srv_sqlite.c).

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- routing: direct | round_robin | single_contact (DESIGN §8).
CREATE TABLE teams (
	id                    TEXT PRIMARY KEY,
	name                  TEXT NOT NULL UNIQUE,
	tz                    TEXT,
	hours                 TEXT,
	holidays              TEXT,
	first_contact_minutes INTEGER NOT NULL,
	touches_required      INTEGER NOT NULL,
	touch_window_days     INTEGER NOT NULL,
	at_risk_percent       INTEGER NOT NULL,
	routing               TEXT NOT NULL DEFAULT 'direct',
	version               INTEGER NOT NULL DEFAULT 1,
	created_at            INTEGER
);

-- password_hash is libsodium's crypto_pwhash_str (argon2id); NULL: no login.
CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	login         TEXT NOT NULL UNIQUE,
	name          TEXT,
	email         TEXT,
	tz            TEXT,
	team_id       TEXT REFERENCES teams (id),
	role          TEXT NOT NULL,
	capacity      INTEGER NOT NULL DEFAULT 0,
	active        INTEGER NOT NULL DEFAULT 1,
	password_hash TEXT,
	version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_team ON users (team_id);

-- Only the SHA-256 (hex) of a bearer token is kept.
CREATE TABLE tokens (
	hash       TEXT PRIMARY KEY,
	user_id    TEXT NOT NULL REFERENCES users (id),
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE api_keys (
	hash       TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	revoked_at INTEGER
);

-- A lead: the codec's JSON of struct lq_lead in data (the one encoding of
-- every field), and copies of the fields the server looks up by.
-- status_version is the version at which owner or status last changed (the
-- conflict rule of set_status).
CREATE TABLE leads (
	id             TEXT PRIMARY KEY,
	external_id    TEXT,
	email_key      TEXT,
	owner_id       TEXT,
	team_id        TEXT,
	status         TEXT NOT NULL,
	mql_at         INTEGER,
	version        INTEGER NOT NULL DEFAULT 1,
	status_version INTEGER NOT NULL DEFAULT 1,
	data           TEXT NOT NULL
);
CREATE INDEX leads_owner ON leads (owner_id);
CREATE INDEX leads_team ON leads (team_id);
CREATE INDEX leads_email ON leads (email_key) WHERE email_key IS NOT NULL;
CREATE INDEX leads_external ON leads (external_id) WHERE external_id IS NOT NULL;

-- A lead's timeline; sales actions keep their op and the lead's state
-- before and after (JSON), which undo needs.
CREATE TABLE activities (
	id       TEXT PRIMARY KEY,
	lead_id  TEXT NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
	at       INTEGER NOT NULL,
	version  INTEGER NOT NULL DEFAULT 1,
	op_id    TEXT,
	undo_of  TEXT,
	before   TEXT,
	after    TEXT,
	data     TEXT NOT NULL
);
CREATE INDEX activities_lead ON activities (lead_id, at);
CREATE UNIQUE INDEX activities_op ON activities (op_id) WHERE op_id IS NOT NULL AND undo_of IS NULL;

-- Every op applied, with the SHA-256 of its canonical JSON and its result,
-- written in the op's own transaction (idempotent replays).
CREATE TABLE ops_applied (
	id           TEXT PRIMARY KEY,
	user_id      TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	result       TEXT NOT NULL,
	at           INTEGER NOT NULL
);

-- The change feed.  owner_id/team_id are the entity's after the change
-- (for users the user's team, for teams the team itself); prev_* are the
-- lead's before a reassignment, so the old owner hears of its removal.
CREATE TABLE feed (
	seq           INTEGER PRIMARY KEY AUTOINCREMENT,
	type          TEXT NOT NULL,
	entity_id     TEXT NOT NULL,
	lead_id       TEXT,
	owner_id      TEXT,
	team_id       TEXT,
	prev_owner_id TEXT,
	prev_team_id  TEXT
);

CREATE TABLE audit (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	at          INTEGER NOT NULL,
	who         TEXT NOT NULL,
	action      TEXT NOT NULL,
	entity_type TEXT,
	entity_id   TEXT,
	before      TEXT,
	after       TEXT
);
