"""Each routing keeps when it was routed, first answered and finished: set by storage as the
officers act, and filled from the events for a database made before (migration 0014)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.db import Database
from storage.reports import NewReport, ReportRepository
from storage.routings import RoutingRepository
from storage.stats import StatsRepository

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pre_house_plan.sqlite3"


async def test_the_times_follow_the_officers_moves(db: Database) -> None:
    """Acknowledged after 45 minutes, started, then resolved after 3 hours: answered at the
    acknowledgement (not the start), finished at the resolution; a referral answers but does
    not finish."""
    report = await ReportRepository(db).create(
        NewReport(ref="TIME01", category="fly-tipping", created_at=T0), actor="resident"
    )
    routings = RoutingRepository(db)
    await routings.route_to(report.id, "sadc-waste", at=T0, ack_by=T0 + timedelta(hours=1))
    await routings.route_to(report.id, "sadc-asb", at=T0)
    at = T0 + timedelta(minutes=45)
    await routings.move_agency_state(
        report.id, "sadc-waste", from_states=["sent"], to="acknowledged", at=at
    )
    await routings.set_agency_state(
        report.id, "sadc-waste", "in_progress", at=at + timedelta(hours=1)
    )
    await routings.set_agency_state(report.id, "sadc-waste", "resolved", at=T0 + timedelta(hours=3))
    await routings.move_agency_state(
        report.id, "sadc-asb", from_states=["sent"], to="referred", at=T0 + timedelta(minutes=5)
    )
    stats = StatsRepository(db)
    start, end = T0 - timedelta(days=1), T0 + timedelta(days=1)
    answered = {(d.agency_id, d.minutes) for d in await stats.durations(start, end, finished=False)}
    finished = {(d.agency_id, d.minutes) for d in await stats.durations(start, end, finished=True)}
    assert answered == {("sadc-waste", 45), ("sadc-asb", 5)}
    assert finished == {("sadc-waste", 180)}
    tallies = {t.agency_id: t for t in await stats.target_tallies(start, end, now=T0)}
    assert (tallies["sadc-waste"].ack_judged, tallies["sadc-waste"].ack_within) == (1, 1)
    assert tallies["sadc-asb"].finished == 0


async def test_older_routings_get_their_times_from_the_events(tmp_path: Path) -> None:
    """The pre-house-plan database: the cleansing team's acknowledgement event becomes its
    routing's answered time; every routing is routed when its report came."""
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURE, path)
    async with await Database.open(path) as db:
        rows = await db.fetchall(
            "SELECT a.agency_id, a.routed_at = r.created_at AS same, a.answered_at,"
            " a.finished_at, (SELECT e.at FROM report_events e WHERE e.report_id = a.report_id"
            " AND e.kind = 'acknowledged') AS acked"
            " FROM report_agencies a JOIN reports r ON r.id = a.report_id ORDER BY a.agency_id"
        )
    found = {row["agency_id"]: row for row in rows}
    assert set(found) == {"sadc-asb", "sadc-cleansing", "sadc-waste"}
    assert all(row["same"] for row in rows)
    assert found["sadc-cleansing"]["answered_at"] == found["sadc-cleansing"]["acked"] is not None
    assert found["sadc-waste"]["answered_at"] is None
    assert all(row["finished_at"] is None for row in rows)
