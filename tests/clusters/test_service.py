"""The clusters kept and announced, over a real SQLite file: announced once through the outbox
(map and message, to the admins' chat and the agency's), updated as the cluster grows, never
again after a restart; muted areas stay quiet; a sensitive category stays with its agency;
reports closed as duplicates count once; only admins and the agency's officers may press."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Config
from bot.geo.metric import METRES_PER_DEGREE
from bot.insight.clusters import ClusterService
from storage.bulk import BulkRouting
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.routings import RoutingRepository
from tests.insight.conftest import areas_of, config, report, store

NOW = datetime(2026, 6, 10, 12, tzinfo=UTC)
LANE = (51.7527, -0.3394)  # St Peter's Street, St Albans
ADMINS = str(config().admins.chat_id)
WASTE = config().agency("sadc-waste")
HATE = config().agency("herts-police-hate")
ADMIN = config().admins.user_ids[0]


def _near(
    rng: random.Random, metres: float, centre: tuple[float, float] = LANE
) -> tuple[float, float]:
    angle, distance = rng.uniform(0, 2 * math.pi), metres * math.sqrt(rng.random())
    scale = METRES_PER_DEGREE * math.cos(math.radians(centre[0]))
    return (
        centre[0] + distance * math.sin(angle) / METRES_PER_DEGREE,
        centre[1] + distance * math.cos(angle) / scale,
    )


async def _history(db: Database, rng: random.Random) -> None:
    """A quiet year of fly tipping and hate incidents over the district."""
    reports = []
    for i in range(400):
        at = NOW - timedelta(days=8 + i * 0.9)
        category, agency = ("hate-incident", HATE.id) if i % 8 == 0 else ("fly-tipping", WASTE.id)
        point = (rng.uniform(51.69, 51.84), rng.uniform(-0.43, -0.25))
        reports.append(
            report(category, at, area="st-albans-city", point=point, routings=[BulkRouting(agency)])
        )
    await store(db, reports)


async def _lane(
    db: Database,
    rng: random.Random,
    count: int,
    *,
    category: str = "fly-tipping",
    agency: str = WASTE.id,
    hours_ago: float = 100,
) -> None:
    """``count`` reports within 400 m of the lane, the last few days."""
    await store(
        db,
        [
            report(
                category,
                NOW - timedelta(hours=hours_ago - i * 10),
                area="st-albans-city",
                point=_near(rng, 400),
                routings=[BulkRouting(agency)],
                description="ignored",
            )
            for i in range(count)
        ],
    )


async def _items(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.fetchall(
        "SELECT kind, target, dedupe_key FROM outbox WHERE dedupe_key LIKE 'cluster:%' ORDER BY id"
    )
    return [(r[0], r[1], r[2]) for r in rows]


def _service(db: Database, chosen: Config | None = None) -> ClusterService:
    return ClusterService(chosen or config(), db, areas_of())


async def test_a_cluster_is_announced_once_grows_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    rng = random.Random(7)
    async with await Database.open(path) as db:
        await _history(db, rng)
        await _lane(db, rng, 5)
        service = _service(db)
        assert await service.scan(NOW) == 1
        items = await _items(db)
        # A map and the announcement, to the admins' chat and to the waste team's.
        assert [(kind, target) for kind, target, _ in items] == [
            ("photo", ADMINS),
            ("message", ADMINS),
            ("photo", str(WASTE.chat_id)),
            ("message", str(WASTE.chat_id)),
        ]
        text = await db.fetchvalue(
            "SELECT json_extract(payload, '$.text') FROM outbox WHERE kind = 'message'"
            " AND target = ? AND dedupe_key LIKE 'cluster:%'",
            (ADMINS,),
        )
        assert "Emerging cluster: Fly tipping" in text
        assert "5 reports within 500 m of" in text
        assert "ignored" not in text
        assert await service.scan(NOW) == 0  # the same five: nothing new
        outbox = OutboxRepository(db)
        for item_id in [
            r[0]
            for r in await db.fetchall(
                "SELECT id FROM outbox WHERE kind = 'message' AND dedupe_key LIKE 'cluster:%'"
            )
        ]:
            await outbox.mark_sent(item_id, now=NOW, result={"message_id": 700 + item_id})
    async with await Database.open(path) as db:  # a restart: a new service over the same file
        service = _service(db)
        assert await service.scan(NOW) == 0
        assert len(await _items(db)) == 4
        await _lane(db, rng, 2, hours_ago=20)
        assert await service.scan(NOW) == 1  # it grew to 7: the announcements are edited
        edits = [i for i in await _items(db) if i[0] == "edit"]
        assert sorted(t for _, t, _ in edits) == sorted([ADMINS, str(WASTE.chat_id)])
        text = await db.fetchvalue(
            "SELECT json_extract(payload, '$.text') FROM outbox WHERE kind = 'edit' AND target = ?",
            (ADMINS,),
        )
        assert "7 reports within 500 m" in text
        assert await db.fetchvalue("SELECT COUNT(*) FROM clusters") == 1


async def test_a_muted_area_and_category_stay_quiet(db: Database) -> None:
    """A mute from the button: a new cluster there is kept but not announced; the mute is the
    admins' or the agency's, not anyone's."""
    rng = random.Random(8)
    await _history(db, rng)
    await _lane(db, rng, 5)
    service = _service(db)
    await service.scan(NOW)
    cluster_id = await db.fetchvalue("SELECT id FROM clusters")
    refused = await service.press(
        cluster_id, "mute", 7, name="Passer-by", is_admin=False, agencies=["sadc-asb"], now=NOW
    )
    assert "Only the partnership's admins" in refused.toast
    answer = await service.press(
        cluster_id, "mute", 7, name="Ann Admin", is_admin=True, agencies=[], now=NOW
    )
    assert answer.reply is not None
    assert "until" in answer.reply
    await db.execute("DELETE FROM clusters")  # as if it had never been found
    before = len(await _items(db))
    assert await service.scan(NOW) == 1
    assert len(await _items(db)) == before
    assert await db.fetchvalue("SELECT muted FROM clusters") == 1


async def test_a_sensitive_cluster_stays_with_its_agency(db: Database) -> None:
    """Hate incidents: only the police hate crime team's chat hears, with the area and no map
    or street; the admins are not told and cannot press its buttons."""
    rng = random.Random(9)
    await _history(db, rng)
    await _lane(db, rng, 5, category="hate-incident", agency=HATE.id)
    service = _service(db)
    assert await service.scan(NOW) == 1
    items = await _items(db)
    assert [(kind, target) for kind, target, _ in items] == [("message", str(HATE.chat_id))]
    text = await db.fetchvalue(
        "SELECT json_extract(payload, '$.text') FROM outbox WHERE dedupe_key LIKE 'cluster:%'"
    )
    assert "Hate incident" in text
    assert "within 500 m" not in text
    cluster_id = await db.fetchvalue("SELECT id FROM clusters")
    admin = await service.press(
        cluster_id, "list", 0, name="Ann Admin", is_admin=True, agencies=[], now=NOW
    )
    assert admin.reply is None
    officer = await service.press(
        cluster_id, "ack", 0, name="PC Lee", is_admin=False, agencies=[HATE.id], now=NOW
    )
    assert officer.text is not None
    assert "Acknowledged by PC Lee" in officer.text
    again = await service.press(
        cluster_id, "ack", 0, name="PC Other", is_admin=False, agencies=[HATE.id], now=NOW
    )
    assert again.text is None
    assert "PC Lee" in again.toast


async def test_a_report_closed_as_a_duplicate_counts_once(db: Database) -> None:
    """Five reports, one of them closed by the officer as a duplicate of another: four
    separate reports, no cluster."""
    rng = random.Random(10)
    await _history(db, rng)
    await _lane(db, rng, 5)
    newest = await db.fetchvalue("SELECT MAX(id) FROM reports")
    await RoutingRepository(db).set_agency_state(newest, WASTE.id, "closed_duplicate", at=NOW)
    assert await _service(db).scan(NOW) == 0
    assert await db.fetchvalue("SELECT COUNT(*) FROM clusters") == 0
