"""The reminder service over a real SQLite file: reminders, escalations and overdue notes are
enqueued once each, across runs and restarts, and say nothing of a report's details."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from bot.config import Admins, Config
from bot.outbox.reminders import Reminders
from storage.db import Database
from storage.outbox import OutboxItem, OutboxRepository
from storage.reports import NewReport, ReportRepository
from storage.routings import AgencyState, RoutingRepository
from tests.support.clocks import ManualClock, Wakes

WASTE, WASTE_CHAT = "sadc-waste", "-1001000000001"
HATE, HATE_CHAT = "herts-police-hate", "-1001000000005"
ADMINS_CHAT = "-1001000000099"
WASTE_NAME = "St Albans District Council, Waste Enforcement"


async def routed(
    db: Database,
    ref: str,
    *,
    at: datetime,
    ack_by: datetime,
    resolve_by: datetime,
    category: str = "fly-tipping",
    agency: str = WASTE,
    state: AgencyState = "sent",
) -> int:
    """Store a report with details and route it to one agency with the given targets."""
    reports = ReportRepository(db)
    report = await reports.create(
        NewReport(
            ref=ref,
            category=category,
            created_at=at - timedelta(hours=1),
            answers={"waste": ["tyres"], "targeted": ["disability"]},
            description="They mocked a man in a wheelchair by the tyres",
            latitude=51.7527,
            longitude=-0.3394,
            location_text="Holywell Hill",
            ward="St Peters",
            anonymous=True,
        ),
        actor="resident",
    )
    routings = RoutingRepository(db)
    await routings.route_to(report.id, agency, at=at, ack_by=ack_by, resolve_by=resolve_by)
    if state != "sent":
        await routings.set_agency_state(report.id, agency, state, at=at)
    return report.id


def reminders_for(
    config: Config, db: Database, clock: ManualClock, wakes: Wakes | None = None
) -> Reminders:
    """A service over ``db`` that runs only when the test says so."""
    return Reminders(config, db, wakes or Wakes(), clock=clock, escalate_after=timedelta(hours=1))


async def pending(db: Database) -> list[OutboxItem]:
    """Every item waiting in the outbox, oldest first."""
    far = datetime(2100, 1, 1).astimezone()
    return await OutboxRepository(db).claim_due(now=far, limit=1000)


async def test_an_overdue_report_is_reminded_once_across_runs_and_a_restart(
    config: Config, db: Database, database_path: Path, clock: ManualClock, wakes: Wakes
) -> None:
    """A routing still sent a minute after its acknowledge-by time gets one reminder in its
    agency's chat, however often the service runs and even after a restart."""
    now = clock()
    await routed(
        db, "FT2345", at=now, ack_by=now - timedelta(minutes=1), resolve_by=now + timedelta(days=9)
    )
    first = reminders_for(config, db, clock, wakes)
    assert await first.run_once() == 1
    assert wakes.count == 1
    clock.advance(minutes=5)
    assert await first.run_once() == 0
    async with await Database.open(database_path) as reopened:
        assert await reminders_for(config, reopened, clock).run_once() == 0
    items = await pending(db)
    assert [(item.kind, item.target) for item in items] == [("message", WASTE_CHAT)]
    assert items[0].payload["text"] == (
        "Reminder: report FT2345 (fly tipping, normal priority) is waiting to be acknowledged; "
        "it was due by 09:59."
    )


async def test_acknowledged_and_not_yet_due_reports_get_no_reminder(
    config: Config, db: Database, clock: ManualClock, wakes: Wakes
) -> None:
    """Nothing is sent for an acknowledged report, nor for one whose time has not yet come,
    until it comes."""
    now = clock()
    later = now + timedelta(days=9)
    await routed(
        db,
        "FT2345",
        at=now,
        ack_by=now - timedelta(hours=2),
        resolve_by=later,
        state="acknowledged",
    )
    await routed(db, "FT6789", at=now, ack_by=now + timedelta(minutes=30), resolve_by=later)
    reminders = reminders_for(config, db, clock, wakes)
    assert await reminders.run_once() == 0
    assert wakes.count == 0
    clock.advance(minutes=30)
    assert await reminders.run_once() == 1
    assert ["FT6789" in item.payload["text"] for item in await pending(db)] == [True]


async def test_the_admins_are_told_an_hour_after_the_reminder_once(
    config: Config, db: Database, clock: ManualClock
) -> None:
    """Still unacknowledged an hour after the reminder, the report is escalated to the admins'
    chat with the agency and how late it is; only once."""
    now = clock()
    await routed(
        db, "FT2345", at=now, ack_by=now - timedelta(minutes=1), resolve_by=now + timedelta(days=9)
    )
    reminders = reminders_for(config, db, clock)
    assert await reminders.run_once() == 1
    clock.advance(minutes=59)
    assert await reminders.run_once() == 0
    clock.advance(minutes=1)
    assert await reminders.run_once() == 1
    clock.advance(hours=3)
    assert await reminders.run_once() == 0
    escalation = (await pending(db))[1]
    assert escalation.target == ADMINS_CHAT
    assert escalation.payload["text"] == (
        f"Not acknowledged: report FT2345 (fly tipping, normal priority) at {WASTE_NAME} was due "
        "to be acknowledged by 09:59; it is 1 h 1 min late and the team was reminded."
    )


async def test_a_report_acknowledged_after_its_reminder_is_not_escalated(
    config: Config, db: Database, clock: ManualClock
) -> None:
    """The reminder worked: the officers acknowledged it, so the admins hear nothing."""
    now = clock()
    report_id = await routed(
        db, "FT2345", at=now, ack_by=now - timedelta(minutes=1), resolve_by=now + timedelta(days=9)
    )
    reminders = reminders_for(config, db, clock)
    assert await reminders.run_once() == 1
    clock.advance(minutes=10)
    await RoutingRepository(db).set_agency_state(report_id, WASTE, "acknowledged", at=clock())
    clock.advance(hours=2)
    assert await reminders.run_once() == 0


async def test_without_an_admins_chat_each_admin_is_told(
    config: Config, db: Database, clock: ManualClock
) -> None:
    """With no admins' chat configured, the escalation goes to each admin's private chat."""
    config = config.model_copy(update={"admins": Admins(user_ids=(900001, 900002))})
    now = clock()
    await routed(
        db, "FT2345", at=now, ack_by=now - timedelta(hours=2), resolve_by=now + timedelta(days=9)
    )
    reminders = reminders_for(config, db, clock)
    await reminders.run_once()
    clock.advance(hours=1)
    assert await reminders.run_once() == 2
    assert [item.target for item in await pending(db)] == [WASTE_CHAT, "900001", "900002"]


async def test_a_report_not_resolved_in_time_is_listed_for_the_admins_once(
    config: Config, db: Database, database_path: Path, clock: ManualClock
) -> None:
    """An acknowledged report past its resolve-by time is listed once, even after a restart;
    a resolved one is not."""
    now = clock()
    before = now - timedelta(days=10)
    await routed(
        db,
        "FT2345",
        at=before,
        ack_by=before + timedelta(hours=1),
        resolve_by=now - timedelta(hours=3),
        state="in_progress",
    )
    await routed(
        db,
        "FT6789",
        at=before,
        ack_by=before + timedelta(hours=1),
        resolve_by=now - timedelta(hours=3),
        state="resolved",
    )
    assert await reminders_for(config, db, clock).run_once() == 1
    clock.advance(days=1)
    async with await Database.open(database_path) as reopened:
        assert await reminders_for(config, reopened, clock).run_once() == 0
    items = await pending(db)
    assert [item.target for item in items] == [ADMINS_CHAT]
    assert items[0].payload["text"] == (
        f"Overdue: report FT2345 (fly tipping, normal priority) at {WASTE_NAME} was due to be "
        "resolved by 07:00; it is 3 h late."
    )


async def test_a_sensitive_report_is_named_by_reference_category_and_priority_only(
    config: Config, db: Database, clock: ManualClock
) -> None:
    """The reminder, the escalation and the overdue note of a hate incident carry no answers,
    description, place or ward."""
    now = clock()
    await routed(
        db,
        "HT2345",
        at=now - timedelta(days=3),
        ack_by=now - timedelta(days=2),
        resolve_by=now - timedelta(days=1),
        category="hate-incident",
        agency=HATE,
    )
    reminders = reminders_for(config, db, clock)
    await reminders.run_once()
    clock.advance(hours=1)
    await reminders.run_once()
    items = await pending(db)
    assert [item.target for item in items] == [HATE_CHAT, ADMINS_CHAT, ADMINS_CHAT]
    assert (
        items[0]
        .payload["text"]
        .startswith("Reminder: report HT2345 (hate incident, normal priority) is waiting")
    )
    assert "10:00 on Mon 29 Apr" in items[0].payload["text"]
    for item in items:
        text = item.payload["text"]
        assert "HT2345" in text
        for detail in ("wheelchair", "isabilit", "Holywell", "St Peters", "tyres", "51.75"):
            assert detail not in text
