-- Residents who said a report was the same as theirs and follow it (a NULL chat: anonymous).
CREATE TABLE report_followers (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    chat_id INTEGER,
    joined_at TEXT NOT NULL,
    UNIQUE (report_id, chat_id)
);

CREATE INDEX report_followers_by_chat ON report_followers (chat_id);
CREATE INDEX reports_by_position ON reports (category, latitude, longitude);
