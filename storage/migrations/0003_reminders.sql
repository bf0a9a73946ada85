-- When the reminder service acted on a routing: reminded the agency of an unacknowledged
-- report, escalated it to the admins, listed it for the admins as not resolved in time.
-- Each is set once, so a restart never repeats what was done.
ALTER TABLE report_agencies ADD COLUMN reminded_at TEXT;
ALTER TABLE report_agencies ADD COLUMN escalated_at TEXT;
ALTER TABLE report_agencies ADD COLUMN overdue_listed_at TEXT;

CREATE INDEX report_agencies_by_ack_by ON report_agencies (state, ack_by);
CREATE INDEX report_agencies_by_resolve_by ON report_agencies (state, resolve_by);
