"""The retention job on a real SQLite file with a fixed clock: what it anonymises, deletes and
removes, its counts and log line, and that a second run (after a restart, say) finds nothing."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import PersistenceInput

from bot.emulator import EmulatorClient
from bot.emulator.client import buttons
from bot.privacy.service import PrivacyService
from bot.reporting.draft import Draft
from storage.db import Database
from storage.persistence import SqlitePersistence
from storage.reports import NewReport, Report, ReportRepository
from storage.routings import RoutingRepository
from storage.timestamps import to_db, utc_now
from tests.support.configs import default_config
from tests.support.flows import start_report
from tests.support.harness import load, running_bot
from tests.support.residents import Resident

NOW = utc_now().replace(microsecond=0)  # the job's clock, fixed for the whole test
OLD_CHAT = 555000111222
OLD_WORDS = "Dumped by the man at number 7"


async def _report(
    db: Database, *, chat: int, made: datetime, closed: datetime | None, words: str
) -> Report:
    reports, routings = ReportRepository(db), RoutingRepository(db)
    report = await reports.create(
        NewReport(
            ref=f"T{abs(hash((chat, made))) % 10**6:06d}",
            category="fly-tipping",
            created_at=made,
            occurred_at=made - timedelta(hours=3),
            answers={"amount": "car-boot", "vehicle": "AB12 CDE"},
            description=words,
            latitude=51.7527,
            longitude=-0.3394,
            location_text="St Peter's Street",
            reporter_chat_id=chat,
            photos=("photo-file-id",),
        ),
        actor="resident",
    )
    await routings.route_to(report.id, "sadc-waste", at=made)
    if closed is not None:
        await routings.set_agency_state(report.id, "sadc-waste", "resolved", at=closed)
        await reports.set_status(report.id, "resolved")
    return report


async def test_retention_anonymises_deletes_and_removes_then_finds_nothing(
    db: Database, database_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A report closed 380 days ago is anonymised; photos older than 90 days go, the open and
    the recently closed reports keep everything else; a draft untouched for 8 days goes, a
    fresh one stays; the counts are logged and audited, and a second run does nothing."""
    config = default_config()
    old = await _report(
        db,
        chat=OLD_CHAT,
        made=NOW - timedelta(days=400),
        closed=NOW - timedelta(days=380),
        words=OLD_WORDS,
    )
    recent = await _report(
        db,
        chat=2001,
        made=NOW - timedelta(days=120),
        closed=NOW - timedelta(days=30),
        words="recent",
    )
    still_open = await _report(
        db, chat=2002, made=NOW - timedelta(days=200), closed=None, words="open"
    )
    fresh = await _report(db, chat=2003, made=NOW - timedelta(days=2), closed=None, words="new")
    persistence: SqlitePersistence[dict, dict, dict] = SqlitePersistence(
        db, store_data=PersistenceInput(bot_data=False, chat_data=False), kinds=[Draft]
    )
    await persistence.update_user_data(3001, {"report_draft": Draft(category="graffiti")})
    await persistence.update_user_data(3002, {"report_draft": Draft(category="graffiti")})
    await db.execute(
        "UPDATE ptb_user_data SET touched_at = ? WHERE user_id = 3001",
        (to_db(NOW - timedelta(days=8)),),
    )
    privacy = PrivacyService(config, db, b"k" * 32)

    with caplog.at_level(logging.INFO, logger="bot.privacy.retention"):
        counts = await privacy.apply_retention(NOW, drafts=True)
    again = await privacy.apply_retention(NOW, drafts=True)

    assert (counts.reports_anonymised, counts.photos_deleted, counts.drafts_removed) == (1, 2, 1)
    assert not again.any
    assert "1 closed reports anonymised, 2 photos deleted, 1 drafts" in caplog.text
    reports = ReportRepository(db)
    kept = await reports.get(old.id)
    assert kept is not None
    assert (kept.reporter_chat_id, kept.description, kept.latitude, kept.photos) == (
        None,
        "",
        None,
        (),
    )
    assert kept.answers == {"amount": "car-boot"}
    assert kept.location_text is None
    assert kept.created_at.astimezone(ZoneInfo(config.partnership.timezone)).hour == 0
    for untouched in (recent, still_open):
        now_held = await reports.get(untouched.id)
        assert now_held is not None
        assert now_held.reporter_chat_id is not None
        assert now_held.photos == ()
        assert now_held.description
    newest = await reports.get(fresh.id)
    assert newest is not None
    assert newest.photos == ("photo-file-id",)
    assert set(await persistence.get_user_data()) == {3002}
    audited = await db.fetchall("SELECT actor, action, detail FROM audit_log")
    assert [(row["actor"], row["action"]) for row in audited] == [("retention", "retention")]
    raw = _file_bytes(database_path)
    assert OLD_WORDS.encode() not in raw
    assert str(OLD_CHAT).encode() not in raw
    assert OLD_CHAT.to_bytes(6, "big") not in raw


def _file_bytes(database_path: Path) -> bytes:
    """The database file and its WAL, as bytes."""
    wal = Path(f"{database_path}-wal")
    return database_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_a_stale_draft_is_removed_when_the_bot_starts_again(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A report left half-way when the bot stopped, untouched for longer than drafts_days, is
    gone when the bot starts again: /report begins anew instead of offering to carry on."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        await sam.tap("No, nobody is in danger", until="What would you like to report?")
    _age_conversation_state(config_path, days=8)
    async with running_bot(load(config_path)):
        reply = await sam.say("/report")
    assert "is anyone in danger" in reply["text"]
    assert "report in progress" not in reply["text"]
    assert "Carry on" not in " ".join(buttons(reply))


def _age_conversation_state(config_path: Path, *, days: int) -> None:
    """Make the stored conversation state look ``days`` old, as if the bot had been stopped."""
    old = to_db(utc_now() - timedelta(days=days))
    with sqlite3.connect(config_path.parent / "safetybot.sqlite3") as db:
        users = db.execute("UPDATE ptb_user_data SET touched_at = ?", (old,)).rowcount
        talks = db.execute("UPDATE ptb_conversations SET touched_at = ?", (old,)).rowcount
    assert (users, talks) == (1, 1)
