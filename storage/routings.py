"""Each agency's part in a report: its routing (state, targets), the agencies' queues, and the
routings past their targets that the reminders act on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from storage.db import Database
from storage.reports import Priority, Report, ReportRepository
from storage.timestamps import from_db, from_db_optional, to_db, to_db_optional

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


# The states that answer a report (the first of them is the agency's acknowledgement), and those
# that finish it (its resolution); a referral answers it and leaves it to another agency. The
# first time a routing reaches each is kept (answered_at, finished_at) for the statistics.
ANSWERED: tuple[AgencyState, ...] = (
    "acknowledged",
    "in_progress",
    "resolved",
    "referred",
    "closed_not_ours",
    "closed_duplicate",
    "closed_no_action",
)
FINISHED: tuple[AgencyState, ...] = (
    "resolved",
    "closed_not_ours",
    "closed_duplicate",
    "closed_no_action",
)


def _firsts(state: AgencyState, at: datetime) -> tuple[str | None, ...]:
    """The answered and finished times a move to ``state`` at ``at`` sets, if not set yet (the
    parameters of :data:`_SET_FIRSTS`)."""
    moment = to_db(at)
    answered = moment if state in ANSWERED else None
    finished = moment if state in FINISHED else None
    return (answered, answered, answered, finished, finished, finished)


# Minutes since the routing, as precisely as the statistics say a time: to the minute under 6
# hours, to 10 minutes under 2 days, to the hour beyond (so the distribution has few values).
_MINUTES_SINCE_ROUTED = (
    "(SELECT CAST(CASE WHEN m < 360 THEN ROUND(m) WHEN m < 2880 THEN ROUND(m / 10) * 10"
    " ELSE ROUND(m / 60) * 60 END AS INTEGER)"
    " FROM (SELECT (julianday(?) - julianday(routed_at)) * 1440 AS m))"
)
_SET_FIRSTS = (
    " answer_minutes = CASE WHEN answered_at IS NULL AND ? IS NOT NULL"
    f" THEN {_MINUTES_SINCE_ROUTED} ELSE answer_minutes END,"
    " answered_at = COALESCE(answered_at, ?),"
    " finish_minutes = CASE WHEN finished_at IS NULL AND ? IS NOT NULL"
    f" THEN {_MINUTES_SINCE_ROUTED} ELSE finish_minutes END,"
    " finished_at = COALESCE(finished_at, ?)"
)
"""The first answered and finished times, and the minutes since the routing, set once."""


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


# Open routings (sent, acknowledged, in progress) with their reports, for the queues.
_OPEN_ROUTINGS = (
    "SELECT r.*, a.agency_id AS agency_id, a.state AS agency_state, a.ack_by AS agency_ack_by,"
    " a.resolve_by AS agency_resolve_by FROM report_agencies a"
    " JOIN reports r ON r.id = a.report_id"
    " WHERE a.state IN ('sent', 'acknowledged', 'in_progress')"
)


class RoutingRepository:
    """Reports' routings to agencies: who has each report, in what state, by when."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db
        self._reports = ReportRepository(db)

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
            " resolve_by, routed_at) VALUES (?, ?, 'sent', ?, ?, ?, ?)"
            " ON CONFLICT (report_id, agency_id) DO NOTHING",
            (
                report_id,
                agency_id,
                to_db(at),
                to_db_optional(ack_by),
                to_db_optional(resolve_by),
                to_db(at),
            ),
        )
        return result.rowcount > 0

    async def set_agency_state(
        self, report_id: int, agency_id: str, state: AgencyState, *, at: datetime
    ) -> bool:
        """Change one agency's state for a report; False if not routed there."""
        result = await self._db.execute(
            "UPDATE report_agencies SET state = ?, updated_at = ?,"  # noqa: S608 - fixed texts
            + _SET_FIRSTS
            + " WHERE report_id = ? AND agency_id = ?",
            (state, to_db(at), *_firsts(state, at), report_id, agency_id),
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
            "UPDATE report_agencies SET state = ?, updated_at = ?,"  # noqa: S608 - the only text added is "?" placeholders
            + _SET_FIRSTS
            + " WHERE report_id = ? AND agency_id = ? AND state IN ("
            + marks
            + ")"
        )
        params = (to, to_db(at), *_firsts(to, at), report_id, agency_id, *from_states)
        result = await self._db.execute(sql, params)
        return result.rowcount > 0

    async def open_for_agency(self, agency_id: str, *, limit: int = 30) -> list[QueueEntry]:
        """An agency's open reports (not resolved, referred or closed), oldest first."""
        rows = await self._db.fetchall(
            _OPEN_ROUTINGS + " AND a.agency_id = ? ORDER BY r.created_at, r.id LIMIT ?",
            (agency_id, limit),
        )
        return [await self._queue_entry(row) for row in rows]

    async def open_everywhere(self) -> list[tuple[str, QueueEntry]]:
        """Every agency's open reports, each with the agency it is open at; by agency, each
        agency's oldest first."""
        rows = await self._db.fetchall(_OPEN_ROUTINGS + " ORDER BY a.agency_id, r.created_at, r.id")
        return [(row["agency_id"], await self._queue_entry(row)) for row in rows]

    async def _queue_entry(self, row: aiosqlite.Row) -> QueueEntry:
        return QueueEntry(
            report=await self._reports.from_row(row),
            state=row["agency_state"],
            ack_by=from_db_optional(row["agency_ack_by"]),
            resolve_by=from_db_optional(row["agency_resolve_by"]),
        )

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

    # -- reminders (bot/outbox/reminders.py): routings past their targets, marks of what was done

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
