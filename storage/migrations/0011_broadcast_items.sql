-- Broadcasts as the admin composes them: Telegram HTML with an optional photo, for several
-- topics, aimed at the whole district, some areas, or a point and radius (an urgent alert);
-- idempotent by the composer's token; scheduled in UTC; corrected (revision) or withdrawn
-- after sending. Nothing in production used the first tables (0001), so they are replaced.
DROP TABLE broadcast_deliveries;
DROP TABLE broadcasts;

CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    html TEXT NOT NULL,
    photo_file_id TEXT,
    photo BLOB,
    topics TEXT NOT NULL,                 -- JSON list of topic ids
    target TEXT NOT NULL CHECK (target IN ('district', 'areas', 'point')),
    area_ids TEXT,                        -- JSON list, for target 'areas'
    latitude REAL,
    longitude REAL,
    radius_m INTEGER CHECK (radius_m > 0),
    urgent INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    state TEXT NOT NULL
        CHECK (state IN ('queued', 'scheduled', 'sending', 'done', 'cancelled')),
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    scheduled_for TEXT,
    started_at TEXT,
    finished_at TEXT,
    -- Where the engine edits its progress message (the admin's chat), if anywhere.
    progress_chat_id INTEGER,
    progress_message_id INTEGER,
    -- A correction raises the revision; the engine edits every copy still behind it.
    revision INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0),
    withdrawn_at TEXT,
    CHECK ((target = 'point') = (latitude IS NOT NULL AND longitude IS NOT NULL
        AND radius_m IS NOT NULL)),
    CHECK ((target = 'areas') = (area_ids IS NOT NULL))
);

CREATE INDEX broadcasts_by_state ON broadcasts (state, scheduled_for);

-- One row per recipient, written when sending starts (the snapshot). ``parts_sent`` counts
-- the parts already delivered, so a resumed send carries on from the next part;
-- ``message_ids`` (JSON list) are the copies a correction edits and a withdrawal deletes.
CREATE TABLE broadcast_deliveries (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sent', 'failed', 'blocked')),
    silent INTEGER NOT NULL DEFAULT 0 CHECK (silent IN (0, 1)),
    parts_sent INTEGER NOT NULL DEFAULT 0 CHECK (parts_sent >= 0),
    message_ids TEXT NOT NULL DEFAULT '[]',
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    error TEXT,
    sent_at TEXT,
    revision INTEGER NOT NULL DEFAULT 0,  -- the item's revision these copies show
    withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
    PRIMARY KEY (broadcast_id, chat_id)
);

CREATE INDEX broadcast_deliveries_by_state ON broadcast_deliveries (broadcast_id, state);

-- Who did what to a broadcast, and when (queue, cancel, correct, withdraw).
CREATE TABLE broadcast_audit (
    id INTEGER PRIMARY KEY,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    actor INTEGER NOT NULL,
    action TEXT NOT NULL,
    detail TEXT,
    at TEXT NOT NULL
);

CREATE INDEX broadcast_audit_by_item ON broadcast_audit (broadcast_id, id);
