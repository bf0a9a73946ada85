-- A report remembers the draft it was submitted from (the draft's random token), so that a
-- second tap on Submit, after a restart say, finds the stored report instead of making another.
ALTER TABLE reports ADD COLUMN draft_token TEXT;
CREATE UNIQUE INDEX reports_by_draft ON reports (draft_token) WHERE draft_token IS NOT NULL;

-- An outbox item whose target must not outlive its delivery: the confirmation to an anonymous
-- reporter's chat. Once it is sent or given up, the target is blanked (and, with secure_delete
-- and a WAL checkpoint, gone from the file).
ALTER TABLE outbox ADD COLUMN erase_target INTEGER NOT NULL DEFAULT 0
    CHECK (erase_target IN (0, 1));
