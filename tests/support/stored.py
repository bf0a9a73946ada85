"""What a bot stored, read through the storage repositories from its config's database file,
once the bot has stopped."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from storage.db import Database
from storage.reports import Report, ReportEvent, ReportRepository

from .harness import load

# More reports than any test makes; stored_reports fails rather than miss some.
MOST_REPORTS = 1000


@contextlib.asynccontextmanager
async def reports_of(config_path: Path) -> AsyncIterator[ReportRepository]:
    """The report repository over the database the config at ``config_path`` names."""
    async with await Database.open(load(config_path).storage.database) as db:
        yield ReportRepository(db)


async def stored_reports(config_path: Path) -> list[Report]:
    """Every report stored in the config's database, oldest first."""
    async with reports_of(config_path) as reports:
        newest_first = await reports.latest(limit=MOST_REPORTS)
    assert len(newest_first) < MOST_REPORTS
    return newest_first[::-1]


async def stored_events(config_path: Path, report_id: int) -> list[ReportEvent]:
    """A stored report's events, oldest first."""
    async with reports_of(config_path) as reports:
        return await reports.list_events(report_id)
