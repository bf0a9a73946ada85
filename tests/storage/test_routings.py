"""Tests for the routing repository: each agency's part in a report, its queue and its moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.reports import NewReport, Report, ReportRepository
from storage.routings import RoutingRepository

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


async def _stored(db: Database, ref: str, *, created_at: datetime = T0) -> Report:
    return await ReportRepository(db).create(
        NewReport(ref=ref, category="fly_tipping", created_at=created_at, photos=("p1",)),
        actor="resident",
    )


async def test_routing_and_agency_states(db: Database) -> None:
    """Each agency keeps its own state; routing twice to one agency changes nothing."""
    routings = RoutingRepository(db)
    created = await _stored(db, "K7QX2M")
    assert await routings.route_to(created.id, "council", at=T0, ack_by=T0 + timedelta(hours=4))
    assert not await routings.route_to(created.id, "council", at=T0)
    assert await routings.route_to(created.id, "police", at=T0)
    assert await routings.set_agency_state(created.id, "police", "acknowledged", at=T0)
    assert not await routings.set_agency_state(created.id, "fire", "resolved", at=T0)
    states = {row.agency_id: row.state for row in await routings.agencies(created.id)}
    assert states == {"council": "sent", "police": "acknowledged"}


async def test_a_move_happens_once_from_the_states_it_names(db: Database) -> None:
    """Two officers pressing at once: the first move from ``sent`` changes it, the second finds
    it moved on; a move from states the routing is not in changes nothing."""
    routings = RoutingRepository(db)
    created = await _stored(db, "K7QX2M")
    await routings.route_to(created.id, "council", at=T0)
    first = await routings.move_agency_state(
        created.id, "council", from_states=("sent",), to="acknowledged", at=T0
    )
    second = await routings.move_agency_state(
        created.id, "council", from_states=("sent",), to="acknowledged", at=T0
    )
    unrouted = await routings.move_agency_state(
        created.id, "police", from_states=("sent",), to="acknowledged", at=T0
    )
    assert (first, second, unrouted) == (True, False, False)
    (routing,) = await routings.agencies(created.id)
    assert routing.state == "acknowledged"


async def test_an_agencys_queue_is_its_open_reports_oldest_first(db: Database) -> None:
    """The queue holds the reports still open at that agency, oldest first, with the report
    itself (photos included) and that agency's targets; closed ones and other agencies' stay
    out."""
    routings = RoutingRepository(db)
    newer = await _stored(db, "BBBB2", created_at=T0 + timedelta(hours=1))
    older = await _stored(db, "AAAA1")
    done = await _stored(db, "CCCC3")
    elsewhere = await _stored(db, "DDDD4")
    for report in (newer, older, done):
        await routings.route_to(report.id, "council", at=T0, ack_by=T0 + timedelta(hours=4))
    await routings.route_to(elsewhere.id, "police", at=T0)
    await routings.set_agency_state(done.id, "council", "resolved", at=T0)
    await routings.set_agency_state(newer.id, "council", "in_progress", at=T0)
    queue = await routings.open_for_agency("council")
    assert [(e.report.ref, e.state) for e in queue] == [
        ("AAAA1", "sent"),
        ("BBBB2", "in_progress"),
    ]
    assert queue[0].report == older
    assert queue[0].ack_by == T0 + timedelta(hours=4)
    assert queue[0].resolve_by is None


async def test_a_late_routing_says_its_report_but_not_its_details(db: Database) -> None:
    """A routing past its acknowledge-by time is due a reminder once; marking it takes it off
    the list."""
    routings = RoutingRepository(db)
    created = await _stored(db, "K7QX2M")
    await routings.route_to(created.id, "council", at=T0, ack_by=T0 + timedelta(hours=1))
    assert await routings.due_for_reminder(T0) == []
    (late,) = await routings.due_for_reminder(T0 + timedelta(hours=2))
    assert (late.ref, late.category, late.priority, late.state) == (
        "K7QX2M",
        "fly_tipping",
        "normal",
        "sent",
    )
    assert await routings.mark_reminded(created.id, "council", at=T0 + timedelta(hours=2))
    assert not await routings.mark_reminded(created.id, "council", at=T0 + timedelta(hours=3))
    assert await routings.due_for_reminder(T0 + timedelta(hours=2)) == []
