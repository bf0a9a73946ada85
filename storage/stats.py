"""The statistics' aggregate queries. Every count is made by SQLite from a range of an index
(migration 0014), so a year of a busy district costs a few index ranges, not a read of its
reports:

- counts by category, area or ward: the distinct values are found by a loose index scan (a
  recursive query that jumps from each value to the next), then each value's reports of the
  period are counted in its (value, created_at) index range;
- repeat locations: the squares of the map, kept in an index, read in its order;
- response times: from each routing's own row (routed, answered and finished times).

Periods are half-open ranges of stored UTC times, ``start <= t < end``; the caller turns its
inclusive local dates into them. ``agency`` narrows the report counts to the reports routed to
that agency, and the response times to that agency (an officer's view).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from storage.db import Database
from storage.timestamps import to_db

Dimension = Literal["category", "area_id", "ward"]
"""What reports are counted by; each has its (column, created_at) index."""

SPOT_SQUARES = (2000, 1250)
"""Repeat locations: squares of 1/2000 degree of latitude by 1/1250 degree of longitude (about
55 m each way in Britain), as in the index reports_by_spot of migration 0014."""
SPOT_SIDE_M = 55


@dataclass(frozen=True, slots=True)
class RepeatArea:
    """The squares of the map in one area reported again and again: how many squares, how many
    reports in them, the most at one square."""

    area_id: str | None
    spots: int
    reports: int
    most: int


@dataclass(frozen=True, slots=True)
class DurationCount:
    """How many of an agency's routings took this many whole minutes (to answer or to finish)."""

    agency_id: str
    minutes: int
    count: int


@dataclass(frozen=True, slots=True)
class TargetTally:
    """An agency's routings of the period against their targets: how many were answered
    (finished) at all, how many can be judged (with a target, and done or past it), how many
    were done by the target."""

    agency_id: str
    routed: int
    answered: int
    ack_judged: int
    ack_within: int
    finished: int
    resolve_judged: int
    resolve_within: int


@dataclass(frozen=True, slots=True)
class AnswerCount:
    """How many reports of the given categories chose an option of a question."""

    option_id: str
    count: int


_DIMENSIONS: dict[Dimension, str] = {"category": "category", "area_id": "area_id", "ward": "ward"}


def _agency_filter(agency: str | None, column: str = "id") -> tuple[str, tuple[str, ...]]:
    if agency is None:
        return "", ()
    return (
        f" AND {column} IN (SELECT report_id FROM report_agencies WHERE agency_id = ?)",  # noqa: S608 - the column is ours
        (agency,),
    )


class StatsRepository:
    """Aggregates over a period's reports and their routings."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def counts(
        self, by: Dimension, start: datetime, end: datetime, *, agency: str | None = None
    ) -> dict[str | None, int]:
        """The period's reports counted by category, area or ward (None: reports without
        one); values with no report in the period are left out."""
        column = _DIMENSIONS[by]
        narrow, extra = _agency_filter(agency, "r.id")
        period = (to_db(start), to_db(end))
        in_period = " AND r.created_at >= ? AND r.created_at < ?" + narrow
        sql = (
            "WITH RECURSIVE keys(k) AS ("  # noqa: S608 - the column is one of _DIMENSIONS
            f" SELECT (SELECT MIN({column}) FROM reports)"
            f" UNION ALL SELECT (SELECT MIN({column}) FROM reports WHERE {column} > keys.k)"
            " FROM keys WHERE keys.k IS NOT NULL)"
            f" SELECT k, (SELECT COUNT(*) FROM reports r WHERE r.{column} = keys.k{in_period})"
            " AS n FROM keys WHERE k IS NOT NULL"
            f" UNION ALL SELECT NULL, (SELECT COUNT(*) FROM reports r"
            f" WHERE r.{column} IS NULL{in_period})"
        )
        rows = await self._db.fetchall(sql, (*period, *extra, *period, *extra))
        return {row[0]: row[1] for row in rows if row[1]}

    async def counts_in(
        self,
        by: Dimension,
        start: datetime,
        end: datetime,
        *,
        categories: Sequence[str],
        agency: str | None = None,
    ) -> dict[str | None, int]:
        """The period's reports of these categories counted by area or ward (for the few
        reports of the sensitive categories)."""
        if not categories:
            return {}
        column = _DIMENSIONS[by]
        narrow, extra = _agency_filter(agency)
        marks = ", ".join("?" for _ in categories)
        rows = await self._db.fetchall(
            f"SELECT {column}, COUNT(*) FROM reports"  # noqa: S608 - a column of _DIMENSIONS, "?" marks
            " WHERE category IN ("
            + marks
            + ") AND created_at >= ? AND created_at < ?"
            + narrow
            + f" GROUP BY {column}",
            (*categories, to_db(start), to_db(end), *extra),
        )
        return {row[0]: row[1] for row in rows}

    async def repeat_spots(
        self, start: datetime, end: datetime, *, at_least: int, agency: str | None = None
    ) -> list[RepeatArea]:
        """Squares of the map (:data:`SPOT_SQUARES`) with at least ``at_least`` of the
        period's reports, summed up by area (a square's area: the first of its reports'), most
        squares first."""
        narrow, extra = _agency_filter(agency)
        rows = await self._db.fetchall(
            # SQLite's planner prefers the range of reports_by_created, then a sort: the squares'
            # index (SQLite-only syntax here) reads them in order instead.
            "SELECT area_id, COUNT(*) AS spots, SUM(n) AS reports, MAX(n) AS most FROM ("  # noqa: S608 - a fixed text
            "SELECT COUNT(*) AS n, MIN(area_id) AS area_id FROM reports"
            " INDEXED BY reports_by_spot"
            " WHERE latitude IS NOT NULL AND created_at >= ? AND created_at < ?"
            + narrow
            + " GROUP BY CAST(ROUND(latitude * 2000) AS INTEGER),"
            " CAST(ROUND(longitude * 1250) AS INTEGER)"
            " HAVING COUNT(*) >= ?) GROUP BY area_id ORDER BY spots DESC, area_id",
            (to_db(start), to_db(end), *extra, at_least),
        )
        return [RepeatArea(r["area_id"], r["spots"], r["reports"], r["most"]) for r in rows]

    async def durations(
        self, start: datetime, end: datetime, *, finished: bool, agency: str | None = None
    ) -> list[DurationCount]:
        """For each agency, how many of its routings made in the period took each number of
        minutes (as storage.routings keeps them: to the minute, 10 minutes or hour) from the
        routing to its first answer (or, with ``finished``, to its resolution): read in the
        order of the minutes index, without a sort."""
        column, index = (
            ("finish_minutes", "report_agencies_by_finish")
            if finished
            else ("answer_minutes", "report_agencies_by_answer")
        )
        narrow = " AND agency_id = ?" if agency is not None else ""
        rows = await self._db.fetchall(
            # SQLite-only: INDEXED BY keeps the planner off the routed_at range and its sort.
            f"SELECT agency_id, {column} AS minutes, COUNT(*) AS n"  # noqa: S608 - fixed texts
            f" FROM report_agencies INDEXED BY {index} WHERE {column} IS NOT NULL"
            " AND routed_at >= ? AND routed_at < ?" + narrow + f" GROUP BY agency_id, {column}",
            (to_db(start), to_db(end), *((agency,) if agency is not None else ())),
        )
        return [DurationCount(r["agency_id"], max(r["minutes"], 0), r["n"]) for r in rows]

    async def target_tallies(
        self, start: datetime, end: datetime, *, now: datetime, agency: str | None = None
    ) -> list[TargetTally]:
        """For each agency, its routings made in the period against their targets to answer
        and to resolve: a routing not yet done is judged late once its target has passed, and
        not judged while it may still be in time. One index range per agency."""
        if agency is None:
            found = await self._db.fetchall(
                "WITH RECURSIVE keys(k) AS (SELECT (SELECT MIN(agency_id) FROM report_agencies)"
                " UNION ALL SELECT (SELECT MIN(agency_id) FROM report_agencies"
                " WHERE agency_id > keys.k) FROM keys WHERE keys.k IS NOT NULL)"
                " SELECT k FROM keys WHERE k IS NOT NULL"
            )
            agencies = [row[0] for row in found]
        else:
            agencies = [agency]
        moment = to_db(now)
        tallies = []
        for agency_id in agencies:
            row = await self._db.fetchone(
                "SELECT COUNT(*) AS routed,"
                " SUM(answered_at IS NOT NULL) AS answered,"
                " SUM(ack_by IS NOT NULL AND (answered_at IS NOT NULL OR ack_by <= ?))"
                " AS ack_judged,"
                " SUM(ack_by IS NOT NULL AND answered_at <= ack_by) AS ack_within,"
                " SUM(finished_at IS NOT NULL) AS finished,"
                " SUM(resolve_by IS NOT NULL AND (finished_at IS NOT NULL OR resolve_by <= ?))"
                " AS resolve_judged,"
                " SUM(resolve_by IS NOT NULL AND finished_at <= resolve_by) AS resolve_within"
                " FROM report_agencies WHERE agency_id = ? AND routed_at >= ? AND routed_at < ?",
                (moment, moment, agency_id, to_db(start), to_db(end)),
            )
            if row is None or not row["routed"]:
                continue
            tallies.append(
                TargetTally(
                    agency_id=agency_id,
                    routed=row["routed"],
                    answered=row["answered"],
                    ack_judged=row["ack_judged"],
                    ack_within=row["ack_within"],
                    finished=row["finished"],
                    resolve_judged=row["resolve_judged"],
                    resolve_within=row["resolve_within"],
                )
            )
        return tallies

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
        narrow, extra = _agency_filter(agency, "reports.id")
        marks = ", ".join("?" for _ in categories)
        rows = await self._db.fetchall(
            "SELECT j.value AS option_id, COUNT(*) AS n FROM reports,"  # noqa: S608 - fixed texts and "?" marks
            " json_each(reports.answers, ?) AS j"
            " WHERE category IN (" + marks + ") AND created_at >= ? AND created_at < ?"
            " AND j.type = 'text'" + narrow + " GROUP BY j.value",
            ("$." + _json_key(question), *categories, to_db(start), to_db(end), *extra),
        )
        return [AnswerCount(r["option_id"], r["n"]) for r in rows]


def _json_key(key: str) -> str:
    """A question id as a JSON path member (ids are lower-case letters, digits, - and _)."""
    return '"' + key.replace('"', "") + '"'
