"""A report left unacknowledged reminds its agency's chat, then the admins: through the real bot,
the outbox and the emulator, with timers read from the database the bot starts with."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.emulator import EmulatorClient
from bot.outbox.reminders import ReminderTiming
from storage.db import Database
from storage.reports import NewReport, ReportRepository
from storage.routings import RoutingRepository
from storage.timestamps import utc_now
from tests.support.harness import ADMINS_CHAT, load, running_bot

WASTE_CHAT = -1001000000001
# Look often, and escalate soon after the reminder, so the test waits milliseconds.
FAST = ReminderTiming(interval=0.05, escalate_after=timedelta(seconds=0.2))


async def test_an_unacknowledged_report_reminds_its_agency_then_the_admins(
    client: EmulatorClient, config_path: Path
) -> None:
    """A fly tipping report already past its acknowledge-by time when the bot starts: the waste
    team's chat is reminded once, and then the admins' chat is told."""
    config = load(config_path)
    now = utc_now()
    async with await Database.open(config.storage.database) as db:
        reports = ReportRepository(db)
        report = await reports.create(
            NewReport(ref="FT2345", category="fly-tipping", created_at=now - timedelta(hours=25)),
            actor="resident",
        )
        await RoutingRepository(db).route_to(
            report.id,
            "sadc-waste",
            at=now - timedelta(hours=25),
            ack_by=now - timedelta(hours=1),
            resolve_by=now + timedelta(days=9),
        )
    async with running_bot(config, reminder_timing=FAST):
        reminder = await client.wait_for_message(
            WASTE_CHAT, predicate=lambda m: "Reminder: report FT2345" in (m.get("text") or "")
        )
        escalation = await client.wait_for_message(
            ADMINS_CHAT, predicate=lambda m: "FT2345" in (m.get("text") or "")
        )
    assert "waiting to be acknowledged" in reminder["text"]
    assert "Waste Enforcement" in escalation["text"]
    assert "1 h" in escalation["text"]
    assert len(await client.bot_messages(WASTE_CHAT)) == 1
    assert len(await client.bot_messages(ADMINS_CHAT)) == 1
