-- Every report is counted in a configured area (bot.geo.areas): the one its point is in, set at
-- submit; NULL without a point or outside every area. Reports stored before this step are given
-- their area by the bot's start-up pass, which also re-assigns every report when the configured
-- areas change (their fingerprint is kept in settings).
ALTER TABLE reports ADD COLUMN area_id TEXT;
CREATE INDEX reports_by_area ON reports (area_id, created_at);

-- Small values the bot keeps about itself, by key (the areas' fingerprint, for one).
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
