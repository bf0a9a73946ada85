-- The bot's messages a reply answers, found by the message replied to rather than by its words.
-- An officer's note or question prompt is a direct reply, so its message id is known when it is
-- sent. A question relayed to a reporter leaves through the outbox: the row names its outbox
-- item, and the dispatcher's settlement records the sent message id there (outbox.result).
CREATE TABLE reply_prompts (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('note', 'question', 'answer')),
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    outbox_id INTEGER REFERENCES outbox (id),
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL,
    officer_id INTEGER,         -- note, question: the officer who asked for the prompt
    card_message_id INTEGER,    -- note, question: the agency card the prompt belongs to
    question_event_id INTEGER REFERENCES report_events (id) ON DELETE CASCADE,  -- answer
    created_at TEXT NOT NULL,
    CHECK (message_id IS NOT NULL OR outbox_id IS NOT NULL)
);

CREATE UNIQUE INDEX reply_prompts_by_message ON reply_prompts (chat_id, message_id)
    WHERE message_id IS NOT NULL;
CREATE INDEX reply_prompts_by_outbox ON reply_prompts (chat_id, outbox_id)
    WHERE outbox_id IS NOT NULL;
