"""The statistics' aggregate queries: every count is made by SQLite (GROUP BY over the covering
index of migration 0014), so a year of a busy district comes back as a few hundred rows.

Periods are half-open ranges of stored UTC times, ``start <= created_at < end``; the caller turns
its inclusive local dates into them. ``agency`` narrows every query to the reports routed to
that agency (an officer's view).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timestamps import to_db

# The agency states that answer a report (the first of them is its acknowledgement) and those
# that finish it (its resolution). A referral answers it but leaves it to another agency.
ANSWERED = (
    "acknowledged",
    "in_progress",
    "resolved",
    "referred",
    "closed_not_ours",
    "closed_duplicate",
    "closed_no_action",
)
FINISHED = ("resolved", "closed_not_ours", "closed_duplicate", "closed_no_action")


@dataclass(frozen=True, slots=True)
class CountRow:
    """How many reports of a category came from one area and ward in the period."""

    category: str
    area_id: str | None
    ward: str | None
    count: int


@dataclass(frozen=True, slots=True)
class Spot:
    """A small square of the map reported again and again: how often, and its area."""

    count: int
    area_id: str | None


@dataclass(frozen=True, slots=True)
class DurationCount:
    """How many of an agency's routings took this many whole minutes (to answer or to finish)."""

    agency_id: str
    minutes: int
    count: int


@dataclass(frozen=True, slots=True)
class TargetTally:
    """An agency's routings of the period against one of their targets."""

    agency_id: str
    routed: int
    done: int  # answered (or finished) at all
    judged: int  # with a target, and either done or past it
    within: int  # done by the target


@dataclass(frozen=True, slots=True)
class AnswerCount:
    """How many reports of the given categories chose an option of a question."""

    option_id: str
    count: int


def _agency_filter(agency: str | None) -> tuple[str, tuple[str, ...]]:
    if agency is None:
        return "", ()
    return " AND id IN (SELECT report_id FROM report_agencies WHERE agency_id = ?)", (agency,)


class StatsRepository:
    """Aggregates over a period's reports and their routings."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def counts(
        self, start: datetime, end: datetime, *, agency: str | None = None
    ) -> list[CountRow]:
        """The period's reports counted by category, area and ward."""
        narrow, extra = _agency_filter(agency)
        rows = await self._db.fetchall(
            "SELECT category, area_id, ward, COUNT(*) AS n FROM reports"  # noqa: S608 - the filter is a fixed text
            " WHERE created_at >= ? AND created_at < ?"
            + narrow
            + " GROUP BY category, area_id, ward",
            (to_db(start), to_db(end), *extra),
        )
        return [CountRow(r["category"], r["area_id"], r["ward"], r["n"]) for r in rows]

    async def repeat_spots(
        self,
        start: datetime,
        end: datetime,
        *,
        cell_degrees: tuple[float, float],
        at_least: int,
        agency: str | None = None,
    ) -> list[Spot]:
        """Squares of the map (``cell_degrees`` of latitude and longitude) with at least
        ``at_least`` of the period's reports, most reported first."""
        narrow, extra = _agency_filter(agency)
        lat_cell, lon_cell = cell_degrees
        rows = await self._db.fetchall(
            "SELECT COUNT(*) AS n, MIN(area_id) AS area_id FROM reports"  # noqa: S608 - the filter is a fixed text
            " WHERE created_at >= ? AND created_at < ? AND latitude IS NOT NULL" + narrow + ""
            " GROUP BY CAST(ROUND(latitude / ?) AS INTEGER), CAST(ROUND(longitude / ?) AS INTEGER)"
            " HAVING COUNT(*) >= ? ORDER BY n DESC, area_id",
            (to_db(start), to_db(end), *extra, lat_cell, lon_cell, at_least),
        )
        return [Spot(r["n"], r["area_id"]) for r in rows]

    async def durations(
        self, start: datetime, end: datetime, *, finished: bool, agency: str | None = None
    ) -> list[DurationCount]:
        """For each agency, how many of the period's routings took each whole number of
        minutes from the report to its first answer (or, with ``finished``, to its
        resolution)."""
        sql, params = self._routed(start, end, finished=finished, agency=agency)
        rows = await self._db.fetchall(
            "SELECT agency_id, CAST(ROUND((julianday(done_at) - julianday(start_at)) * 1440)"  # noqa: S608 - built from fixed texts
            " AS INTEGER) AS minutes, COUNT(*) AS n FROM (" + sql + ")"
            " WHERE done_at IS NOT NULL GROUP BY agency_id, minutes",
            params,
        )
        return [DurationCount(r["agency_id"], max(r["minutes"], 0), r["n"]) for r in rows]

    async def target_tallies(
        self,
        start: datetime,
        end: datetime,
        *,
        finished: bool,
        now: datetime,
        agency: str | None = None,
    ) -> list[TargetTally]:
        """For each agency, its routings of the period against the target to answer (or, with
        ``finished``, to resolve): a routing not yet done is judged late once its target has
        passed, and not judged while it may still be in time."""
        sql, params = self._routed(start, end, finished=finished, agency=agency)
        rows = await self._db.fetchall(
            "SELECT agency_id, COUNT(*) AS routed,"  # noqa: S608 - built from fixed texts
            " SUM(done_at IS NOT NULL) AS done,"
            " SUM(deadline IS NOT NULL AND (done_at IS NOT NULL OR deadline <= ?)) AS judged,"
            " SUM(deadline IS NOT NULL AND done_at IS NOT NULL AND done_at <= deadline) AS within"
            " FROM (" + sql + ") GROUP BY agency_id ORDER BY agency_id",
            (to_db(now), *params),
        )
        return [
            TargetTally(r["agency_id"], r["routed"], r["done"], r["judged"], r["within"])
            for r in rows
        ]

    @staticmethod
    def _routed(
        start: datetime, end: datetime, *, finished: bool, agency: str | None
    ) -> tuple[str, tuple[object, ...]]:
        """The period's routings: agency, when the report came, its target, and when the
        agency first answered (or finished) it, from the officers' events."""
        kinds = FINISHED if finished else ANSWERED
        marks = ", ".join("?" for _ in kinds)
        deadline = "a.resolve_by" if finished else "a.ack_by"
        narrow = " AND a.agency_id = ?" if agency is not None else ""
        sql = (
            "SELECT a.agency_id AS agency_id, r.created_at AS start_at, "  # noqa: S608 - fixed texts and "?" marks
            + deadline
            + " AS deadline, (SELECT MIN(e.at) FROM report_events e WHERE e.report_id = a.report_id"
            " AND e.kind IN (" + marks + ") AND json_extract(e.detail, '$.agency') = a.agency_id)"
            " AS done_at FROM report_agencies a JOIN reports r ON r.id = a.report_id"
            " WHERE r.created_at >= ? AND r.created_at < ?" + narrow
        )
        params: tuple[object, ...] = (*kinds, to_db(start), to_db(end))
        if agency is not None:
            params = (*params, agency)
        return sql, params

    async def answer_counts(
        self,
        start: datetime,
        end: datetime,
        *,
        categories: Sequence[str],
        question: str,
        agency: str | None = None,
    ) -> list[AnswerCount]:
        """How many of the period's reports in these categories chose each option of a
        question (a multiple choice counts once for each option chosen)."""
        if not categories:
            return []
        narrow, extra = _agency_filter(agency)
        marks = ", ".join("?" for _ in categories)
        rows = await self._db.fetchall(
            "SELECT j.value AS option_id, COUNT(*) AS n FROM reports,"  # noqa: S608 - fixed texts and "?" marks
            " json_each(reports.answers, ?) AS j"
            " WHERE created_at >= ? AND created_at < ? AND category IN (" + marks + ")"
            " AND j.value IS NOT NULL AND j.type = 'text'"
            + narrow.replace(" id IN", " reports.id IN")
            + " GROUP BY j.value",
            ("$." + _json_key(question), to_db(start), to_db(end), *categories, *extra),
        )
        return [AnswerCount(r["option_id"], r["n"]) for r in rows]


def _json_key(key: str) -> str:
    """A question id as a JSON path member (ids are lower-case letters, digits, - and _)."""
    return '"' + key.replace('"', "") + '"'
