-- The statistics (bot.insight, storage/stats.py) over years of reports, without reading them
-- all: each count is a range of an index.

-- Counts by ward, as reports_by_category and reports_by_area count by category and area.
CREATE INDEX reports_by_ward ON reports (ward, created_at);

-- Repeat locations: the map cut into squares of 1/2000 degree of latitude by 1/1250 degree of
-- longitude (about 55 m by 55 m in Britain), a report's square kept in this index so that the
-- squares reported again and again are found in one pass in the index's order.
CREATE INDEX reports_by_spot
    ON reports (CAST(ROUND(latitude * 2000) AS INTEGER), CAST(ROUND(longitude * 1250) AS INTEGER),
                created_at, area_id)
    WHERE latitude IS NOT NULL;

-- Each agency's part in a report remembers when it was routed there (at submit, or when another
-- agency referred it on), when the agency first answered it (acknowledged, started, resolved,
-- referred or closed it) and when it finished it (resolved or closed it), and how many minutes
-- after the routing each came (to the minute under 6 hours, to 10 minutes under 2 days, to the
-- hour beyond: as precisely as the statistics say a time), so that response times are read from one row and their
-- distribution from an index in order. Routings stored before this step are given them from the
-- report and the officers' events.
ALTER TABLE report_agencies ADD COLUMN routed_at TEXT;
ALTER TABLE report_agencies ADD COLUMN answered_at TEXT;
ALTER TABLE report_agencies ADD COLUMN finished_at TEXT;
ALTER TABLE report_agencies ADD COLUMN answer_minutes INTEGER;
ALTER TABLE report_agencies ADD COLUMN finish_minutes INTEGER;

UPDATE report_agencies SET
    routed_at = (SELECT r.created_at FROM reports r WHERE r.id = report_agencies.report_id),
    answered_at = (
        SELECT MIN(e.at) FROM report_events e
        WHERE e.report_id = report_agencies.report_id
          AND e.kind IN ('acknowledged', 'in_progress', 'resolved', 'referred',
                         'closed_not_ours', 'closed_duplicate', 'closed_no_action')
          AND json_extract(e.detail, '$.agency') = report_agencies.agency_id
    ),
    finished_at = (
        SELECT MIN(e.at) FROM report_events e
        WHERE e.report_id = report_agencies.report_id
          AND e.kind IN ('resolved', 'closed_not_ours', 'closed_duplicate', 'closed_no_action')
          AND json_extract(e.detail, '$.agency') = report_agencies.agency_id
    );

UPDATE report_agencies SET
    answer_minutes = (SELECT CAST(CASE WHEN m < 360 THEN ROUND(m) WHEN m < 2880
        THEN ROUND(m / 10) * 10 ELSE ROUND(m / 60) * 60 END AS INTEGER)
        FROM (SELECT (julianday(answered_at) - julianday(routed_at)) * 1440 AS m)),
    finish_minutes = (SELECT CAST(CASE WHEN m < 360 THEN ROUND(m) WHEN m < 2880
        THEN ROUND(m / 10) * 10 ELSE ROUND(m / 60) * 60 END AS INTEGER)
        FROM (SELECT (julianday(finished_at) - julianday(routed_at)) * 1440 AS m));

-- An agency's routings of a period against their targets: one range of this index per agency.
CREATE INDEX report_agencies_for_stats
    ON report_agencies (agency_id, routed_at, answered_at, finished_at, ack_by, resolve_by);
-- How long each agency took, in order of the time taken: counted without sorting.
CREATE INDEX report_agencies_by_answer ON report_agencies (agency_id, answer_minutes, routed_at)
    WHERE answer_minutes IS NOT NULL;
CREATE INDEX report_agencies_by_finish ON report_agencies (agency_id, finish_minutes, routed_at)
    WHERE finish_minutes IS NOT NULL;

-- Each export (safetybot export): who ran it, when, for which period, in which format, with
-- personal data or not, and how many reports. Never what was exported.
CREATE TABLE export_audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    format TEXT NOT NULL,
    personal INTEGER NOT NULL CHECK (personal IN (0, 1)),
    report_count INTEGER NOT NULL CHECK (report_count >= 0)
);
