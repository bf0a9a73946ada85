-- The statistics of a year in well under a second (storage/stats.py), however many reports.

-- Each agency's routings month by month (the UTC month of routed_at, 'YYYY-MM'): how many, how
-- many answered and finished, and, of those with a target, how many were answered (finished) and
-- how many by the target. Kept by the triggers below through every write to report_agencies
-- (routing, referral, the officers' moves, bulk loads, erasure and anonymising), so a year of
-- targets is a dozen rows per agency; the ragged ends of a period that are not whole months, and
-- the routings not yet done whose target may still be ahead, are read from report_agencies.
-- SQLite-only: the triggers' upserts are SQLite's syntax.
CREATE TABLE routing_tallies (
    agency_id TEXT NOT NULL,
    month TEXT NOT NULL,
    routed INTEGER NOT NULL,
    answered INTEGER NOT NULL,
    ack_answered INTEGER NOT NULL,
    ack_within INTEGER NOT NULL,
    finished INTEGER NOT NULL,
    resolve_finished INTEGER NOT NULL,
    resolve_within INTEGER NOT NULL,
    PRIMARY KEY (agency_id, month)
) WITHOUT ROWID;

INSERT INTO routing_tallies
SELECT agency_id, substr(routed_at, 1, 7), COUNT(*),
       SUM(answered_at IS NOT NULL),
       SUM(ack_by IS NOT NULL AND answered_at IS NOT NULL),
       SUM(COALESCE(answered_at <= ack_by, 0)),
       SUM(finished_at IS NOT NULL),
       SUM(resolve_by IS NOT NULL AND finished_at IS NOT NULL),
       SUM(COALESCE(finished_at <= resolve_by, 0))
FROM report_agencies WHERE routed_at IS NOT NULL
GROUP BY agency_id, substr(routed_at, 1, 7);

-- How many of each agency's routings of a month took each number of minutes to be answered
-- ('answer') and finished ('finish'), as report_agencies keeps them (migration 0014): the
-- distribution the median and 90th percentile are read from, kept by the same triggers.
CREATE TABLE routing_minutes (
    kind TEXT NOT NULL CHECK (kind IN ('answer', 'finish')),
    month TEXT NOT NULL,
    agency_id TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, month, agency_id, minutes)
) WITHOUT ROWID;

INSERT INTO routing_minutes
SELECT 'answer', substr(routed_at, 1, 7), agency_id, answer_minutes, COUNT(*)
FROM report_agencies WHERE routed_at IS NOT NULL AND answer_minutes IS NOT NULL
GROUP BY 2, 3, 4;
INSERT INTO routing_minutes
SELECT 'finish', substr(routed_at, 1, 7), agency_id, finish_minutes, COUNT(*)
FROM report_agencies WHERE routed_at IS NOT NULL AND finish_minutes IS NOT NULL
GROUP BY 2, 3, 4;

CREATE TRIGGER routing_tallies_on_insert AFTER INSERT ON report_agencies
WHEN NEW.routed_at IS NOT NULL
BEGIN
    INSERT INTO routing_tallies VALUES (
        NEW.agency_id, substr(NEW.routed_at, 1, 7), 1,
        NEW.answered_at IS NOT NULL,
        NEW.ack_by IS NOT NULL AND NEW.answered_at IS NOT NULL,
        COALESCE(NEW.answered_at <= NEW.ack_by, 0),
        NEW.finished_at IS NOT NULL,
        NEW.resolve_by IS NOT NULL AND NEW.finished_at IS NOT NULL,
        COALESCE(NEW.finished_at <= NEW.resolve_by, 0))
    ON CONFLICT (agency_id, month) DO UPDATE SET
        routed = routed + 1,
        answered = answered + excluded.answered,
        ack_answered = ack_answered + excluded.ack_answered,
        ack_within = ack_within + excluded.ack_within,
        finished = finished + excluded.finished,
        resolve_finished = resolve_finished + excluded.resolve_finished,
        resolve_within = resolve_within + excluded.resolve_within;
    INSERT INTO routing_minutes SELECT
        'answer', substr(NEW.routed_at, 1, 7), NEW.agency_id, NEW.answer_minutes, 1
    WHERE NEW.routed_at IS NOT NULL AND NEW.answer_minutes IS NOT NULL
    ON CONFLICT (kind, month, agency_id, minutes) DO UPDATE SET n = n + 1;
    INSERT INTO routing_minutes SELECT
        'finish', substr(NEW.routed_at, 1, 7), NEW.agency_id, NEW.finish_minutes, 1
    WHERE NEW.routed_at IS NOT NULL AND NEW.finish_minutes IS NOT NULL
    ON CONFLICT (kind, month, agency_id, minutes) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER routing_tallies_on_delete AFTER DELETE ON report_agencies
WHEN OLD.routed_at IS NOT NULL
BEGIN
    UPDATE routing_tallies SET
        routed = routed - 1,
        answered = answered - (OLD.answered_at IS NOT NULL),
        ack_answered = ack_answered - (OLD.ack_by IS NOT NULL AND OLD.answered_at IS NOT NULL),
        ack_within = ack_within - COALESCE(OLD.answered_at <= OLD.ack_by, 0),
        finished = finished - (OLD.finished_at IS NOT NULL),
        resolve_finished = resolve_finished
            - (OLD.resolve_by IS NOT NULL AND OLD.finished_at IS NOT NULL),
        resolve_within = resolve_within - COALESCE(OLD.finished_at <= OLD.resolve_by, 0)
    WHERE agency_id = OLD.agency_id AND month = substr(OLD.routed_at, 1, 7);
    UPDATE routing_minutes SET n = n - 1
    WHERE kind = 'answer' AND month = substr(OLD.routed_at, 1, 7)
      AND agency_id = OLD.agency_id AND minutes = OLD.answer_minutes;
    UPDATE routing_minutes SET n = n - 1
    WHERE kind = 'finish' AND month = substr(OLD.routed_at, 1, 7)
      AND agency_id = OLD.agency_id AND minutes = OLD.finish_minutes;
END;

-- An update takes the row's old part away and adds its new one (the same two steps as above).
CREATE TRIGGER routing_tallies_on_update
AFTER UPDATE OF agency_id, routed_at, answered_at, finished_at, ack_by, resolve_by,
    answer_minutes, finish_minutes ON report_agencies
BEGIN
    UPDATE routing_tallies SET
        routed = routed - 1,
        answered = answered - (OLD.answered_at IS NOT NULL),
        ack_answered = ack_answered - (OLD.ack_by IS NOT NULL AND OLD.answered_at IS NOT NULL),
        ack_within = ack_within - COALESCE(OLD.answered_at <= OLD.ack_by, 0),
        finished = finished - (OLD.finished_at IS NOT NULL),
        resolve_finished = resolve_finished
            - (OLD.resolve_by IS NOT NULL AND OLD.finished_at IS NOT NULL),
        resolve_within = resolve_within - COALESCE(OLD.finished_at <= OLD.resolve_by, 0)
    WHERE OLD.routed_at IS NOT NULL
      AND agency_id = OLD.agency_id AND month = substr(OLD.routed_at, 1, 7);
    UPDATE routing_minutes SET n = n - 1
    WHERE kind = 'answer' AND month = substr(OLD.routed_at, 1, 7)
      AND agency_id = OLD.agency_id AND minutes = OLD.answer_minutes;
    UPDATE routing_minutes SET n = n - 1
    WHERE kind = 'finish' AND month = substr(OLD.routed_at, 1, 7)
      AND agency_id = OLD.agency_id AND minutes = OLD.finish_minutes;
    INSERT INTO routing_tallies SELECT
        NEW.agency_id, substr(NEW.routed_at, 1, 7), 1,
        NEW.answered_at IS NOT NULL,
        NEW.ack_by IS NOT NULL AND NEW.answered_at IS NOT NULL,
        COALESCE(NEW.answered_at <= NEW.ack_by, 0),
        NEW.finished_at IS NOT NULL,
        NEW.resolve_by IS NOT NULL AND NEW.finished_at IS NOT NULL,
        COALESCE(NEW.finished_at <= NEW.resolve_by, 0)
    WHERE NEW.routed_at IS NOT NULL
    ON CONFLICT (agency_id, month) DO UPDATE SET
        routed = routed + 1,
        answered = answered + excluded.answered,
        ack_answered = ack_answered + excluded.ack_answered,
        ack_within = ack_within + excluded.ack_within,
        finished = finished + excluded.finished,
        resolve_finished = resolve_finished + excluded.resolve_finished,
        resolve_within = resolve_within + excluded.resolve_within;
    INSERT INTO routing_minutes SELECT
        'answer', substr(NEW.routed_at, 1, 7), NEW.agency_id, NEW.answer_minutes, 1
    WHERE NEW.routed_at IS NOT NULL AND NEW.answer_minutes IS NOT NULL
    ON CONFLICT (kind, month, agency_id, minutes) DO UPDATE SET n = n + 1;
    INSERT INTO routing_minutes SELECT
        'finish', substr(NEW.routed_at, 1, 7), NEW.agency_id, NEW.finish_minutes, 1
    WHERE NEW.routed_at IS NOT NULL AND NEW.finish_minutes IS NOT NULL
    ON CONFLICT (kind, month, agency_id, minutes) DO UPDATE SET n = n + 1;
END;

-- The ragged ends of a period, counted from the routings: an agency's range of this index holds
-- all that the tallies and the minutes need (it replaces migration 0014's three indexes).
DROP INDEX report_agencies_for_stats;
DROP INDEX report_agencies_by_answer;
DROP INDEX report_agencies_by_finish;
CREATE INDEX report_agencies_for_stats ON report_agencies
    (agency_id, routed_at, answered_at, finished_at, ack_by, resolve_by, answer_minutes,
     finish_minutes);

-- The routings not answered (not finished) yet: judged late once their target has passed, so
-- counted against the moment of asking; few of them, read from these indexes.
CREATE INDEX report_agencies_unanswered ON report_agencies (routed_at, agency_id, ack_by)
    WHERE answered_at IS NULL;
CREATE INDEX report_agencies_unfinished ON report_agencies (routed_at, agency_id, resolve_by)
    WHERE finished_at IS NULL;

-- The sensitive categories' reports by area and ward, read from the index alone (no visit to
-- each report): the category index, carrying the area and the ward. It serves every query the
-- index (category, created_at) of migration 0001 served, which it replaces.
CREATE INDEX reports_by_category_place ON reports (category, created_at, area_id, ward);
DROP INDEX reports_by_category;
