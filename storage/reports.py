"""Resident reports, their photos, their followers and their events. Each agency's part in a
report (its routing) is in :mod:`storage.routings`."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import aiosqlite

from storage.db import Database
from storage.jsontext import dumps, loads_object
from storage.timestamps import from_db, from_db_optional, to_db, to_db_optional, utc_now

logger = logging.getLogger(__name__)

# The one definition of a report's priority: config and routing import it from here.
Priority = Literal["low", "normal", "high", "urgent"]
ReportStatus = Literal["received", "acknowledged", "in_progress", "resolved", "closed"]


def normalise_ref(ref: str) -> str:
    """Canonical form of a typed reference: trimmed and upper-case."""
    return ref.strip().upper()


@dataclass(frozen=True, slots=True)
class NewReport:
    """A report as submitted, before it has an id."""

    ref: str
    category: str
    created_at: datetime
    answers: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_text: str | None = None
    ward: str | None = None
    outside_district: bool = False
    needs_location_check: bool = False
    occurred_at: datetime | None = None
    reporter_chat_id: int | None = None
    anonymous: bool = False
    contact_phone: str | None = None
    priority: Priority = "normal"
    photos: Sequence[str] = ()
    draft_token: str | None = None  # the draft it was submitted from (see get_by_draft)
    area_id: str | None = None  # the configured area of its point (bot.geo.areas)


@dataclass(frozen=True, slots=True)
class Report:
    """A stored report."""

    id: int
    ref: str
    category: str
    answers: Mapping[str, Any]
    description: str
    latitude: float | None
    longitude: float | None
    location_text: str | None
    ward: str | None
    outside_district: bool
    needs_location_check: bool
    occurred_at: datetime | None
    created_at: datetime
    reporter_chat_id: int | None
    anonymous: bool
    contact_phone: str | None
    priority: Priority
    status: ReportStatus
    photos: tuple[str, ...]
    area_id: str | None = None
    """The configured area its point is in (None without a point, or outside every area)."""


@dataclass(frozen=True, slots=True)
class ReportEvent:
    """One thing that happened to a report: who, when, what."""

    id: int
    report_id: int
    at: datetime
    actor: str
    kind: str
    detail: Mapping[str, Any]


class ReportRepository:
    """Reports and everything hanging off them."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def create(
        self, new: NewReport, *, actor: str, detail: Mapping[str, Any] | None = None
    ) -> Report:
        """Store a report, its photos and a first ``submitted`` event; return it."""
        if new.anonymous and (new.reporter_chat_id is not None or new.contact_phone):
            raise ValueError("an anonymous report cannot carry a chat id or phone number")
        async with self._db.transaction():
            result = await self._db.execute(
                "INSERT INTO reports (ref, category, answers, description, latitude, longitude,"
                " location_text, ward, outside_district, needs_location_check, occurred_at,"
                " created_at, reporter_chat_id, anonymous, contact_phone, priority, draft_token,"
                " area_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    normalise_ref(new.ref),
                    new.category,
                    dumps(dict(new.answers)),
                    new.description,
                    new.latitude,
                    new.longitude,
                    new.location_text,
                    new.ward,
                    int(new.outside_district),
                    int(new.needs_location_check),
                    to_db_optional(new.occurred_at),
                    to_db(new.created_at),
                    new.reporter_chat_id,
                    int(new.anonymous),
                    new.contact_phone,
                    new.priority,
                    new.draft_token,
                    new.area_id,
                ),
            )
            report_id = result.inserted_id
            await self._db.executemany(
                "INSERT INTO report_photos (report_id, position, file_id) VALUES (?, ?, ?)",
                [(report_id, position, file_id) for position, file_id in enumerate(new.photos)],
            )
            await self.add_event(
                report_id, actor=actor, kind="submitted", detail=detail, at=new.created_at
            )
            report = await self.get(report_id)
        assert report is not None
        logger.info("report %s stored (category %s)", report.ref, report.category)
        return report

    async def get(self, report_id: int) -> Report | None:
        """The report with this id, if any."""
        row = await self._db.fetchone("SELECT * FROM reports WHERE id = ?", (report_id,))
        return None if row is None else await self.from_row(row)

    async def get_by_ref(self, ref: str) -> Report | None:
        """The report with this reference, however it was typed (case, spaces)."""
        row = await self._db.fetchone("SELECT * FROM reports WHERE ref = ?", (normalise_ref(ref),))
        return None if row is None else await self.from_row(row)

    async def get_by_draft(self, draft_token: str) -> Report | None:
        """The report submitted from the draft with this token, if one was."""
        row = await self._db.fetchone("SELECT * FROM reports WHERE draft_token = ?", (draft_token,))
        return None if row is None else await self.from_row(row)

    async def ref_exists(self, ref: str) -> bool:
        """Whether a reference is already taken."""
        found = await self._db.fetchvalue(
            "SELECT 1 FROM reports WHERE ref = ?", (normalise_ref(ref),)
        )
        return found is not None

    async def list_by_reporter(self, chat_id: int, *, limit: int = 20) -> list[Report]:
        """A reporter's reports, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM reports WHERE reporter_chat_id = ?"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            (chat_id, limit),
        )
        return [await self.from_row(row) for row in rows]

    async def list_for_chat(self, chat_id: int, *, limit: int = 20) -> list[Report]:
        """The reports a chat made or follows, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM reports WHERE reporter_chat_id = ? OR id IN"
            " (SELECT report_id FROM report_followers WHERE chat_id = ?)"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            (chat_id, chat_id, limit),
        )
        return [await self.from_row(row) for row in rows]

    async def latest(self, *, limit: int = 20) -> list[Report]:
        """The most recent reports of every reporter, newest first (an overview of what came
        in)."""
        rows = await self._db.fetchall(
            "SELECT * FROM reports ORDER BY created_at DESC, id DESC LIMIT ?", (limit,)
        )
        return [await self.from_row(row) for row in rows]

    async def open_in_box(
        self,
        category: str,
        *,
        south: float,
        north: float,
        west: float,
        east: float,
        since: datetime,
    ) -> list[Report]:
        """Open reports of a category made since ``since`` inside a latitude/longitude box."""
        rows = await self._db.fetchall(
            "SELECT * FROM reports WHERE category = ? AND latitude BETWEEN ? AND ?"
            " AND longitude BETWEEN ? AND ? AND created_at >= ?"
            " AND status NOT IN ('resolved', 'closed') ORDER BY created_at DESC, id DESC",
            (category, south, north, west, east, to_db(since)),
        )
        return [await self.from_row(row) for row in rows]

    async def add_follower(
        self, report_id: int, chat_id: int | None, *, at: datetime, detail: Mapping[str, Any]
    ) -> None:
        """Record a resident who reported the same thing: their details become an event, and a
        contactable one (``chat_id``) follows the report."""
        async with self._db.transaction():
            if chat_id is not None:
                await self._db.execute(
                    "INSERT INTO report_followers (report_id, chat_id, joined_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (report_id, chat_id) DO NOTHING",
                    (report_id, chat_id, to_db(at)),
                )
            await self.add_event(
                report_id, actor="resident", kind="same_reported", detail=detail, at=at
            )

    async def followers(self, report_id: int) -> list[int]:
        """The chats following a report (besides its reporter)."""
        rows = await self._db.fetchall(
            "SELECT chat_id FROM report_followers WHERE report_id = ? AND chat_id IS NOT NULL"
            " ORDER BY id",
            (report_id,),
        )
        return [int(row["chat_id"]) for row in rows]

    async def set_status(self, report_id: int, status: ReportStatus) -> bool:
        """Set the report's derived status for the resident; True if the report exists."""
        result = await self._db.execute(
            "UPDATE reports SET status = ? WHERE id = ?", (status, report_id)
        )
        return result.rowcount > 0

    async def add_event(
        self,
        report_id: int,
        *,
        actor: str,
        kind: str,
        detail: Mapping[str, Any] | None = None,
        at: datetime | None = None,
    ) -> ReportEvent:
        """Record an event on a report and return it."""
        moment = at or utc_now()
        payload = dict(detail or {})
        result = await self._db.execute(
            "INSERT INTO report_events (report_id, at, actor, kind, detail) VALUES (?, ?, ?, ?, ?)",
            (report_id, to_db(moment), actor, kind, dumps(payload)),
        )
        return ReportEvent(
            id=result.inserted_id,
            report_id=report_id,
            at=from_db(to_db(moment)),
            actor=actor,
            kind=kind,
            detail=payload,
        )

    async def list_events(self, report_id: int) -> list[ReportEvent]:
        """A report's events, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM report_events WHERE report_id = ? ORDER BY at, id", (report_id,)
        )
        return [
            ReportEvent(
                id=row["id"],
                report_id=row["report_id"],
                at=from_db(row["at"]),
                actor=row["actor"],
                kind=row["kind"],
                detail=loads_object(row["detail"]),
            )
            for row in rows
        ]

    async def count_by_category(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, int]:
        """Reports per category created in ``[since, until)`` (either bound optional)."""
        rows = await self._db.fetchall(
            "SELECT category, COUNT(*) AS n FROM reports"
            " WHERE (? IS NULL OR created_at >= ?) AND (? IS NULL OR created_at < ?)"
            " GROUP BY category ORDER BY category",
            (
                to_db_optional(since),
                to_db_optional(since),
                to_db_optional(until),
                to_db_optional(until),
            ),
        )
        return {row["category"]: row["n"] for row in rows}

    async def from_row(self, row: aiosqlite.Row) -> Report:
        """The report a ``reports`` row holds, with its photos."""
        photos = await self._db.fetchall(
            "SELECT file_id FROM report_photos WHERE report_id = ? ORDER BY position",
            (row["id"],),
        )
        return Report(
            id=row["id"],
            ref=row["ref"],
            category=row["category"],
            answers=loads_object(row["answers"]),
            description=row["description"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            location_text=row["location_text"],
            ward=row["ward"],
            outside_district=bool(row["outside_district"]),
            needs_location_check=bool(row["needs_location_check"]),
            occurred_at=from_db_optional(row["occurred_at"]),
            created_at=from_db(row["created_at"]),
            reporter_chat_id=row["reporter_chat_id"],
            anonymous=bool(row["anonymous"]),
            contact_phone=row["contact_phone"],
            priority=row["priority"],
            status=row["status"],
            photos=tuple(photo["file_id"] for photo in photos),
            area_id=row["area_id"],
        )
