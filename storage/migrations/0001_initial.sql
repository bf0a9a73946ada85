-- safetybot initial schema.
-- Portable SQL: INTEGER, REAL, TEXT and BLOB columns only (a PostgreSQL port maps
-- INTEGER PRIMARY KEY to an identity column, REAL to double precision, BLOB to bytea).
-- Times are UTC ISO-8601 text of fixed width; flags are 0/1 integers; JSON is text.

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE CHECK (ref = UPPER(ref) AND LENGTH(ref) BETWEEN 4 AND 16),
    category TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '{}',
    description TEXT NOT NULL DEFAULT '',
    latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    location_text TEXT,
    ward TEXT,
    outside_district INTEGER NOT NULL DEFAULT 0 CHECK (outside_district IN (0, 1)),
    needs_location_check INTEGER NOT NULL DEFAULT 0 CHECK (needs_location_check IN (0, 1)),
    occurred_at TEXT,
    created_at TEXT NOT NULL,
    reporter_chat_id INTEGER,
    anonymous INTEGER NOT NULL DEFAULT 0 CHECK (anonymous IN (0, 1)),
    contact_phone TEXT,
    priority TEXT NOT NULL DEFAULT 'normal'
        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status TEXT NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'acknowledged', 'in_progress', 'resolved', 'closed')),
    CHECK ((latitude IS NULL) = (longitude IS NULL)),
    -- an anonymous report holds nothing that identifies the reporter
    CHECK (anonymous = 0 OR (reporter_chat_id IS NULL AND contact_phone IS NULL))
);

CREATE INDEX reports_by_reporter ON reports (reporter_chat_id, created_at);
CREATE INDEX reports_by_created ON reports (created_at);
CREATE INDEX reports_by_category ON reports (category, created_at);

CREATE TABLE report_photos (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    file_id TEXT NOT NULL,
    PRIMARY KEY (report_id, position)
);

CREATE TABLE report_events (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX report_events_by_report ON report_events (report_id, at, id);

CREATE TABLE report_agencies (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'sent'
        CHECK (state IN ('sent', 'acknowledged', 'in_progress', 'resolved', 'referred',
                         'closed_not_ours', 'closed_duplicate', 'closed_no_action')),
    updated_at TEXT NOT NULL,
    ack_by TEXT,
    resolve_by TEXT,
    PRIMARY KEY (report_id, agency_id)
);

CREATE INDEX report_agencies_by_agency ON report_agencies (agency_id, state);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    result TEXT
);

CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';

CREATE TABLE resident_counters (
    resident_key TEXT NOT NULL,
    day TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
    PRIMARY KEY (resident_key, day)
);

CREATE TABLE subscribers (
    chat_id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    blocked_at TEXT
);

-- area_id '*' means every area
CREATE TABLE subscriptions (
    chat_id INTEGER NOT NULL REFERENCES subscribers (chat_id) ON DELETE CASCADE,
    topic_id TEXT NOT NULL,
    area_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, topic_id, area_id)
);

CREATE INDEX subscriptions_by_topic ON subscriptions (topic_id, area_id);

-- area_id NULL means the whole district
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    topic_id TEXT NOT NULL,
    area_id TEXT,
    state TEXT NOT NULL DEFAULT 'draft'
        CHECK (state IN ('draft', 'queued', 'scheduled', 'sending', 'done', 'cancelled')),
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    scheduled_for TEXT,
    started_at TEXT,
    finished_at TEXT
);

CREATE INDEX broadcasts_by_state ON broadcasts (state, scheduled_for);

CREATE TABLE broadcast_deliveries (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sent', 'failed', 'blocked')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    message_id INTEGER,
    error TEXT,
    sent_at TEXT,
    PRIMARY KEY (broadcast_id, chat_id)
);

CREATE INDEX broadcast_deliveries_by_state ON broadcast_deliveries (broadcast_id, state);

CREATE TABLE officer_enrolments (
    code_hash TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    used_by INTEGER,
    used_at TEXT,
    revoked_at TEXT,
    CHECK ((used_by IS NULL) = (used_at IS NULL))
);

-- python-telegram-bot persistence (storage/persistence.py); data columns hold pickles
CREATE TABLE ptb_conversations (
    name TEXT NOT NULL,
    conversation_key TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (name, conversation_key)
);

CREATE TABLE ptb_user_data (
    user_id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);

CREATE TABLE ptb_chat_data (
    chat_id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);

CREATE TABLE ptb_bot_data (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    data BLOB NOT NULL
);

CREATE TABLE ptb_callback_data (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    data BLOB NOT NULL
);
