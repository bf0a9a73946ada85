-- Every persistence write (a conversation's state, a user's, a chat's or the bot's data) is an
-- INSERT of a row per slot into this view, which its trigger spreads over the persistence
-- tables, rewriting only rows that change. A checkpoint writes its slots in one statement,
-- atomic on its own, so it needs no BEGIN and COMMIT. A row's value of NULL deletes that slot.
CREATE VIEW ptb_slot_writes (kind, name, slot_key, value) AS
    SELECT NULL, NULL, NULL, NULL WHERE 0;

CREATE TRIGGER ptb_slot_write INSTEAD OF INSERT ON ptb_slot_writes
BEGIN
    DELETE FROM ptb_conversations
        WHERE NEW.kind = 'conversation' AND NEW.value IS NULL
        AND name = NEW.name AND conversation_key = NEW.slot_key;
    INSERT INTO ptb_conversations (name, conversation_key, state)
        SELECT NEW.name, NEW.slot_key, NEW.value
        WHERE NEW.kind = 'conversation' AND NEW.value IS NOT NULL
        ON CONFLICT (name, conversation_key) DO UPDATE SET state = excluded.state
        WHERE ptb_conversations.state <> excluded.state;
    DELETE FROM ptb_user_data
        WHERE NEW.kind = 'user' AND NEW.value IS NULL AND user_id = NEW.slot_key;
    INSERT INTO ptb_user_data (user_id, data)
        SELECT NEW.slot_key, NEW.value
        WHERE NEW.kind = 'user' AND NEW.value IS NOT NULL
        ON CONFLICT (user_id) DO UPDATE SET data = excluded.data
        WHERE ptb_user_data.data <> excluded.data;
    DELETE FROM ptb_chat_data
        WHERE NEW.kind = 'chat' AND NEW.value IS NULL AND chat_id = NEW.slot_key;
    INSERT INTO ptb_chat_data (chat_id, data)
        SELECT NEW.slot_key, NEW.value
        WHERE NEW.kind = 'chat' AND NEW.value IS NOT NULL
        ON CONFLICT (chat_id) DO UPDATE SET data = excluded.data
        WHERE ptb_chat_data.data <> excluded.data;
    INSERT INTO ptb_bot_data (id, data)
        SELECT NEW.slot_key, NEW.value
        WHERE NEW.kind = 'bot' AND NEW.value IS NOT NULL
        ON CONFLICT (id) DO UPDATE SET data = excluded.data
        WHERE ptb_bot_data.data <> excluded.data;
END;
