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
-- referred or closed it) and when it finished it (resolved or closed it), so that response times
-- are read from one row. Routings stored before this step are given them from the report and
-- the officers' events.
ALTER TABLE report_agencies ADD COLUMN routed_at TEXT;
ALTER TABLE report_agencies ADD COLUMN answered_at TEXT;
ALTER TABLE report_agencies ADD COLUMN finished_at TEXT;

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

CREATE INDEX report_agencies_for_stats
    ON report_agencies (routed_at, agency_id, answered_at, finished_at, ack_by, resolve_by);

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
