"""Tests for the SQLite-backed PTB persistence: everything stored as JSON, nothing pickled."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PersistenceInput,
    filters,
)
from telegram.request import BaseRequest, RequestData

from bot.reporting.draft import Draft
from storage.db import Database
from storage.persistence import SqlitePersistence

RESIDENT = 7391004218  # distinctive: searched for in the raw file bytes
OTHER = 5550001234


class OfflineBotApi(BaseRequest):
    """A Bot API that answers getMe locally and fails any other call."""

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if url.endswith("/getMe"):
            me = {"id": 123, "is_bot": True, "first_name": "Safety", "username": "safety_bot"}
            return 200, json.dumps({"ok": True, "result": me}).encode()
        raise AssertionError(f"test tried to reach the Bot API: {url}")


def _application(
    persistence: SqlitePersistence[Any, Any, Any],
) -> Application[Any, Any, Any, Any, Any, Any]:
    return (
        Application.builder()
        .token("123:abc")
        .request(OfflineBotApi())
        .persistence(persistence)
        .build()
    )


@pytest.fixture
def persistence(db: Database) -> SqlitePersistence[Any, Any, Any]:
    """A persistence on the test database with a bot set, as the Application would."""
    store = SqlitePersistence(db)
    store.set_bot(_application(store).bot)
    return store


async def test_every_kind_of_data_survives_a_reopen(db_path: Path) -> None:
    """User, chat, bot, callback data and conversations read back after closing the file,
    typed values (a draft) among the plain ones."""
    draft = Draft(step="location", category="graffiti", answers={"kinds": ["tag"]})
    callback: Any = ([("uuid-1", 1714555800.0, {"btn": "yes"})], {"cq-1": "uuid-1"})
    async with await Database.open(db_path) as db:
        store = SqlitePersistence(db, kinds=[Draft])
        store.set_bot(_application(store).bot)
        await store.update_user_data(OTHER, {"draft": draft, "seen": [1, "two", None, 2.5]})
        await store.update_chat_data(-100200, {"agency": "police"})
        await store.update_bot_data({"started": True})
        await store.update_callback_data(callback)
        await store.update_conversation("report", (OTHER, OTHER), 3)
        await store.update_conversation("report", (-100200, OTHER), "ASK_WHERE")
        await store.flush()
    async with await Database.open(db_path) as db:
        store = SqlitePersistence(db, kinds=[Draft])
        bot = _application(store).bot
        store.set_bot(bot)
        user_data = await store.get_user_data()
        assert user_data[OTHER]["draft"] == draft
        assert user_data[OTHER]["seen"] == [1, "two", None, 2.5]
        assert await store.get_chat_data() == {-100200: {"agency": "police"}}
        assert await store.get_bot_data() == {"started": True}
        assert await store.get_callback_data() == callback
        assert await store.get_conversations("report") == {
            (OTHER, OTHER): 3,
            (-100200, OTHER): "ASK_WHERE",
        }
        assert await store.get_conversations("other") == {}


async def test_nothing_is_stored_as_a_pickle(db: Database) -> None:
    """Every data row is JSON text; a typed value is stored under its tag and version."""
    store = SqlitePersistence(db, kinds=[Draft])
    await store.update_user_data(OTHER, {"report_draft": Draft(step="when", photos=["f-1"])})
    await store.update_chat_data(OTHER, {"n": 1})
    await store.update_bot_data({"n": 2})
    await store.update_callback_data(([("u", 1.0, {"a": 1})], {"q": "u"}))
    for table in ("ptb_user_data", "ptb_chat_data", "ptb_bot_data", "ptb_callback_data"):
        kinds = await db.fetchall(f"SELECT typeof(data) AS kind, data FROM {table}")  # noqa: S608
        assert [row["kind"] for row in kinds] == ["text"], table
        json.loads(kinds[0]["data"])
    stored = json.loads(await db.fetchvalue("SELECT data FROM ptb_user_data"))
    assert stored["report_draft"]["$type"] == "draft"
    assert stored["report_draft"]["v"] == 1
    assert stored["report_draft"]["photos"] == ["f-1"]


def _stored_draft(**changes: object) -> str:
    draft = {"$type": "draft", **Draft(step="when", description="Blue van, AB12 CDE").to_json()}
    return json.dumps({"report_draft": draft | changes, "lang": "en"})


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (_stored_draft(v=2), "draft of version 2"),
        (_stored_draft(photos="not a list"), "photos: expected list"),
        (_stored_draft(**{"$type": "survey"}), "unknown type 'survey'"),
    ],
)
async def test_a_typed_value_that_cannot_be_read_is_dropped_with_a_warning(
    db: Database, caplog: pytest.LogCaptureFixture, text: str, reason: str
) -> None:
    """Another version, a malformed draft or an unknown type: the value is left out, the rest
    of the row is kept, and the warning says why without what the resident wrote."""
    await db.execute("INSERT INTO ptb_user_data (user_id, data) VALUES (?, ?)", (OTHER, text))
    store = SqlitePersistence(db, kinds=[Draft])
    with caplog.at_level(logging.WARNING, logger="storage.persistence"):
        assert await store.get_user_data() == {OTHER: {"lang": "en"}}
    assert reason in caplog.text
    assert "Blue van" not in caplog.text
    assert str(OTHER) not in caplog.text


@pytest.mark.parametrize("data", [b"\x80\x05\x95 an old pickle", "{not json", "[1, 2]", '"text"'])
async def test_a_row_that_cannot_be_read_gives_empty_data(
    db: Database, caplog: pytest.LogCaptureFixture, data: object
) -> None:
    """A pickle left behind, or text that is not a JSON object, reads as no data, with a
    warning; the bot starts, and the next write replaces the row."""
    await db.execute("INSERT INTO ptb_user_data (user_id, data) VALUES (?, ?)", (OTHER, data))
    await db.execute("INSERT INTO ptb_chat_data (chat_id, data) VALUES (?, ?)", (OTHER, data))
    store = SqlitePersistence(db, kinds=[Draft])
    with caplog.at_level(logging.WARNING, logger="storage.persistence"):
        assert await store.get_user_data() == {OTHER: {}}
        assert await store.get_chat_data() == {OTHER: {}}
    assert "stored user data could not be read" in caplog.text
    assert "stored chat data could not be read" in caplog.text
    await store.update_user_data(OTHER, {"lang": "en"})
    assert await store.get_user_data() == {OTHER: {"lang": "en"}}


async def test_data_json_cannot_hold_unchanged_is_refused(
    persistence: SqlitePersistence[Any, Any, Any], db: Database
) -> None:
    """A key that is not a string, a value of no known kind, or a float JSON cannot write is
    an error at once, and nothing is written."""
    for data, error in [
        ({1: "one"}, "keys must be strings"),
        ({"when": datetime(2026, 1, 1, tzinfo=UTC)}, "datetime cannot be stored as JSON"),
        ({"draft": Draft()}, "Draft cannot be stored as JSON"),  # not given as a kind
        ({"x": float("nan")}, "Out of range float"),
    ]:
        with pytest.raises((TypeError, ValueError), match=error):
            await persistence.update_user_data(7, data)
    assert await db.fetchvalue("SELECT COUNT(*) FROM ptb_user_data") == 0


async def test_empty_store_gives_empty_defaults(
    persistence: SqlitePersistence[Any, Any, Any],
) -> None:
    """A new database yields empty user, chat and bot data and no callback data."""
    assert await persistence.get_user_data() == {}
    assert await persistence.get_chat_data() == {}
    assert await persistence.get_bot_data() == {}
    assert await persistence.get_callback_data() is None


async def test_the_running_bot_is_refused_in_bot_data(
    persistence: SqlitePersistence[Any, Any, Any], db: Database
) -> None:
    """A bot in bot_data is an error, not a pickled placeholder: nothing is pickled now."""
    with pytest.raises(TypeError, match="ExtBot cannot be stored as JSON"):
        await persistence.update_bot_data({"bot": persistence.bot})
    assert await db.fetchvalue("SELECT COUNT(*) FROM ptb_bot_data") == 0


async def test_ended_conversation_is_deleted(
    persistence: SqlitePersistence[Any, Any, Any], db: Database
) -> None:
    """A None state removes the conversation row."""
    await persistence.update_conversation("report", (1, 1), 0)
    await persistence.update_conversation("report", (1, 1), None)
    assert await persistence.get_conversations("report") == {}
    assert await db.fetchvalue("SELECT COUNT(*) FROM ptb_conversations") == 0


async def test_states_that_are_not_int_or_str_are_refused(
    persistence: SqlitePersistence[Any, Any, Any],
) -> None:
    """A state that JSON would not give back unchanged is an error."""
    with pytest.raises(TypeError, match="state must be an int or str"):
        await persistence.update_conversation("report", (1, 1), 1.5)


async def test_drops_and_empty_data_remove_rows(
    persistence: SqlitePersistence[Any, Any, Any], db: Database
) -> None:
    """Dropping data, or storing an empty mapping, leaves no row behind."""
    await persistence.update_user_data(1, {"a": 1})
    await persistence.update_user_data(2, {"a": 1})
    await persistence.update_chat_data(3, {"a": 1})
    await persistence.drop_user_data(1)
    await persistence.update_user_data(2, {})
    await persistence.drop_chat_data(3)
    assert await db.fetchvalue("SELECT COUNT(*) FROM ptb_user_data") == 0
    assert await db.fetchvalue("SELECT COUNT(*) FROM ptb_chat_data") == 0


async def test_saved_state_rolls_back_with_the_callers_transaction(
    persistence: SqlitePersistence[Any, Any, Any], db: Database
) -> None:
    """A state checkpointed inside a failed transaction is not kept."""

    async def checkpoint_then_fail() -> None:
        async with db.transaction():
            await persistence.save_conversation_state("report", (1, 1), "REVIEW")
            raise RuntimeError("submit failed")

    with pytest.raises(RuntimeError, match="submit failed"):
        await checkpoint_then_fail()
    assert await persistence.get_conversations("report") == {}


def _encodings(number: int) -> list[bytes]:
    """Ways an integer can appear in an SQLite file or a pickle."""
    forms = [str(number).encode()]
    for width in (4, 6, 8):
        if number < 1 << (8 * width):
            forms.append(number.to_bytes(width, "big"))
    forms.append(number.to_bytes(5, "little"))  # pickle's LONG1 payload for this size
    return forms


def _raw_bytes(db_path: Path) -> bytes:
    wal = Path(f"{db_path}-wal")
    return db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_purge_user_leaves_no_trace_in_the_file(
    persistence: SqlitePersistence[Any, Any, Any], db: Database, db_path: Path
) -> None:
    """After a purge, the user's id is nowhere in the raw bytes of the file or its WAL."""
    for step in range(3):
        await persistence.update_user_data(RESIDENT, {"me": RESIDENT, "step": step})
        await persistence.update_chat_data(RESIDENT, {"lang": "en", "step": step})
        await persistence.update_conversation("report", (RESIDENT, RESIDENT), step)
        await persistence.update_conversation("news", (RESIDENT, RESIDENT), "TOPIC")
    await persistence.update_user_data(OTHER, {"me": OTHER})
    await persistence.update_conversation("report", (OTHER, OTHER), 1)
    assert any(form in _raw_bytes(db_path) for form in _encodings(RESIDENT))

    await persistence.purge_user(RESIDENT)

    raw = _raw_bytes(db_path)
    assert [form for form in _encodings(RESIDENT) if form in raw] == []
    assert str(OTHER).encode() in raw
    assert await persistence.get_conversations("report") == {(OTHER, OTHER): 1}
    assert await persistence.get_conversations("news") == {}
    assert list(await persistence.get_user_data()) == [OTHER]


ASK_CATEGORY, ASK_WHERE = range(2)


def _conversation(seen: list[str]) -> ConversationHandler[Any]:
    async def start_report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Store an empty draft and ask for the category."""
        assert context.user_data is not None
        context.user_data["draft"] = {}
        seen.append("start")
        return ASK_CATEGORY

    async def store_category(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Store the category and ask where it happened."""
        assert context.user_data is not None
        assert update.message is not None
        context.user_data["draft"]["category"] = update.message.text
        seen.append("category")
        return ASK_WHERE

    async def store_where(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        """Store the place and end the conversation."""
        seen.append("where")
        return ConversationHandler.END

    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("report", start_report)],
        states={
            ASK_CATEGORY: [MessageHandler(text, store_category)],
            ASK_WHERE: [MessageHandler(text, store_where)],
        },
        fallbacks=[],
        name="report",
        persistent=True,
    )


def _update(update_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": 1714555800,
        "chat": {"id": OTHER, "type": "private"},
        "from": {"id": OTHER, "is_bot": False, "first_name": "Ann"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


async def test_a_real_application_resumes_a_conversation_after_restart(db_path: Path) -> None:
    """A PTB Application picks a persisted conversation up where it stopped before restart."""
    seen: list[str] = []
    async with await Database.open(db_path) as db:
        app = _application(SqlitePersistence(db, store_data=PersistenceInput(callback_data=False)))
        app.add_handler(_conversation(seen))
        await app.initialize()
        await app.process_update(Update.de_json(_update(1, "/report"), app.bot))
        await app.process_update(Update.de_json(_update(2, "graffiti"), app.bot))
        await app.update_persistence()
        await app.shutdown()
    assert seen == ["start", "category"]

    async with await Database.open(db_path) as db:
        store = SqlitePersistence(db, store_data=PersistenceInput(callback_data=False))
        assert await store.get_conversations("report") == {(OTHER, OTHER): ASK_WHERE}
        app = _application(store)
        app.add_handler(_conversation(seen))
        await app.initialize()
        assert app.user_data[OTHER]["draft"] == {"category": "graffiti"}
        await app.process_update(Update.de_json(_update(3, "Hatfield Road"), app.bot))
        await app.update_persistence()
        await app.shutdown()
        assert seen == ["start", "category", "where"]
        assert await store.get_conversations("report") == {}


async def test_checkpoint_writes_state_and_data_together(tmp_path: Path) -> None:
    """A checkpoint commits the conversation state, user data and chat data as one, and they
    survive a reopen of the database."""
    path = tmp_path / "bot.sqlite3"
    async with await Database.open(path) as db:
        persistence: SqlitePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]
        persistence = SqlitePersistence(db)
        await persistence.checkpoint(
            "report", (5, 7), "where", user=(7, {"draft": [1, 2]}), chat=(5, {"seen": True})
        )
        async with db.transaction():
            with pytest.raises(RuntimeError):
                await persistence.checkpoint("report", (5, 7), "when")
    async with await Database.open(path) as db:
        persistence = SqlitePersistence(db)
        assert await persistence.get_conversations("report") == {(5, 7): "where"}
        assert await persistence.get_user_data() == {7: {"draft": [1, 2]}}
        assert await persistence.get_chat_data() == {5: {"seen": True}}


async def test_a_checkpoint_writes_what_changed_and_deletes_what_ended(tmp_path: Path) -> None:
    """Later checkpoints change one slot or several at once, and an ended conversation with
    emptied data leaves no rows behind."""
    path = tmp_path / "bot.sqlite3"
    async with await Database.open(path) as db:
        persistence: SqlitePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]
        persistence = SqlitePersistence(db)
        await persistence.checkpoint("report", (5, 7), "where", user=(7, {"draft": 1}))
        await persistence.checkpoint("report", (5, 7), "where", user=(7, {"draft": 2}))
        assert await persistence.get_user_data() == {7: {"draft": 2}}
        await persistence.checkpoint(
            "report", (5, 7), "when", user=(7, {"draft": 3}), chat=(5, {"seen": 1})
        )
    async with await Database.open(path) as db:
        persistence = SqlitePersistence(db)
        assert await persistence.get_conversations("report") == {(5, 7): "when"}
        assert await persistence.get_user_data() == {7: {"draft": 3}}
        assert await persistence.get_chat_data() == {5: {"seen": 1}}
        await persistence.checkpoint("report", (5, 7), None, user=(7, {}), chat=(5, {}))
        assert await persistence.get_conversations("report") == {}
        assert await persistence.get_user_data() == {}
        assert await persistence.get_chat_data() == {}


async def test_a_checkpoint_is_all_or_nothing(
    persistence: SqlitePersistence[Any, Any, Any],
) -> None:
    """When one slot of a checkpoint cannot be written, none of it is, and the slots written
    before are still written next time."""
    await persistence.checkpoint("report", (5, 7), "where", user=(7, {"draft": 1}))
    not_an_id: Any = "seven"  # the user_data table takes integer ids only
    with pytest.raises(Exception, match="mismatch"):
        await persistence.checkpoint(
            "report", (5, 7), "when", user=(not_an_id, {"draft": 2}), chat=(5, {"seen": 1})
        )
    assert await persistence.get_conversations("report") == {(5, 7): "where"}
    assert await persistence.get_chat_data() == {}
    await persistence.checkpoint("report", (5, 7), "when", chat=(5, {"seen": 1}))
    assert await persistence.get_conversations("report") == {(5, 7): "when"}
    assert await persistence.get_chat_data() == {5: {"seen": 1}}


async def test_a_bot_in_user_data_is_refused(
    persistence: SqlitePersistence[Any, Any, Any],
) -> None:
    """Data holding the running bot is an error, and the user's earlier data stays as it was."""
    await persistence.update_user_data(7, {"draft": [1]})
    with pytest.raises(TypeError, match="ExtBot cannot be stored as JSON"):
        await persistence.update_user_data(7, {"bot": persistence.bot, "draft": [1]})
    assert await persistence.get_user_data() == {7: {"draft": [1]}}
