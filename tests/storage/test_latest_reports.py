"""The newest reports of every reporter, for an overview of what came in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.reports import NewReport, ReportRepository

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)


async def test_latest_lists_every_reporters_reports_newest_first(db: Database) -> None:
    """Reports of different reporters, anonymous ones included, come newest first, cut at the
    limit; reports made in the same instant come in the order they were stored, reversed."""
    reports = ReportRepository(db)
    for ref, minutes, chat in (
        ("AAAA1", 0, 1),
        ("AAAA2", 5, None),
        ("AAAA3", 5, 2),
        ("AAAA4", 1, 1),
    ):
        new = NewReport(
            ref=ref,
            category="graffiti",
            created_at=T0 + timedelta(minutes=minutes),
            reporter_chat_id=chat,
            anonymous=chat is None,
            photos=("photo",),
        )
        await reports.create(new, actor="resident")
    latest = await reports.latest(limit=3)
    assert [report.ref for report in latest] == ["AAAA3", "AAAA2", "AAAA4"]
    assert latest[0].photos == ("photo",)
    assert [report.ref for report in await reports.latest()] == ["AAAA3", "AAAA2", "AAAA4", "AAAA1"]
    assert await ReportRepository(db).latest(limit=0) == []
