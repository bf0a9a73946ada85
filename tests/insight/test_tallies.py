"""The month-by-month tallies of the targets met and the distributions of the minutes taken
(migration 0016), kept by triggers: after every
way a routing is written (submit and route, the officers' moves, a referral, a bulk load, a
withdrawal, an anonymised report), the tallies read from them equal the tallies counted from
the routings themselves, for periods of whole months, ragged ends on both sides of the clock
change, and periods inside one month."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.insight.periods import Period
from storage.bulk import BulkRouting
from storage.db import Database
from storage.reports import NewReport, ReportRepository
from storage.resident_data import Anonymised, ResidentDataRepository
from storage.routings import RoutingRepository
from storage.stats import StatsRepository, TargetTally
from tests.insight.conftest import LONDON, report, store

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pre_house_plan.sqlite3"
START = datetime(2025, 1, 20, tzinfo=UTC)
AGENCIES = ("sadc-waste", "sadc-asb", "herts-police")

_RECOUNT_MINUTES = (
    "SELECT 'answer', substr(routed_at, 1, 7), agency_id, answer_minutes, COUNT(*)"
    " FROM report_agencies WHERE routed_at IS NOT NULL AND answer_minutes IS NOT NULL"
    " GROUP BY 2, 3, 4 UNION ALL"
    " SELECT 'finish', substr(routed_at, 1, 7), agency_id, finish_minutes, COUNT(*)"
    " FROM report_agencies WHERE routed_at IS NOT NULL AND finish_minutes IS NOT NULL"
    " GROUP BY 2, 3, 4"
)
_RECOUNT = (
    "SELECT agency_id, substr(routed_at, 1, 7) AS month, COUNT(*),"
    " SUM(answered_at IS NOT NULL), SUM(ack_by IS NOT NULL AND answered_at IS NOT NULL),"
    " SUM(COALESCE(answered_at <= ack_by, 0)), SUM(finished_at IS NOT NULL),"
    " SUM(resolve_by IS NOT NULL AND finished_at IS NOT NULL),"
    " SUM(COALESCE(finished_at <= resolve_by, 0))"
    " FROM report_agencies WHERE routed_at IS NOT NULL GROUP BY 1, 2"
)


async def _tally_rows(db: Database) -> set[tuple[object, ...]]:
    """The tallies' rows that count something (a month emptied by deletions keeps a row of 0)."""
    rows = await db.fetchall("SELECT * FROM routing_tallies WHERE routed > 0")
    return {tuple(row) for row in rows}


async def _recounted(db: Database) -> set[tuple[object, ...]]:
    return {tuple(row) for row in await db.fetchall(_RECOUNT)}


async def _minutes_rows(db: Database) -> set[tuple[object, ...]]:
    rows = await db.fetchall("SELECT * FROM routing_minutes WHERE n > 0")
    return {tuple(row) for row in rows}


async def _minutes_recounted(db: Database) -> set[tuple[object, ...]]:
    return {tuple(row) for row in await db.fetchall(_RECOUNT_MINUTES)}


def _moments(rng: random.Random, count: int) -> list[datetime]:
    """Times over most of 2025, some in the hour either side of each midnight the clocks make
    ragged (BST: local midnight is 23:00 UTC)."""
    found = [START + timedelta(minutes=rng.randrange(320 * 24 * 60)) for _ in range(count)]
    for edge in (datetime(2025, 3, 31, 23, tzinfo=UTC), datetime(2025, 9, 30, 23, tzinfo=UTC)):
        found += [edge + timedelta(minutes=rng.randrange(-90, 90)) for _ in range(12)]
    return found


async def _write_through_every_path(db: Database) -> None:
    rng = random.Random(20261203)
    reports = ReportRepository(db)
    routings = RoutingRepository(db)
    made: list[int] = []
    for i, at in enumerate(_moments(rng, 160)):
        created = await reports.create(
            NewReport(ref=f"TAL{i:04d}", category="fly-tipping", created_at=at),
            actor="resident",
        )
        made.append(created.id)
        agency = rng.choice(AGENCIES)
        ack_by = at + timedelta(hours=rng.choice((1, 4, 24))) if rng.random() < 0.8 else None
        resolve_by = at + timedelta(days=rng.choice((1, 5))) if rng.random() < 0.8 else None
        await routings.route_to(created.id, agency, at=at, ack_by=ack_by, resolve_by=resolve_by)
        roll = rng.random()
        answered = at + timedelta(minutes=rng.randrange(1, 600))
        if roll < 0.6:
            await routings.move_agency_state(
                created.id, agency, from_states=["sent"], to="acknowledged", at=answered
            )
            if rng.random() < 0.7:
                finished = answered + timedelta(hours=rng.randrange(1, 200))
                await routings.set_agency_state(created.id, agency, "resolved", at=finished)
        elif roll < 0.8:
            # Referred on: the first agency has answered (and is done with it), the next is
            # routed now, with targets of its own.
            await routings.move_agency_state(
                created.id, agency, from_states=["sent"], to="referred", at=answered
            )
            other = next(a for a in AGENCIES if a != agency)
            await routings.route_to(
                created.id, other, at=answered, ack_by=answered + timedelta(hours=4)
            )
            await routings.set_agency_state(
                created.id, agency, "closed_not_ours", at=answered + timedelta(minutes=1)
            )
    bulk = []
    for at in _moments(rng, 200):
        acked = at + timedelta(minutes=rng.randrange(1, 900)) if rng.random() < 0.8 else None
        bulk.append(
            report(
                "graffiti",
                at,
                routings=[
                    BulkRouting(
                        rng.choice(AGENCIES),
                        ack_by=at + timedelta(hours=2),
                        resolve_by=at + timedelta(days=3) if rng.random() < 0.7 else None,
                        acknowledged_at=acked,
                        resolved_at=acked + timedelta(days=rng.randrange(0, 6))
                        if acked is not None and rng.random() < 0.6
                        else None,
                    )
                ],
            )
        )
    await store(db, bulk)
    data = ResidentDataRepository(db)
    for report_id in rng.sample(made, 20):
        async with db.transaction():
            await data.delete_report(report_id)  # withdrawn: its routings go with it
    kept = [r for r in made if await db.fetchvalue("SELECT 1 FROM reports WHERE id = ?", (r,))]
    for report_id in rng.sample(kept, 10):
        row = await db.fetchone("SELECT created_at FROM reports WHERE id = ?", (report_id,))
        assert row is not None
        day = datetime.fromisoformat(row[0]).replace(hour=0, minute=0, second=0, microsecond=0)
        async with db.transaction():
            await data.anonymise_report(
                report_id,
                Anonymised(created_at=day, occurred_at=None, answers={}),
                now=START + timedelta(days=400),
                drop_followers=True,
            )


def _periods() -> list[tuple[datetime, datetime]]:
    """Local-date periods as /stats makes them (ragged at both clock changes), and others."""
    local = [
        Period(date(2025, 1, 1), date(2025, 12, 31)),
        Period(date(2025, 4, 1), date(2025, 9, 30)),  # BST: starts and ends at 23:00 UTC
        Period(date(2025, 3, 15), date(2025, 10, 14)),
        Period(date(2025, 4, 1), date(2025, 4, 30)),
        Period(date(2025, 6, 3), date(2025, 6, 20)),  # inside one month
        Period(date(2025, 2, 1), date(2025, 2, 28)),
    ]
    found = [p.bounds(LONDON) for p in local]
    ragged = datetime(2025, 3, 31, 23, 30, tzinfo=UTC), datetime(2025, 10, 1, 0, 30, tzinfo=UTC)
    found.append(ragged)
    return found


def _keyed(tallies: list[TargetTally]) -> dict[str, TargetTally]:
    return {t.agency_id: t for t in tallies}


async def test_the_tallies_follow_every_write(db: Database) -> None:
    """Every write path leaves the monthly tallies equal to a recount of the routings, and the
    statistics read from them equal those counted routing by routing, whatever the moment of
    asking (a routing waiting is judged late only once its target has passed)."""
    await _write_through_every_path(db)
    assert await _tally_rows(db) == await _recounted(db)
    assert await _minutes_rows(db) == await _minutes_recounted(db)
    stats = StatsRepository(db)
    assert await db.fetchvalue("SELECT COUNT(*) FROM report_agencies") > 300
    for now in (datetime(2025, 6, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)):
        for start, end in _periods():
            for agency in (None, "sadc-asb"):
                monthly = await stats.target_tallies(start, end, now=now, agency=agency)
                counted = await stats.target_tallies_counted(start, end, now=now, agency=agency)
                assert _keyed(monthly) == _keyed(counted), (start, end, now, agency)
                assert monthly, (start, end)
            for finished in (False, True):
                spread = await stats.durations(start, end, finished=finished)
                assert spread == await stats.durations_counted(start, end, finished=finished)
                assert spread, (start, end, finished)


async def test_a_late_routing_is_judged_once_its_target_passes(db: Database) -> None:
    """Over whole months, a routing not yet answered is not judged before its target, and is
    judged late after it."""
    at = datetime(2025, 5, 10, 9, tzinfo=UTC)
    created = await ReportRepository(db).create(
        NewReport(ref="LATE01", category="fly-tipping", created_at=at), actor="resident"
    )
    await RoutingRepository(db).route_to(
        created.id, "sadc-waste", at=at, ack_by=at + timedelta(hours=4)
    )
    stats = StatsRepository(db)
    start, end = datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
    before = _keyed(await stats.target_tallies(start, end, now=at + timedelta(hours=1)))
    after = _keyed(await stats.target_tallies(start, end, now=at + timedelta(hours=5)))
    assert (before["sadc-waste"].ack_judged, before["sadc-waste"].ack_within) == (0, 0)
    assert (after["sadc-waste"].ack_judged, after["sadc-waste"].ack_within) == (1, 0)


async def test_an_older_database_gets_its_tallies_from_its_routings(tmp_path: Path) -> None:
    """The pre-house-plan database: its routings, given their times by migration 0014, are
    tallied by migration 0016."""
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    async with await Database.open(path) as db:
        tallies = await _tally_rows(db)
        assert tallies
        assert tallies == await _recounted(db)
        assert await _minutes_rows(db) == await _minutes_recounted(db)
