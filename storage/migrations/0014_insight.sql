-- The statistics (bot.insight) count a period's reports by category, area and ward, and look for
-- repeat locations, in one range scan of this covering index: no table rows are read.
CREATE INDEX reports_for_stats
    ON reports (created_at, category, area_id, ward, latitude, longitude);

-- Each export with personal data (safetybot export --personal): who ran it, when, for which
-- period, how many reports. Never what was exported.
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
