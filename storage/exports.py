"""Reports read for an export a batch at a time, and the audit of exports with personal data
(who, when, which period, how many: never what)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from storage.db import Database
from storage.jsontext import loads_object
from storage.timestamps import from_db, from_db_optional, to_db

EXPORT_BATCH = 500
"""Rows read from SQLite at a time: the export's memory does not grow with the period."""


@dataclass(frozen=True, slots=True)
class ExportedReport:
    """A stored report with what an export may write of it (personal fields included: the
    export decides what to leave out)."""

    ref: str
    category: str
    status: str
    priority: str
    created_at: datetime
    occurred_at: datetime | None
    area_id: str | None
    ward: str | None
    outside_district: bool
    agencies: tuple[str, ...]
    updated_at: datetime | None  # the latest change at any of its agencies
    answers: Mapping[str, Any]
    description: str
    latitude: float | None
    longitude: float | None
    location_text: str | None
    reporter_chat_id: int | None
    anonymous: bool
    contact_phone: str | None
    photos: int


_SELECT = (
    "SELECT r.ref, r.category, r.status, r.priority, r.created_at, r.occurred_at, r.area_id,"
    " r.ward, r.outside_district, r.answers, r.description, r.latitude, r.longitude,"
    " r.location_text, r.reporter_chat_id, r.anonymous, r.contact_phone,"
    " (SELECT group_concat(a.agency_id, ' ') FROM report_agencies a WHERE a.report_id = r.id)"
    " AS agencies,"
    " (SELECT MAX(a.updated_at) FROM report_agencies a WHERE a.report_id = r.id) AS updated_at,"
    " (SELECT COUNT(*) FROM report_photos p WHERE p.report_id = r.id) AS photos"
    " FROM reports r WHERE r.created_at >= ? AND r.created_at < ? ORDER BY r.created_at, r.id"
)


def _row(row: aiosqlite.Row) -> ExportedReport:
    return ExportedReport(
        ref=row["ref"],
        category=row["category"],
        status=row["status"],
        priority=row["priority"],
        created_at=from_db(row["created_at"]),
        occurred_at=from_db_optional(row["occurred_at"]),
        area_id=row["area_id"],
        ward=row["ward"],
        outside_district=bool(row["outside_district"]),
        agencies=tuple(sorted((row["agencies"] or "").split())),
        updated_at=from_db_optional(row["updated_at"]),
        answers=loads_object(row["answers"]),
        description=row["description"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        location_text=row["location_text"],
        reporter_chat_id=row["reporter_chat_id"],
        anonymous=bool(row["anonymous"]),
        contact_phone=row["contact_phone"],
        photos=row["photos"],
    )


class ExportRepository:
    """The reports of a period, streamed, and the audit of personal exports."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def reports(self, start: datetime, end: datetime) -> AsyncIterator[ExportedReport]:
        """The reports made in ``start <= created_at < end``, oldest first, read a batch at a
        time."""
        async for rows in self._db.iterate(_SELECT, (to_db(start), to_db(end)), batch=EXPORT_BATCH):
            for row in rows:
                yield _row(row)

    async def audit(
        self,
        *,
        at: datetime,
        operator: str,
        first: date,
        last: date,
        format: str,
        personal: bool,
        count: int,
    ) -> None:
        """Record one export: who ran it, when, the period and format, how many reports."""
        await self._db.execute(
            "INSERT INTO export_audit (at, operator, period_from, period_to, format, personal,"
            " report_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                to_db(at),
                operator,
                first.isoformat(),
                last.isoformat(),
                format,
                int(personal),
                count,
            ),
        )

    async def audit_lines(self) -> list[dict[str, Any]]:
        """Every audited export, oldest first."""
        rows = await self._db.fetchall("SELECT * FROM export_audit ORDER BY id")
        return [dict(row) for row in rows]
