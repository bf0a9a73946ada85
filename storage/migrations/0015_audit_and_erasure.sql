-- The audit log: who did what to which report, and when. Officers' actions (acknowledge,
-- resolve, refer, questions, details viewed), admins' actions (enrolment codes, revocations),
-- exports, erasures and the retention job. An erasure is recorded by report references and
-- counts only: the audit never holds the erased resident's Telegram id.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    report_ref TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_by_time ON audit_log (at, id);

-- When a resident's conversation state was last written, so that the retention job can remove
-- drafts left behind (a report begun and never finished, across a restart). Set by triggers
-- from SQLite's clock, in the fixed-width UTC text of storage.timestamps.
ALTER TABLE ptb_user_data ADD COLUMN touched_at TEXT;
ALTER TABLE ptb_conversations ADD COLUMN touched_at TEXT;

CREATE TRIGGER ptb_user_data_touched_on_insert AFTER INSERT ON ptb_user_data
BEGIN
    UPDATE ptb_user_data SET touched_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'
        WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER ptb_user_data_touched_on_update AFTER UPDATE OF data ON ptb_user_data
BEGIN
    UPDATE ptb_user_data SET touched_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'
        WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER ptb_conversations_touched_on_insert AFTER INSERT ON ptb_conversations
BEGIN
    UPDATE ptb_conversations
        SET touched_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'
        WHERE name = NEW.name AND conversation_key = NEW.conversation_key;
END;

CREATE TRIGGER ptb_conversations_touched_on_update AFTER UPDATE OF state ON ptb_conversations
BEGIN
    UPDATE ptb_conversations
        SET touched_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00'
        WHERE name = NEW.name AND conversation_key = NEW.conversation_key;
END;

-- Rows written before this step count as written now: the retention job gives them a full period.
UPDATE ptb_user_data SET touched_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00';
UPDATE ptb_conversations SET touched_at = strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00';

-- When a report was anonymised (by the retention job, or kept open anonymously when its
-- reporter asked to be forgotten): it then holds no chat, contact, free text, photo or point.
ALTER TABLE reports ADD COLUMN anonymised_at TEXT;
