-- leadq cache schema, version 3: a team's single point of contact, who may
-- hand the team's leads out like its team lead (issue 4).
ALTER TABLE teams ADD COLUMN dispatcher_id TEXT;
