-- Emerging clusters (bot.insight.clusters): each one found, so that it is announced once, grows
-- as reports join it and is never announced again after a restart; and the mutes the admins and
-- officers set on an area and category.
CREATE TABLE clusters (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('spot', 'area')),
    area_id TEXT,                   -- the area (of a spot: of its centre); NULL outside them all
    report_ids TEXT NOT NULL,       -- JSON array of the reports in it, oldest first
    count INTEGER NOT NULL,
    expected REAL NOT NULL,         -- the usual count for the place and window
    p_value REAL NOT NULL,
    basis TEXT NOT NULL CHECK (basis IN ('history', 'district')),
    latitude REAL,                  -- a spot's centre and radius
    longitude REAL,
    radius_m INTEGER,
    first_at TEXT NOT NULL,         -- its first and latest report
    latest_at TEXT NOT NULL,
    found_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    shown_count INTEGER NOT NULL DEFAULT 0,  -- the count its announcement shows
    muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),  -- found while muted: not told
    acknowledged_at TEXT,
    acknowledged_by TEXT            -- the officer's or admin's name as Telegram gave it
);
CREATE INDEX clusters_by_category ON clusters (category, latest_at);
CREATE INDEX clusters_by_found ON clusters (found_at);

CREATE TABLE cluster_mutes (
    category TEXT NOT NULL,
    area_id TEXT NOT NULL,          -- '' for the reports outside every area
    until TEXT NOT NULL,
    muted_at TEXT NOT NULL,
    muted_by TEXT NOT NULL,
    PRIMARY KEY (category, area_id)
) WITHOUT ROWID;
