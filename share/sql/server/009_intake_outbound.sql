-- leadqd server schema, version 9: marketing intake and the closed loop
-- (issue 6).

-- One durable queue for everything the server sends out: mail to people
-- (src/server/mail.c) and outcome webhooks to marketing (src/server/hook.c).
-- A row is written in the transaction of what it tells and sent by the
-- housekeeping thread, retried with a growing pause until the other side
-- takes it (src/server/outbound.c).  Mail: to_addr is the address; webhook:
-- to_addr is the event's id (the URL is the server's setting when sent), subject
-- the event type.
ALTER TABLE mail_queue RENAME TO outbound;
ALTER TABLE outbound ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail';
DROP INDEX mail_queue_due;
CREATE INDEX outbound_due ON outbound (channel, next_try_at) WHERE sent_at IS NULL;

-- Behaviour events of people who are not leads yet (POST /events): kept as
-- sent, and attached to the lead when it arrives with this email or
-- external id (src/server/intake.c).
CREATE TABLE anon_events (
	id          TEXT PRIMARY KEY,
	email_key   TEXT,
	external_id TEXT,
	at          INTEGER NOT NULL,
	data        TEXT NOT NULL
);
CREATE INDEX anon_events_email ON anon_events (email_key) WHERE email_key IS NOT NULL;
CREATE INDEX anon_events_external ON anon_events (external_id) WHERE external_id IS NOT NULL;

-- The funnel report reads the leads passed in a period.
CREATE INDEX leads_mql ON leads (mql_at);
