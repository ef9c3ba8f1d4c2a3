-- leadqd server schema, version 5: mail to people (src/server/mail.c).
-- Written in the transaction of what it tells (a routed lead, an SLA
-- escalation), sent by the housekeeping thread, retried until the SMTP server
-- takes it: nothing is lost while it is down.
CREATE TABLE mail_queue (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	to_addr     TEXT NOT NULL,
	subject     TEXT NOT NULL,
	body        TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_try_at INTEGER NOT NULL,
	sent_at     INTEGER,
	error       TEXT
);
CREATE INDEX mail_queue_due ON mail_queue (next_try_at) WHERE sent_at IS NULL;
