-- leadqd server schema, version 6: appointments in reps' calendars (issue 5).
-- The codec's JSON in data, with copies of what the server looks up by.
CREATE TABLE appointments (
	id       TEXT PRIMARY KEY,
	lead_id  TEXT NOT NULL,
	rep_id   TEXT NOT NULL,
	start_at INTEGER NOT NULL,
	end_at   INTEGER NOT NULL,
	status   TEXT NOT NULL,
	version  INTEGER NOT NULL DEFAULT 1,
	op_id    TEXT,
	data     TEXT NOT NULL
);
CREATE INDEX appointments_rep ON appointments (rep_id, start_at) WHERE status = 'booked';
CREATE INDEX appointments_lead ON appointments (lead_id);

-- No two booked appointments of one rep overlap, whoever writes: the
-- database refuses it inside the writing transaction, so of two agents
-- racing for one slot exactly one wins (src/store/srv_sqlite.c turns the
-- refusal into LQ_STORE_CONFLICT).  Touching ends do not overlap.
CREATE TRIGGER appointments_no_overlap_insert BEFORE INSERT ON appointments
WHEN NEW.status = 'booked'
BEGIN
	SELECT RAISE(ABORT, 'appointment overlaps another of the rep') FROM appointments
	WHERE rep_id = NEW.rep_id AND status = 'booked' AND id <> NEW.id
	  AND start_at < NEW.end_at AND end_at > NEW.start_at;
END;
CREATE TRIGGER appointments_no_overlap_update BEFORE UPDATE ON appointments
WHEN NEW.status = 'booked'
BEGIN
	SELECT RAISE(ABORT, 'appointment overlaps another of the rep') FROM appointments
	WHERE rep_id = NEW.rep_id AND status = 'booked' AND id <> NEW.id
	  AND start_at < NEW.end_at AND end_at > NEW.start_at;
END;
