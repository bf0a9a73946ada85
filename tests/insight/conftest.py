"""Fixtures of the statistics' tests: the default configuration and its areas, and reports
written straight into a real SQLite file."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import UTC, datetime
from itertools import count
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.geo import Locator
from bot.geo.areas import AreaMap
from storage.bulk import BulkReport, BulkRouting, insert_reports
from storage.db import Database
from tests.support.configs import default_config

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
"""The statistics' "now" (targets past by then count as missed)."""
_refs = count(1)


@functools.cache
def config() -> Config:
    """The shipped St Albans configuration."""
    return default_config()


@functools.cache
def areas_of(geography_config: Config | None = None) -> AreaMap:
    """The configured areas of a configuration (default: the shipped one)."""
    chosen = geography_config or config()
    return AreaMap.from_config(chosen.areas, Locator.from_config(chosen.geography))


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A local St Albans time."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def report(
    category: str,
    at: datetime,
    *,
    area: str | None = None,
    ward: str | None = None,
    point: tuple[float, float] | None = None,
    answers: dict[str, object] | None = None,
    routings: Iterable[BulkRouting] = (),
    chat_id: int | None = None,
    description: str = "",
) -> BulkReport:
    """One report of a fixture, with a fresh reference."""
    return BulkReport(
        ref=f"T{next(_refs):07d}",
        category=category,
        created_at=at,
        answers=answers or {},
        area_id=area,
        ward=ward,
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        routings=tuple(routings),
        reporter_chat_id=chat_id,
        description=description,
    )


async def store(db: Database, reports: Iterable[BulkReport]) -> int:
    """Write the reports."""
    return await insert_reports(db, reports)
