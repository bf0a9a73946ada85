"""Earlier reports at a spot that were resolved before a new one came: the agency card's
repeat-location line. A box of latitude and longitude is read here, from the reports' position
index (one range per category); the exact distance is the caller's.

An earlier report counts when it was made before the moment asked about and was resolved:
its status is resolved (as it is now: the moment asked about is the submit), or every routing
of it still its agencies' (not referred on) was finished (resolved or closed) before that
moment. A report whose every such routing was closed as a duplicate is the same report as
another, and is not counted again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.jsontext import dumps
from storage.timestamps import from_db, to_db


@dataclass(frozen=True, slots=True)
class EarlierReport:
    """An earlier report's point and when it was made."""

    report_id: int
    created_at: datetime
    latitude: float
    longitude: float


class RepeatRepository:
    """The resolved reports in a box of the map, made before a moment."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def resolved_in_box(
        self,
        *,
        south: float,
        north: float,
        west: float,
        east: float,
        before: datetime,
        leave_out: Sequence[str] = (),
    ) -> list[EarlierReport]:
        """The reports inside the box of any category but those left out, made before
        ``before`` and resolved by then, earliest first."""
        moment = to_db(before)
        rows = await self._db.fetchall(
            # The categories found by a loose scan of their index, so that the position index
            # (category, latitude, longitude) is read as one range of latitude per category.
            "WITH RECURSIVE cats(c) AS (SELECT (SELECT MIN(category) FROM reports)"
            " UNION ALL SELECT (SELECT MIN(category) FROM reports WHERE category > cats.c)"
            " FROM cats WHERE cats.c IS NOT NULL)"
            " SELECT r.id, r.created_at, r.latitude, r.longitude FROM reports r"
            " WHERE r.category IN (SELECT c FROM cats WHERE c IS NOT NULL"
            " AND c NOT IN (SELECT value FROM json_each(?)))"
            " AND r.latitude BETWEEN ? AND ? AND r.longitude BETWEEN ? AND ?"
            " AND r.created_at < ?"
            " AND (r.status = 'resolved' OR (EXISTS (SELECT 1 FROM report_agencies a"
            " WHERE a.report_id = r.id AND a.state NOT IN ('referred', 'closed_duplicate'))"
            " AND NOT EXISTS (SELECT 1 FROM report_agencies a WHERE a.report_id = r.id"
            " AND a.state <> 'referred' AND (a.finished_at IS NULL OR a.finished_at >= ?))))"
            " ORDER BY r.created_at, r.id",
            (dumps(list(leave_out)), south, north, west, east, moment, moment),
        )
        return [
            EarlierReport(row[0], from_db(row[1]), float(row[2]), float(row[3])) for row in rows
        ]
