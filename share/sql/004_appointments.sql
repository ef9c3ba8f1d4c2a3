-- leadq cache schema, version 4: appointments as the server sends them
-- (issue 5): the notes too, for the rep's day view.
ALTER TABLE appointments ADD COLUMN notes TEXT;
