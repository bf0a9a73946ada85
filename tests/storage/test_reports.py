"""Tests for the report repository."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from storage.db import Database
from storage.reports import NewReport, ReportRepository

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


def _report(ref: str = "K7QX2M", **changes: object) -> NewReport:
    fields: dict[str, object] = {
        "ref": ref,
        "category": "fly_tipping",
        "created_at": T0,
        "answers": {"size": "van load", "hazardous": False},
        "description": "Mattresses in the lay-by",
        "latitude": 51.7527,
        "longitude": -0.3394,
        "location_text": "Hatfield Road",
        "ward": "Marshalswick South",
        "occurred_at": T0 - timedelta(hours=2),
        "reporter_chat_id": 4242,
        "contact_phone": "07700 900123",
        "priority": "high",
        "photos": ("photo-a", "photo-b"),
    }
    fields.update(changes)
    return NewReport(**fields)  # type: ignore[arg-type]


async def test_create_round_trips_every_field(db: Database) -> None:
    """A created report reads back with its answers, location, photos and flags."""
    reports = ReportRepository(db)
    created = await reports.create(_report(), actor="resident")
    fetched = await reports.get(created.id)
    assert fetched == created
    assert fetched.answers == {"size": "van load", "hazardous": False}
    assert fetched.photos == ("photo-a", "photo-b")
    assert fetched.created_at == T0
    assert fetched.status == "received"
    assert (fetched.latitude, fetched.longitude) == (51.7527, -0.3394)


async def test_create_records_a_first_event(db: Database) -> None:
    """Creating a report records one submitted event by the given actor."""
    reports = ReportRepository(db)
    created = await reports.create(_report(), actor="resident", detail={"via": "chat"})
    events = await reports.list_events(created.id)
    assert [(event.kind, event.actor, event.detail) for event in events] == [
        ("submitted", "resident", {"via": "chat"})
    ]


async def test_reference_lookup_ignores_case_and_spaces(db: Database) -> None:
    """A reference typed in lower case with spaces around still finds the report."""
    reports = ReportRepository(db)
    created = await reports.create(_report("K7QX2M"), actor="resident")
    found = await reports.get_by_ref("  k7qx2m ")
    assert found is not None
    assert found.id == created.id
    assert await reports.ref_exists("k7qx2m")
    assert await reports.get_by_ref("ZZZZZZ") is None


async def test_duplicate_reference_is_refused_and_nothing_is_kept(db: Database) -> None:
    """A second report with the same reference fails without leaving photos or events."""
    reports = ReportRepository(db)
    await reports.create(_report("K7QX2M"), actor="resident")
    with pytest.raises(sqlite3.IntegrityError):
        await reports.create(_report("k7qx2m"), actor="resident")
    assert await db.fetchvalue("SELECT COUNT(*) FROM report_photos") == 2
    assert await db.fetchvalue("SELECT COUNT(*) FROM report_events") == 1


async def test_anonymous_report_cannot_hold_identity(db: Database) -> None:
    """An anonymous report with a chat id is refused; without one it is stored."""
    reports = ReportRepository(db)
    with pytest.raises(ValueError, match="anonymous"):
        await reports.create(_report(anonymous=True), actor="resident")
    stored = await reports.create(
        _report(anonymous=True, reporter_chat_id=None, contact_phone=None), actor="anonymous"
    )
    assert stored.anonymous
    assert stored.reporter_chat_id is None


async def test_list_by_reporter_is_newest_first(db: Database) -> None:
    """A reporter's reports come newest first and exclude other reporters'."""
    reports = ReportRepository(db)
    await reports.create(_report("AAAA1", created_at=T0), actor="resident")
    await reports.create(_report("BBBB2", created_at=T0 + timedelta(days=1)), actor="resident")
    await reports.create(_report("CCCC3", reporter_chat_id=99), actor="resident")
    listed = await reports.list_by_reporter(4242)
    assert [report.ref for report in listed] == ["BBBB2", "AAAA1"]


async def test_events_are_listed_in_time_order(db: Database) -> None:
    """Events come back oldest first with their detail."""
    reports = ReportRepository(db)
    created = await reports.create(_report(), actor="resident")
    await reports.add_event(
        created.id, actor="officer:7", kind="acknowledged", at=T0 + timedelta(minutes=5)
    )
    await reports.add_event(
        created.id,
        actor="officer:7",
        kind="resolved",
        detail={"note": "cleared"},
        at=T0 + timedelta(hours=1),
    )
    kinds = [event.kind for event in await reports.list_events(created.id)]
    assert kinds == ["submitted", "acknowledged", "resolved"]


async def test_count_by_category_within_a_period(db: Database) -> None:
    """Counts per category include only reports created inside the half-open period."""
    reports = ReportRepository(db)
    await reports.create(_report("AAAA1", created_at=T0), actor="r")
    await reports.create(_report("AAAA2", created_at=T0, category="graffiti"), actor="r")
    await reports.create(_report("AAAA3", created_at=T0 + timedelta(days=7)), actor="r")
    assert await reports.count_by_category() == {"fly_tipping": 2, "graffiti": 1}
    assert await reports.count_by_category(since=T0, until=T0 + timedelta(days=7)) == {
        "fly_tipping": 1,
        "graffiti": 1,
    }


async def test_naive_times_are_refused(db: Database) -> None:
    """A naive datetime is an error rather than a silent guess at the timezone."""
    reports = ReportRepository(db)
    with pytest.raises(ValueError, match="naive"):
        await reports.create(_report(created_at=T0.replace(tzinfo=None)), actor="r")
