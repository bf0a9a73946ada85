-- The ASB Case Review notices given (bot.casereview): a contactable resident whose own reports
-- reached the [case_review] threshold was told of their right to ask for a case review, once
-- for the reports named here (their references, a JSON array). A resident is told again only
-- when enough new reports, none named in an earlier notice, reach the threshold once more.
-- Anonymous reports are never counted: nothing here is written about them. Cleared with the
-- resident's other data by /forgetme (storage.resident_data). AUTOINCREMENT: a notice's id
-- names its outbox items (their dedupe keys), so an erased notice's id is never used again.
CREATE TABLE case_review_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    refs TEXT NOT NULL,
    given_at TEXT NOT NULL
);

CREATE INDEX case_review_notices_by_chat ON case_review_notices (chat_id, given_at);
