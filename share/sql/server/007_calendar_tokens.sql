-- leadqd server schema, version 7: reps' calendar feeds (issue 5).
-- A calendar application subscribes to a URL and cannot send a bearer
-- token, so each rep's feed has a secret of its own in the URL; only its
-- SHA-256 is kept, and `leadqd user calendar LOGIN` makes a new one (the
-- old URL stops working).
CREATE TABLE calendar_tokens (
	user_id    TEXT PRIMARY KEY,
	hash       TEXT NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
