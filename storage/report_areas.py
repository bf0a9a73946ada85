"""Which configured area each report is in: the reports still to place, their areas set in
batches, and the fingerprint of the areas they were placed against (in ``settings``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storage.db import Database

AREAS_FINGERPRINT = "areas_fingerprint"
"""The settings key of the fingerprint of the areas the reports were last placed against."""


@dataclass(frozen=True, slots=True)
class ReportPoint:
    """A report's id, its point, its ward, and whether it was outside the district."""

    id: int
    latitude: float
    longitude: float
    ward: str | None
    outside_district: bool


class ReportAreaRepository:
    """Reports' areas, and the one setting that says against which areas they were set."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def points(self, *, after_id: int, limit: int, unplaced_only: bool) -> list[ReportPoint]:
        """Up to ``limit`` reports with a point and an id above ``after_id``, by id; only those
        with no area yet when ``unplaced_only``."""
        rows = await self._db.fetchall(
            "SELECT id, latitude, longitude, ward, outside_district FROM reports"
            " WHERE id > ? AND latitude IS NOT NULL AND longitude IS NOT NULL"
            " AND (? = 0 OR area_id IS NULL) ORDER BY id LIMIT ?",
            (after_id, int(unplaced_only), limit),
        )
        return [
            ReportPoint(
                row["id"],
                row["latitude"],
                row["longitude"],
                row["ward"],
                bool(row["outside_district"]),
            )
            for row in rows
        ]

    async def set_areas(self, areas: Iterable[tuple[int, str | None]]) -> int:
        """Set each (report id, area id) pair; return how many reports changed."""
        return await self._db.executemany(
            "UPDATE reports SET area_id = ? WHERE id = ? AND area_id IS NOT ?",
            [(area_id, report_id, area_id) for report_id, area_id in areas],
        )

    async def fingerprint(self) -> str | None:
        """The fingerprint of the areas the reports were last placed against, if any."""
        value = await self._db.fetchvalue(
            "SELECT value FROM settings WHERE key = ?", (AREAS_FINGERPRINT,)
        )
        return None if value is None else str(value)

    async def set_fingerprint(self, value: str) -> None:
        """Remember the fingerprint of the areas the reports are now placed against."""
        await self._db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (AREAS_FINGERPRINT, value),
        )
