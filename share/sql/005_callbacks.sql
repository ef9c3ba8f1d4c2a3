-- leadq cache schema, version 5: a lead's callback (issue 5).  The packed
-- leads gain the two fields (pack version 2): the old packs go, and the
-- "repack" mark has src/store/sqlite.c write them again once, at open.
ALTER TABLE leads ADD COLUMN callback_at INTEGER;
ALTER TABLE leads ADD COLUMN callback_user TEXT;
DELETE FROM lead_packs;
INSERT INTO meta (key, value) VALUES ('repack', '1')
	ON CONFLICT (key) DO UPDATE SET value = excluded.value;
