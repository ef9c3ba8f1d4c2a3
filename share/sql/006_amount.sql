-- leadq cache schema, version 6: the opportunity's amount (issue 6), in
-- whole units of the organisation's currency, 0 for none.  The packed leads
-- gain it (pack version 3): the old packs go, and the "repack" mark has
-- src/store/sqlite.c write them again once, at open.
ALTER TABLE leads ADD COLUMN amount INTEGER NOT NULL DEFAULT 0;
DELETE FROM lead_packs;
INSERT INTO meta (key, value) VALUES ('repack', '1')
	ON CONFLICT (key) DO UPDATE SET value = excluded.value;
