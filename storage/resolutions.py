"""Agencies' resolutions of reports (when, the officer's note, whether it may be published),
and what "You said, we did" reads of them: the period's resolved reports counted by category
and area, and the notes officers chose to allow publishing. Nothing here returns a report's
reference, description or location."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timestamps import from_db, to_db


@dataclass(frozen=True, slots=True)
class ResolvedCount:
    """How many reports of a category in an area were resolved in a period (``area_id`` None:
    the report's area is not known)."""

    category: str
    area_id: str | None
    count: int


@dataclass(frozen=True, slots=True)
class PublishableNote:
    """An officer's resolution note that they chose may be published, with its report's
    category and area only."""

    category: str
    area_id: str | None
    note: str
    resolved_at: datetime


# A report counts as resolved in a period when it is resolved (every agency's part is over and
# at least one resolved it) and its last resolution falls in the period.
_RESOLVED_REPORTS = (
    "SELECT r.id, r.category, r.area_id, MAX(s.resolved_at) AS resolved_at"
    " FROM reports r JOIN resolutions s ON s.report_id = r.id"
    " WHERE r.status = 'resolved' GROUP BY r.id"
)


class ResolutionRepository:
    """Record resolutions; read a period's resolved reports and publishable notes."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def record(
        self, report_id: int, agency_id: str, *, note: str, publishable: bool, at: datetime
    ) -> None:
        """Record the agency's resolution of the report (in the resolving transaction)."""
        await self._db.execute(
            "INSERT INTO resolutions (report_id, agency_id, resolved_at, note, publishable)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (report_id, agency_id) DO UPDATE SET"
            " resolved_at = excluded.resolved_at, note = excluded.note,"
            " publishable = excluded.publishable",
            (report_id, agency_id, to_db(at), note, int(publishable)),
        )

    async def publishable(self, report_id: int, agency_id: str) -> bool | None:
        """Whether the agency's resolution note may be published; None if not resolved."""
        value = await self._db.fetchvalue(
            "SELECT publishable FROM resolutions WHERE report_id = ? AND agency_id = ?",
            (report_id, agency_id),
        )
        return None if value is None else bool(value)

    async def resolved_counts(self, start: datetime, end: datetime) -> list[ResolvedCount]:
        """Reports resolved from ``start`` (inclusive) to ``end`` (exclusive), counted by
        category and area; by category, then area."""
        rows = await self._db.fetchall(
            "SELECT category, area_id, COUNT(*) AS n FROM (" + _RESOLVED_REPORTS + ")"  # noqa: S608 - fixed texts only
            " WHERE resolved_at >= ? AND resolved_at < ?"
            " GROUP BY category, area_id ORDER BY category, area_id",
            (to_db(start), to_db(end)),
        )
        return [ResolvedCount(row["category"], row["area_id"], row["n"]) for row in rows]

    async def publishable_notes(self, start: datetime, end: datetime) -> list[PublishableNote]:
        """Notes resolving reports from ``start`` (inclusive) to ``end`` (exclusive) that their
        officers chose may be published, oldest first."""
        rows = await self._db.fetchall(
            "SELECT r.category, r.area_id, s.note, s.resolved_at"
            " FROM resolutions s JOIN reports r ON r.id = s.report_id"
            " WHERE s.publishable = 1 AND s.note != ''"
            " AND s.resolved_at >= ? AND s.resolved_at < ?"
            " ORDER BY s.resolved_at, r.id, s.agency_id",
            (to_db(start), to_db(end)),
        )
        return [
            PublishableNote(
                row["category"], row["area_id"], row["note"], from_db(row["resolved_at"])
            )
            for row in rows
        ]
