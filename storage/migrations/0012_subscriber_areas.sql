-- The areas a subscriber chose (none: the whole district), kept apart from their topics so
-- that a choice of areas made before any topic is not lost. Their subscriptions are the topics
-- times these areas ('*' when there are none); for "near me" these are the areas the pinned
-- circle meets.
CREATE TABLE subscriber_areas (
    chat_id INTEGER NOT NULL REFERENCES subscribers (chat_id) ON DELETE CASCADE,
    area_id TEXT NOT NULL,
    PRIMARY KEY (chat_id, area_id)
);
