"""Migration 0006 on real SQLite files written as the previous version wrote them: pickled
PTB data becomes JSON, the residents' drafts readable again, and nothing a pickle names beyond
plain data, datetimes and the draft's classes is ever looked up or run."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.reporting.draft import Draft, Location
from storage.db import Database
from storage.migrate import apply_migrations, load_migrations
from storage.migrations.m0006_drafts_to_json import migrate
from storage.persistence import SqlitePersistence

RESIDENT = 7391004218
OTHER = 5550001234

# {"report_draft": _halfway()} pickled by the previous version's persistence (commit 497ab04:
# pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)), frozen here so that this test keeps
# reading the old bytes however the Draft class changes later.
PICKLED_BY_497AB04 = bytes.fromhex(
    "8005952d020000000000007d948c0c7265706f72745f6472616674948c13626f742e7265706f7274696e672e"
    "6472616674948c0544726166749493942981944e7d94288c0473746570948c086c6f636174696f6e948c0863"
    "617465676f7279948c086772616666697469948c07616e7377657273947d94288c096f6666656e7369766594"
    "8c026e6f948c056b696e6473945d94288c03746167948c056d7572616c94658c07736b6970706564944e7568"
    "084e8c0963616e6469646174659468028c084c6f636174696f6e9493942981945d9428474049e147ae147ae1"
    "47bfd51eb851eb851f8c0d486f6c7977656c6c2048696c6c948c0465646765944e8c09537420416c62616e73"
    "944e8965628c0b6f636375727265645f6174948c086461746574696d65948c086461746574696d6594939443"
    "0a07ea0b18091e0000000094681d8c0874696d657a6f6e65949394681d8c0974696d6564656c74619493944b"
    "004b004b008794529485945294869452948c0e6f636375727265645f6c6162656c948c0f4e6f77206f72206a"
    "757374206e6f77948c0b6465736372697074696f6e948c124120746167206f6e207468652062656e6368948c"
    "0670686f746f73945d948c0666696c652d3194618c09616e6f6e796d6f757394898c0570686f6e65944e8c07"
    "686973746f7279945d94288c09656d657267656e63799468098c127175657374696f6e3a6f6666656e736976"
    "6594658c09726576696577696e6794898c0a6475706c696361746573945d944b0c6175869462732e"
)


def _halfway() -> Draft:
    """A resident at the location question, with answers, a time and the rest."""
    return Draft(
        step="location",
        category="graffiti",
        answers={"offensive": "no", "kinds": ["tag", "mural"], "skipped": None},
        candidate=Location(51.76, -0.33, "Holywell Hill", "edge", nearest_place="St Albans"),
        occurred_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        occurred_label="Now or just now",
        description="A tag on the bench",
        photos=["file-1"],
        anonymous=False,
        history=["emergency", "category", "question:offensive"],
        duplicates=[12],
    )


def _reviewing() -> Draft:
    """A draft with every part filled in, as at the review."""
    return Draft(
        step="review",
        category="fly_tipping",
        answers={"what": ["sofa"], "blocking": "yes"},
        location=Location(
            51.7527, -0.3394, "Shared location", "inside", "Cunningham", "St Albans", "SADC", True
        ),
        occurred_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        occurred_label="Yesterday (Monday 23 November)",
        description="Sofa on the verge",
        photos=["file-1", "file-2"],
        anonymous=True,
        phone="+44 1727 000000",
        history=["emergency", "category", "location", "when"],
        reviewing=True,
    )


# Draft fields added after the previous version, which its pickles do not have.
NEWER_DRAFT_FIELDS = frozenset({"token"})


class _PreviousPickler(pickle.Pickler):
    """Pickles a draft as the previous version's Draft class did: without the newer fields."""

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is not Draft:
            return NotImplemented
        function, arguments, (state, slots), *_ = obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)
        kept = {name: value for name, value in slots.items() if name not in NEWER_DRAFT_FIELDS}
        return function, arguments, (state, kept)


def _old_dump(data: object) -> bytes:
    """The previous version's way to store data (storage/persistence.py at 497ab04:
    ``pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)``), its drafts as its class was."""
    out = io.BytesIO()
    _PreviousPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(data)
    return out.getvalue()


async def _old_database(path: Path, rows: list[tuple[str, int, bytes]]) -> None:
    """A database at the previous version's schema (migrations 1 to 4), with pickled slots
    written through the previous version's write path, and the residents' conversations."""
    path.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await apply_migrations(conn, [m for m in load_migrations() if m.version <= 4])
        for kind, key, blob in rows:
            await conn.execute(
                "INSERT INTO ptb_slot_writes (kind, name, slot_key, value) VALUES (?, NULL, ?, ?)",
                (kind, key, blob),
            )
        for user in (RESIDENT, OTHER):
            await conn.execute(
                "INSERT INTO ptb_conversations (name, conversation_key, state) VALUES (?, ?, ?)",
                ("report", json.dumps([user, user], separators=(",", ":")), '"location"'),
            )


async def _stored(db: Database, table: str) -> list[tuple[str, str]]:
    rows = await db.fetchall(f"SELECT typeof(data) AS kind, data FROM {table}")  # noqa: S608
    return [(row["kind"], row["data"]) for row in rows]


def test_the_frozen_bytes_are_what_the_previous_code_writes() -> None:
    """The Draft class still pickles as the frozen bytes say (same module path and fields),
    so the drafts built below are pickled exactly as the previous version pickled them."""
    assert _old_dump({"report_draft": _halfway()}) == PICKLED_BY_497AB04


async def test_a_resident_halfway_through_a_report_keeps_their_draft(db_path: Path) -> None:
    """Drafts pickled by the previous version read back, every field equal, as typed drafts
    stored as versioned JSON; the conversations are untouched."""
    await _old_database(
        db_path,
        [
            ("user", RESIDENT, PICKLED_BY_497AB04),
            ("user", OTHER, _old_dump({"report_draft": _reviewing(), "lang": "en"})),
        ],
    )
    async with await Database.open(db_path) as db:
        assert [kind for kind, _ in await _stored(db, "ptb_user_data")] == ["text", "text"]
        store = SqlitePersistence(db, kinds=[Draft])
        assert await store.get_user_data() == {
            RESIDENT: {"report_draft": _halfway()},
            OTHER: {"report_draft": _reviewing(), "lang": "en"},
        }
        assert await store.get_conversations("report") == {
            (RESIDENT, RESIDENT): "location",
            (OTHER, OTHER): "location",
        }
        stored = json.loads(
            await db.fetchvalue("SELECT data FROM ptb_user_data WHERE user_id = ?", (RESIDENT,))
        )
    # The step writes version 1 as it was before drafts had tokens (one is made when read).
    written = {key: value for key, value in _halfway().to_json().items() if key != "token"}
    assert stored == {"report_draft": {"$type": "draft", **written}}


class _Runs:
    """An object whose unpickling would create a file, were its callable ever looked up."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def _with_bot_placeholder(data: dict[str, object], bot: object) -> bytes:
    """As the previous version pickled data holding its Bot: a persistent id in its place."""

    class BotPickler(pickle.Pickler):
        def persistent_id(self, obj: object) -> str | None:
            return "safetybot:the-running-bot" if obj is bot else None

    buffer = io.BytesIO()
    BotPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(data)
    return buffer.getvalue()


async def test_what_is_not_plain_data_is_dropped_and_never_run(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A value naming any other class is dropped, its callable never looked up; the rest of
    its row is kept; a row left with nothing, or damaged, is deleted. The warnings name the
    class, never what the resident wrote."""
    marker = tmp_path / "ran"
    bot = object()
    await _old_database(
        db_path,
        [
            ("user", RESIDENT, _old_dump({"report_draft": _halfway(), "evil": _Runs(marker)})),
            ("user", OTHER, _old_dump({"evil": [_Runs(marker)]})),
            ("user", 42, _with_bot_placeholder({"bot": bot, "n": 1}, bot)),
            ("user", 43, PICKLED_BY_497AB04[:-40]),
            ("user", 44, _old_dump(["not", "a", "mapping"])),
            ("user", 45, _old_dump({"seen": {1, 2}, "at": datetime(2026, 1, 1, tzinfo=UTC)})),
        ],
    )
    with caplog.at_level(logging.WARNING, logger="storage.migrations.m0006_drafts_to_json"):
        async with await Database.open(db_path) as db:
            store = SqlitePersistence(db, kinds=[Draft])
            user_data = await store.get_user_data()
    assert not marker.exists()
    assert user_data == {RESIDENT: {"report_draft": _halfway()}, 42: {"n": 1}}
    assert "pathlib.Path.touch" in caplog.text
    assert "it held set" in caplog.text
    assert "it held datetime" in caplog.text
    assert "could not be unpickled" in caplog.text
    assert "was not a mapping" in caplog.text
    for private in ("A tag on the bench", "Holywell Hill", str(RESIDENT)):
        assert private not in caplog.text


async def test_chat_bot_and_callback_data_are_converted_too(db_path: Path) -> None:
    """Every pickled slot becomes JSON, so nothing pickled remains in the file."""
    callback = ([("uuid-1", 1714555800.0, {"btn": "yes"})], {"cq-1": "uuid-1"})
    await _old_database(
        db_path,
        [
            ("chat", -100200, _old_dump({"agency": "police", "seen": (1, 2)})),
            ("bot", 1, _old_dump({"started": True})),
        ],
    )
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        await conn.execute(
            "INSERT INTO ptb_callback_data (id, data) VALUES (1, ?)", (_old_dump(callback),)
        )
    async with await Database.open(db_path) as db:
        store = SqlitePersistence(db)
        assert await store.get_chat_data() == {-100200: {"agency": "police", "seen": [1, 2]}}
        assert await store.get_bot_data() == {"started": True}
        assert await store.get_callback_data() == callback
        for table in ("ptb_user_data", "ptb_chat_data", "ptb_bot_data", "ptb_callback_data"):
            assert all(kind == "text" for kind, _ in await _stored(db, table)), table


async def test_running_the_step_again_changes_nothing(db_path: Path) -> None:
    """Run a second time (as if its record were lost), the step finds no pickle and leaves
    every row as it was; reopening the file does not run it again."""
    await _old_database(db_path, [("user", RESIDENT, PICKLED_BY_497AB04)])
    async with await Database.open(db_path) as db:
        first = await _stored(db, "ptb_user_data")
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        await conn.execute("BEGIN IMMEDIATE")
        await migrate(conn)
        await conn.execute("COMMIT")
    async with await Database.open(db_path) as db:
        assert await _stored(db, "ptb_user_data") == first
        assert await db.fetchvalue("SELECT COUNT(*) FROM schema_migrations WHERE version = 6") == 1


async def test_racing_processes_convert_an_old_file_once(db_path: Path) -> None:
    """Several connections opening the old file at once all succeed; the step runs once."""
    await _old_database(
        db_path,
        [("user", RESIDENT, PICKLED_BY_497AB04), ("user", OTHER, _old_dump({"n": 1}))],
    )
    databases = await asyncio.gather(*(Database.open(db_path) for _ in range(4)))
    try:
        for db in databases:
            store = SqlitePersistence(db, kinds=[Draft])
            assert await store.get_user_data() == {
                RESIDENT: {"report_draft": _halfway()},
                OTHER: {"n": 1},
            }
        count = await databases[0].fetchvalue(
            "SELECT COUNT(*) FROM schema_migrations WHERE version = 6"
        )
    finally:
        for db in databases:
            await db.close()
    assert count == 1
