"""Erasure and /mydata over every table that names a resident, on a real SQLite file: news
choices and deliveries, reports followed, daily counters and a refused button press."""

from __future__ import annotations

import json
import struct
from datetime import timedelta
from pathlib import Path

from bot.privacy.service import PrivacyService
from storage.db import Database
from storage.keyring import resident_key
from storage.reports import NewReport, ReportRepository
from storage.residents import ResidentCounterRepository
from storage.subscribers import NearPoint, StoredChoice, SubscriberRepository
from storage.timestamps import to_db, utc_now
from tests.support.configs import default_config

KEY = b"k" * 32
RESIDENT = 666555444333
NEIGHBOUR = 111222333444
NEAR_LATITUDE = 51.80417  # the "near me" point: stored as an 8-byte float
NOW = utc_now().replace(microsecond=0)


def _file_bytes(path: Path) -> bytes:
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_erasure_clears_news_follows_counters_and_actors_and_keeps_others(
    db: Database, database_path: Path
) -> None:
    """The resident's news choices (topics, areas, quiet hours, the near-me point), news
    deliveries, follows (with the details they added), counters and refused presses go, and
    their id with them; the neighbour's report they followed stays as it was, and /mydata
    showed all of it before (the neighbour's words not)."""
    reports = ReportRepository(db)
    neighbours = await reports.create(
        NewReport(
            ref="NBR-001",
            category="graffiti",
            created_at=NOW - timedelta(days=1),
            description="The neighbour's own account",
            reporter_chat_id=NEIGHBOUR,
        ),
        actor="resident",
    )
    await reports.add_follower(
        neighbours.id, RESIDENT, at=NOW, detail={"description": "I saw it too, on Monday"}
    )
    await reports.add_event(neighbours.id, actor=f"telegram:{RESIDENT}", kind="refused", at=NOW)
    near = NearPoint(NEAR_LATITUDE, -0.27731, 1000)
    choice = StoredChoice(("crime-alerts",), ("wheathampstead-sandridge",), near, "off")
    await SubscriberRepository(db).save_choice(RESIDENT, choice, now=NOW)
    item = await _news_item_sent_to(db, [RESIDENT, NEIGHBOUR])
    await ResidentCounterRepository(db).increment(resident_key(KEY, RESIDENT), "2026-12-01")
    privacy = PrivacyService(default_config(), db, KEY)

    held = json.loads(await privacy.my_data(RESIDENT, RESIDENT, None, NOW))
    holding = await privacy.holding(RESIDENT)
    done = await privacy.forget(RESIDENT, RESIDENT, keep_open=True, now=NOW)
    after = json.loads(await privacy.my_data(RESIDENT, RESIDENT, None, NOW))

    (followed,) = held["reports_you_follow"]
    assert followed["reference"] == "NBR-001"
    assert followed["details_you_added"] == {"description": "I saw it too, on Monday"}
    assert "The neighbour's own account" not in json.dumps(held)
    assert held["news"]["subscriptions"] == [
        {"topic": "crime-alerts", "area": "wheathampstead-sandridge"}
    ]
    assert held["news"]["areas"] == ["wheathampstead-sandridge"]
    assert (held["news"]["near_latitude"], held["news"]["near_radius_m"]) == (NEAR_LATITUDE, 1000)
    assert held["news"]["quiet_hours"] == "off"
    assert [n["news_item"] for n in held["news"]["news_sent"]] == [item]
    assert held["reports_made_per_day"] == {"2026-12-01": 1}
    assert holding.followed == 1
    assert holding.subscribed
    assert (done.unfollowed, done.subscriptions) == (1, 1)
    assert after["reports_you_follow"] == []
    assert after["news"] is None
    assert after["reports_made_per_day"] == {}
    kept = await reports.get(neighbours.id)
    assert kept is not None
    assert (kept.description, kept.reporter_chat_id) == ("The neighbour's own account", NEIGHBOUR)
    assert await reports.followers(neighbours.id) == []
    remaining = await db.fetchall("SELECT chat_id FROM broadcast_deliveries")
    assert [row["chat_id"] for row in remaining] == [NEIGHBOUR]
    raw = _file_bytes(database_path)
    for form in (str(RESIDENT).encode(), RESIDENT.to_bytes(6, "big"), RESIDENT.to_bytes(8, "big")):
        assert form not in raw
    assert b"I saw it too" not in raw
    assert struct.pack(">d", NEAR_LATITUDE) not in raw
    assert resident_key(KEY, RESIDENT).encode() not in raw


async def _news_item_sent_to(db: Database, chats: list[int]) -> int:
    """A news item with a delivery row per chat, in whichever shape the broadcast tables have
    (migration 0001's, or the items that replace them)."""
    columns = {row["name"] for row in await db.fetchall("PRAGMA table_info(broadcasts)")}
    if "token" in columns:
        made = await db.execute(
            "INSERT INTO broadcasts (token, html, topics, target, state, created_by, created_at)"
            " VALUES ('t1', 'Safer streets', '[\"crime-alerts\"]', 'district', 'done', 900001, ?)",
            (to_db(NOW),),
        )
    else:
        made = await db.execute(
            "INSERT INTO broadcasts (title, body, topic_id, state, created_by, created_at)"
            " VALUES ('Safer streets', '...', 'crime-alerts', 'done', 900001, ?)",
            (to_db(NOW),),
        )
    await db.executemany(
        "INSERT INTO broadcast_deliveries (broadcast_id, chat_id, state) VALUES (?, ?, 'sent')",
        [(made.inserted_id, chat) for chat in chats],
    )
    return made.inserted_id
