-- Each agency's resolution of a report: when, the officer's note for the reporter, and whether
-- the officer chose that the note may be published in the partnership's news ("You said, we
-- did": no names or addresses). A note stays internal unless the officer chose otherwise.
CREATE TABLE resolutions (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL,
    resolved_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    publishable INTEGER NOT NULL DEFAULT 0 CHECK (publishable IN (0, 1)),
    PRIMARY KEY (report_id, agency_id)
);

CREATE INDEX resolutions_by_time ON resolutions (resolved_at);

-- Resolutions made before this step, from their events (SQLite's JSON functions); their notes
-- stay internal, since nobody was asked.
INSERT INTO resolutions (report_id, agency_id, resolved_at, note, publishable)
    SELECT report_id, json_extract(detail, '$.agency'), MAX(at),
           COALESCE(json_extract(detail, '$.note'), ''), 0
    FROM report_events
    WHERE kind = 'resolved' AND json_extract(detail, '$.agency') IS NOT NULL
    GROUP BY report_id, json_extract(detail, '$.agency');

-- A note prompt remembers which note the officer asked to write.
ALTER TABLE reply_prompts ADD COLUMN publishable INTEGER NOT NULL DEFAULT 0
    CHECK (publishable IN (0, 1));

-- The running bot's heartbeat, written every few seconds while it runs and removed when it
-- stops: the command line reads it to know whether a bot sends from this database (it hands
-- news to that bot, and refuses to send by itself beside it: two senders on one token would
-- break Telegram's limits).
CREATE TABLE bot_heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    beat_at TEXT NOT NULL
);
