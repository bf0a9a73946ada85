"""The weekly picture's queries beyond the statistics' counts: each agency's open and overdue
reports at a moment, and how many reports were resolved in a week.

A routing is open at a moment when it was routed before it and not finished (resolved or
closed) by then; a routing referred on to another agency is that agency's now, so it is not
counted as open at the one that referred it. An open routing is overdue when its resolve-by
time had passed by that moment. A report is resolved when one of its agencies resolved it
(closing it as not ours, a duplicate or with no further action is not resolving it). Times are
stored UTC; ``start <= t < end`` as in :mod:`storage.stats`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timestamps import to_db


@dataclass(frozen=True, slots=True)
class AgencyLoad:
    """How many of an agency's routings were open at a moment, and how many of those were
    past their resolve-by time."""

    agency_id: str
    open: int
    overdue: int


class WeeklyRepository:
    """The weekly picture's counts of open, overdue and resolved reports."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def open_by_agency(self, at: datetime) -> list[AgencyLoad]:
        """Each agency with routings open at ``at``: how many, and how many overdue then."""
        moment = to_db(at)
        rows = await self._db.fetchall(
            "SELECT agency_id, COUNT(*) AS open,"
            " SUM(resolve_by IS NOT NULL AND resolve_by < ?) AS overdue"
            " FROM report_agencies"
            " WHERE routed_at < ? AND (finished_at IS NULL OR finished_at >= ?)"
            " AND state <> 'referred'"
            " GROUP BY agency_id ORDER BY agency_id",
            (moment, moment, moment),
        )
        return [AgencyLoad(r["agency_id"], r["open"], r["overdue"] or 0) for r in rows]

    async def resolved_between(self, start: datetime, end: datetime) -> int:
        """How many reports were resolved in the period: a report counts once, in the period
        of the first of its agencies to resolve it."""
        value = await self._db.fetchvalue(
            "SELECT COUNT(*) FROM (SELECT report_id FROM report_agencies"
            " WHERE state = 'resolved' AND finished_at IS NOT NULL"
            " GROUP BY report_id HAVING MIN(finished_at) >= ? AND MIN(finished_at) < ?)",
            (to_db(start), to_db(end)),
        )
        return int(value or 0)
