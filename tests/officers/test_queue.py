"""/queue's words over a real SQLite file: the admins' queue of every agency, oldest first and
grouped by agency, sensitive reports by reference, area and priority only; and every queue
split into messages under Telegram's limit without losing or breaking a line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Config, default_config_text, parse_config
from bot.officers.queue import split
from bot.officers.service import OfficerService
from storage.db import Database
from storage.reports import NewReport, ReportRepository
from storage.routings import RoutingRepository

NOW = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
CONFIG: Config = parse_config(default_config_text(), base_dir=Path("."))
ADMIN = CONFIG.admins.user_ids[0]
WASTE, POLICE = CONFIG.agency("sadc-waste"), CONFIG.agency("herts-police-hate")
TELEGRAM_LIMIT = 4096


async def _report(
    db: Database,
    ref: str,
    category: str,
    agency: str,
    *,
    hours_ago: float,
    ward: str | None = None,
    location_text: str | None = None,
    description: str = "",
) -> None:
    """A report made ``hours_ago`` before NOW and routed to ``agency``."""
    created = NOW - timedelta(hours=hours_ago)
    new = NewReport(
        ref=ref,
        category=category,
        created_at=created,
        ward=ward,
        location_text=location_text,
        description=description,
    )
    report = await ReportRepository(db).create(new, actor="resident")
    await RoutingRepository(db).route_to(report.id, agency, at=created)


async def test_the_admins_queue_groups_agencies_oldest_first_and_hides_sensitive_details(
    tmp_path: Path,
) -> None:
    """Agencies in the configuration's order, each one's reports oldest first; a hate incident
    shows its reference, ward and priority, not its category, place or description."""
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        await _report(db, "NEW-111", "fly-tipping", WASTE.id, hours_ago=1)
        await _report(db, "OLD-222", "fly-tipping", WASTE.id, hours_ago=30)
        await _report(
            db,
            "HAT-333",
            "hate-incident",
            POLICE.id,
            hours_ago=2,
            ward="Marshalswick East & Jersey Farm",
            location_text="outside number 12",
            description="they shouted at my neighbour",
        )
        listed = await OfficerService(CONFIG, db).queues(
            ADMIN, ADMIN, NOW, private=True, limit=TELEGRAM_LIMIT
        )
    assert listed is not None
    (text,) = listed
    names = [agency.name for agency in CONFIG.agencies]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert text.index("OLD-222") < text.index("NEW-111") < text.index(POLICE.name)
    hate = [line for line in text.splitlines() if "HAT-333" in line]
    assert hate == ["• HAT-333: sensitive, Marshalswick East &amp; Jersey Farm, normal priority"]
    for detail in ("Hate incident", "number 12", "neighbour"):
        assert detail not in text


async def test_a_user_who_is_neither_admin_nor_officer_gets_no_queue(tmp_path: Path) -> None:
    """Anyone else, and an admin outside a private chat, is given no queue."""
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        officers = OfficerService(CONFIG, db)
        nobody = await officers.queues(5555, 5555, NOW, private=True, limit=TELEGRAM_LIMIT)
        in_a_group = await officers.queues(-1009, ADMIN, NOW, private=False, limit=TELEGRAM_LIMIT)
    assert (nobody, in_a_group) == (None, None)


@pytest.mark.parametrize("limit", [TELEGRAM_LIMIT, 700])
async def test_a_long_queue_is_split_below_the_limit_losing_nothing(
    tmp_path: Path, limit: int
) -> None:
    """Two hundred open reports: messages within the limit, every report once and in order, and
    a message that carries on an agency's list starts with its heading, marked continued."""
    refs = [f"R{n:03d}-AAA" for n in range(200)]
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        for n, ref in enumerate(refs):
            agency = WASTE.id if n % 2 else POLICE.id
            category = "fly-tipping" if n % 2 else "hate-incident"
            await _report(db, ref, category, agency, hours_ago=400 - n)
        listed = await OfficerService(CONFIG, db).queues(
            ADMIN, ADMIN, NOW, private=True, limit=limit
        )
    assert listed is not None
    assert len(listed) > 1
    assert all(len(text.encode("utf-16-le")) // 2 <= limit for text in listed)
    lines = [line for text in listed for line in text.splitlines()]
    assert [line.split(":")[0][2:] for line in lines if line.startswith("• ")] == [
        *refs[1::2],
        *refs[::2],
    ]
    for text in listed[1:]:
        first = text.splitlines()[0]
        assert first.startswith("<b>"), first
    continued = [text.splitlines()[0] for text in listed[1:]]
    assert any(
        line.startswith(f"<b>{WASTE.name}</b>") and "(continued)" in line for line in continued
    )


def test_split_keeps_blocks_apart_and_never_ends_a_message_with_a_heading() -> None:
    """Blocks are a blank line apart; a heading whose first line does not fit moves on with it."""
    blocks = [("<b>A</b>", ["a1", "a2"]), ("<b>B</b>", ["b" * 20]), ("<b>C</b>: none", [])]
    assert split(blocks, 1000) == [
        "<b>A</b>\na1\na2\n\n<b>B</b>\n" + "b" * 20 + "\n\n<b>C</b>: none"
    ]
    assert split(blocks, 30) == [
        "<b>A</b>\na1\na2",
        "<b>B</b>\n" + "b" * 20,
        "<b>C</b>: none",
    ]
    lines = [f"line {n:5d}" for n in range(3)]  # ten characters each
    assert split([("A", lines)], 24) == [f"A\n{lines[0]}\n{lines[1]}", f"A (continued)\n{lines[2]}"]
