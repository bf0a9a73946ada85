"""Resident reports, their photos, their events and their per-agency state."""

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

Priority = Literal["low", "normal", "high", "urgent"]
ReportStatus = Literal["received", "acknowledged", "in_progress", "resolved", "closed"]
AgencyState = Literal[
    "sent",
    "acknowledged",
    "in_progress",
    "resolved",
    "referred",
    "closed_not_ours",
    "closed_duplicate",
    "closed_no_action",
]


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


@dataclass(frozen=True, slots=True)
class ReportEvent:
    """One thing that happened to a report: who, when, what."""

    id: int
    report_id: int
    at: datetime
    actor: str
    kind: str
    detail: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ReportAgency:
    """A report's state at one agency it was routed to."""

    report_id: int
    agency_id: str
    state: AgencyState
    updated_at: datetime
    ack_by: datetime | None
    resolve_by: datetime | None


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A report open at an agency, for its queue."""

    report: Report
    state: AgencyState
    ack_by: datetime | None
    resolve_by: datetime | None


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
                " created_at, reporter_chat_id, anonymous, contact_phone, priority)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        return None if row is None else await self._with_photos(row)

    async def get_by_ref(self, ref: str) -> Report | None:
        """The report with this reference, however it was typed (case, spaces)."""
        row = await self._db.fetchone("SELECT * FROM reports WHERE ref = ?", (normalise_ref(ref),))
        return None if row is None else await self._with_photos(row)

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
        return [await self._with_photos(row) for row in rows]

    async def list_for_chat(self, chat_id: int, *, limit: int = 20) -> list[Report]:
        """The reports a chat made or follows, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM reports WHERE reporter_chat_id = ? OR id IN"
            " (SELECT report_id FROM report_followers WHERE chat_id = ?)"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            (chat_id, chat_id, limit),
        )
        return [await self._with_photos(row) for row in rows]

    async def latest(self, *, limit: int = 20) -> list[Report]:
        """The most recent reports of every reporter, newest first (an overview of what came
        in)."""
        rows = await self._db.fetchall(
            "SELECT * FROM reports ORDER BY created_at DESC, id DESC LIMIT ?", (limit,)
        )
        return [await self._with_photos(row) for row in rows]

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
        return [await self._with_photos(row) for row in rows]

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

    async def route_to(
        self,
        report_id: int,
        agency_id: str,
        *,
        at: datetime,
        ack_by: datetime | None = None,
        resolve_by: datetime | None = None,
    ) -> bool:
        """Route a report to an agency (state ``sent``); False if it was already routed there."""
        result = await self._db.execute(
            "INSERT INTO report_agencies (report_id, agency_id, state, updated_at, ack_by,"
            " resolve_by) VALUES (?, ?, 'sent', ?, ?, ?)"
            " ON CONFLICT (report_id, agency_id) DO NOTHING",
            (report_id, agency_id, to_db(at), to_db_optional(ack_by), to_db_optional(resolve_by)),
        )
        return result.rowcount > 0

    async def set_agency_state(
        self, report_id: int, agency_id: str, state: AgencyState, *, at: datetime
    ) -> bool:
        """Change one agency's state for a report; False if not routed there."""
        result = await self._db.execute(
            "UPDATE report_agencies SET state = ?, updated_at = ?"
            " WHERE report_id = ? AND agency_id = ?",
            (state, to_db(at), report_id, agency_id),
        )
        return result.rowcount > 0

    async def move_agency_state(
        self,
        report_id: int,
        agency_id: str,
        *,
        from_states: Sequence[AgencyState],
        to: AgencyState,
        at: datetime,
    ) -> bool:
        """Change an agency's state only if it is still one of ``from_states`` (so two officers
        pressing at once change it once); True if this call changed it."""
        marks = ", ".join("?" for _ in from_states)
        sql = (
            "UPDATE report_agencies SET state = ?, updated_at = ?"  # noqa: S608 - the only text added is "?" placeholders
            " WHERE report_id = ? AND agency_id = ? AND state IN (" + marks + ")"
        )
        result = await self._db.execute(sql, (to, to_db(at), report_id, agency_id, *from_states))
        return result.rowcount > 0

    async def open_for_agency(self, agency_id: str, *, limit: int = 30) -> list[QueueEntry]:
        """An agency's open reports (not resolved, referred or closed), oldest first."""
        rows = await self._db.fetchall(
            "SELECT r.*, a.state AS agency_state, a.ack_by AS agency_ack_by,"
            " a.resolve_by AS agency_resolve_by FROM report_agencies a"
            " JOIN reports r ON r.id = a.report_id"
            " WHERE a.agency_id = ? AND a.state IN ('sent', 'acknowledged', 'in_progress')"
            " ORDER BY r.created_at, r.id LIMIT ?",
            (agency_id, limit),
        )
        return [
            QueueEntry(
                report=await self._with_photos(row),
                state=row["agency_state"],
                ack_by=from_db_optional(row["agency_ack_by"]),
                resolve_by=from_db_optional(row["agency_resolve_by"]),
            )
            for row in rows
        ]

    async def agencies(self, report_id: int) -> list[ReportAgency]:
        """The agencies a report was routed to, with their state."""
        rows = await self._db.fetchall(
            "SELECT * FROM report_agencies WHERE report_id = ? ORDER BY agency_id", (report_id,)
        )
        return [
            ReportAgency(
                report_id=row["report_id"],
                agency_id=row["agency_id"],
                state=row["state"],
                updated_at=from_db(row["updated_at"]),
                ack_by=from_db_optional(row["ack_by"]),
                resolve_by=from_db_optional(row["resolve_by"]),
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

    async def _with_photos(self, row: aiosqlite.Row) -> Report:
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
        )

    # -- reminders (bot/reminders.py): routings past their targets, and marks of what was done

    async def due_for_reminder(self, now: datetime, *, limit: int = 100) -> list[LateRouting]:
        """Routings still ``sent`` whose acknowledge-by time has passed, not yet reminded."""
        return await self._late_routings(
            "a.state = 'sent' AND a.ack_by IS NOT NULL AND a.ack_by <= ? AND a.reminded_at IS NULL",
            to_db(now),
            limit,
        )

    async def due_for_escalation(
        self, reminded_before: datetime, *, limit: int = 100
    ) -> list[LateRouting]:
        """Routings still ``sent`` reminded at or before ``reminded_before``, not yet escalated."""
        return await self._late_routings(
            "a.state = 'sent' AND a.reminded_at IS NOT NULL AND a.reminded_at <= ?"
            " AND a.escalated_at IS NULL",
            to_db(reminded_before),
            limit,
        )

    async def due_for_overdue_list(self, now: datetime, *, limit: int = 100) -> list[LateRouting]:
        """Routings not resolved (sent, acknowledged, in progress) whose resolve-by time has
        passed, not yet listed for the admins."""
        return await self._late_routings(
            "a.state IN ('sent', 'acknowledged', 'in_progress') AND a.resolve_by IS NOT NULL"
            " AND a.resolve_by <= ? AND a.overdue_listed_at IS NULL",
            to_db(now),
            limit,
        )

    async def mark_reminded(self, report_id: int, agency_id: str, *, at: datetime) -> bool:
        """Record that the agency was reminded; False if it already was (or is not routed)."""
        return await self._mark_once("reminded_at", report_id, agency_id, at)

    async def mark_escalated(self, report_id: int, agency_id: str, *, at: datetime) -> bool:
        """Record that the admins were told; False if they already were (or is not routed)."""
        return await self._mark_once("escalated_at", report_id, agency_id, at)

    async def mark_overdue_listed(self, report_id: int, agency_id: str, *, at: datetime) -> bool:
        """Record that the admins were told it is overdue; False if they already were."""
        return await self._mark_once("overdue_listed_at", report_id, agency_id, at)

    async def _mark_once(
        self,
        column: Literal["reminded_at", "escalated_at", "overdue_listed_at"],
        report_id: int,
        agency_id: str,
        at: datetime,
    ) -> bool:
        """Set a routing's moment column if it is still empty; whether this call set it."""
        result = await self._db.execute(
            f"UPDATE report_agencies SET {column} = ?"  # noqa: S608 - column is one of three fixed names
            f" WHERE report_id = ? AND agency_id = ? AND {column} IS NULL",
            (to_db(at), report_id, agency_id),
        )
        return result.rowcount > 0

    async def _late_routings(self, condition: str, moment: str, limit: int) -> list[LateRouting]:
        rows = await self._db.fetchall(
            "SELECT a.report_id, a.agency_id, a.state, a.ack_by, a.resolve_by, a.reminded_at,"  # noqa: S608 - condition is one of the fixed texts above
            " r.ref, r.category, r.priority FROM report_agencies a"
            " JOIN reports r ON r.id = a.report_id WHERE " + condition + " ORDER BY a.report_id,"
            " a.agency_id LIMIT ?",
            (moment, limit),
        )
        return [
            LateRouting(
                report_id=row["report_id"],
                ref=row["ref"],
                category=row["category"],
                priority=row["priority"],
                agency_id=row["agency_id"],
                state=row["state"],
                ack_by=from_db_optional(row["ack_by"]),
                resolve_by=from_db_optional(row["resolve_by"]),
                reminded_at=from_db_optional(row["reminded_at"]),
            )
            for row in rows
        ]


@dataclass(frozen=True, slots=True)
class LateRouting:
    """A routing past one of its targets, with what a reminder may say (no details)."""

    report_id: int
    ref: str
    category: str
    priority: Priority
    agency_id: str
    state: AgencyState
    ack_by: datetime | None
    resolve_by: datetime | None
    reminded_at: datetime | None
