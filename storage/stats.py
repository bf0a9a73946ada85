"""The statistics' aggregate queries. Every count is made by SQLite from a range of an index
(migration 0014), so a year of a busy district costs a few index ranges, not a read of its
reports:

- counts by category, area or ward: the distinct values are found by a loose index scan (a
  recursive query that jumps from each value to the next), then each value's reports of the
  period are counted in its (value, created_at) index range;
- repeat locations: the squares of the map, kept in an index, read in its order;
- response times: from each routing's own row (routed, answered and finished times); the
  targets met from the month-by-month tallies of migration 0016, with the ragged ends of a
  period and the routings still waiting read from the rows themselves.

The long scans (repeat locations, response times) run on the database's reading connection
beside the shared one (:meth:`storage.db.Database.fetchall_aside`), so a caller that gathers
them with the others has two cores at work and the bot's handlers are not kept waiting.

Periods are half-open ranges of stored UTC times, ``start <= t < end``; the caller turns its
inclusive local dates into them. ``agency`` narrows the report counts to the reports routed to
that agency, and the response times to that agency (an officer's view).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
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
        rows = await self._db.fetchall_aside(
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
        routing to its first answer (or, with ``finished``, to its resolution): the whole UTC
        months from the monthly distribution of migration 0016, the ends that are not whole
        months from :meth:`durations_counted`."""
        months = _whole_months(start, end)
        if months is None:
            return await self.durations_counted(start, end, finished=finished, agency=agency)
        first, last = months
        narrow = " AND agency_id = ?" if agency is not None else ""
        rows = await self._db.fetchall_aside(
            "SELECT agency_id, minutes, SUM(n) AS n FROM routing_minutes"  # noqa: S608 - fixed texts
            " WHERE kind = ? AND month >= ? AND month < ?"
            + narrow
            + " GROUP BY agency_id, minutes",
            (
                "finish" if finished else "answer",
                _month(first),
                _month(last),
                *((agency,) if agency is not None else ()),
            ),
        )
        summed: dict[tuple[str, int], int] = {
            (r["agency_id"], max(r["minutes"], 0)): r["n"] for r in rows if r["n"]
        }
        for edge in ((start, first), (last, end)):
            if edge[0] < edge[1]:
                for d in await self.durations_counted(*edge, finished=finished, agency=agency):
                    key = (d.agency_id, d.minutes)
                    summed[key] = summed.get(key, 0) + d.count
        return [DurationCount(a, m, n) for (a, m), n in sorted(summed.items())]

    async def durations_counted(
        self, start: datetime, end: datetime, *, finished: bool, agency: str | None = None
    ) -> list[DurationCount]:
        """:meth:`durations` counted from the routings themselves: one index range per agency
        (for short periods and the ends of long ones, and a check of the distribution)."""
        column = "finish_minutes" if finished else "answer_minutes"
        found: dict[tuple[str, int], int] = {}
        for agency_id in await self._agencies(agency):
            rows = await self._db.fetchall_aside(
                f"SELECT {column} AS minutes, COUNT(*) AS n"  # noqa: S608 - fixed texts
                " FROM report_agencies INDEXED BY report_agencies_for_stats"
                " WHERE agency_id = ? AND routed_at >= ? AND routed_at < ?"
                f" AND {column} IS NOT NULL GROUP BY {column}",
                (agency_id, to_db(start), to_db(end)),
            )
            for r in rows:
                key = (agency_id, max(r["minutes"], 0))
                found[key] = found.get(key, 0) + r["n"]
        return [DurationCount(a, m, n) for (a, m), n in sorted(found.items())]

    async def _agencies(self, agency: str | None) -> list[str]:
        """The agencies with routings (a loose scan of the routings' agency index), or the one
        asked for."""
        if agency is not None:
            return [agency]
        found = await self._db.fetchall(
            "WITH RECURSIVE keys(k) AS (SELECT (SELECT MIN(agency_id) FROM report_agencies)"
            " UNION ALL SELECT (SELECT MIN(agency_id) FROM report_agencies"
            " WHERE agency_id > keys.k) FROM keys WHERE keys.k IS NOT NULL)"
            " SELECT k FROM keys WHERE k IS NOT NULL"
        )
        return [row[0] for row in found]

    async def target_tallies(
        self, start: datetime, end: datetime, *, now: datetime, agency: str | None = None
    ) -> list[TargetTally]:
        """For each agency, its routings made in the period against their targets to answer
        and to resolve: a routing not yet done is judged late once its target has passed, and
        not judged while it may still be in time. The whole UTC months of the period come from
        the monthly tallies, with the routings still waiting counted against ``now``; the ends
        that are not whole months from :meth:`target_tallies_counted`."""
        months = _whole_months(start, end)
        if months is None:
            return await self.target_tallies_counted(start, end, now=now, agency=agency)
        first, last = months
        parts = [await self._monthly(first, last, now=now, agency=agency)]
        if start < first:
            parts.append(await self.target_tallies_counted(start, first, now=now, agency=agency))
        if last < end:
            parts.append(await self.target_tallies_counted(last, end, now=now, agency=agency))
        summed: dict[str, list[int]] = {}
        for part in parts:
            for tally in part:
                into = summed.setdefault(tally.agency_id, [0] * 7)
                for i, value in enumerate(_tally_values(tally)):
                    into[i] += value
        return [
            TargetTally(agency_id, *values)
            for agency_id, values in sorted(summed.items())
            if values[0]
        ]

    async def _monthly(
        self, first: datetime, last: datetime, *, now: datetime, agency: str | None
    ) -> list[TargetTally]:
        """The tallies of the whole months from ``first`` to ``last`` (UTC month starts)."""
        narrow = " AND agency_id = ?" if agency is not None else ""
        extra = (agency,) if agency is not None else ()
        rows = await self._db.fetchall(
            "SELECT agency_id, SUM(routed) AS routed, SUM(answered) AS answered,"  # noqa: S608 - fixed texts
            " SUM(ack_answered) AS ack_answered, SUM(ack_within) AS ack_within,"
            " SUM(finished) AS finished, SUM(resolve_finished) AS resolve_finished,"
            " SUM(resolve_within) AS resolve_within FROM routing_tallies"
            " WHERE month >= ? AND month < ?" + narrow + " GROUP BY agency_id",
            (_month(first), _month(last), *extra),
        )
        period = (to_db(first), to_db(last))
        late: list[dict[str, int]] = []
        for index, done, target in (
            ("report_agencies_unanswered", "answered_at", "ack_by"),
            ("report_agencies_unfinished", "finished_at", "resolve_by"),
        ):
            waiting = await self._db.fetchall(
                # SQLite-only: INDEXED BY reads the few routings still waiting, not the period.
                f"SELECT agency_id, SUM({target} <= ?) AS n"  # noqa: S608 - fixed texts
                f" FROM report_agencies INDEXED BY {index} WHERE {done} IS NULL"
                " AND routed_at >= ? AND routed_at < ?" + narrow + " GROUP BY agency_id",
                (to_db(now), *period, *extra),
            )
            late.append({row["agency_id"]: row["n"] or 0 for row in waiting})
        late_answer, late_finish = late
        return [
            TargetTally(
                agency_id=row["agency_id"],
                routed=row["routed"],
                answered=row["answered"],
                ack_judged=row["ack_answered"] + late_answer.get(row["agency_id"], 0),
                ack_within=row["ack_within"],
                finished=row["finished"],
                resolve_judged=row["resolve_finished"] + late_finish.get(row["agency_id"], 0),
                resolve_within=row["resolve_within"],
            )
            for row in rows
            if row["routed"]
        ]

    async def target_tallies_counted(
        self, start: datetime, end: datetime, *, now: datetime, agency: str | None = None
    ) -> list[TargetTally]:
        """:meth:`target_tallies` counted from the routings themselves: one index range per
        agency (for short periods and the ends of long ones, and a check of the tallies)."""
        moment = to_db(now)
        tallies = []
        for agency_id in await self._agencies(agency):
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
                    answered=row["answered"] or 0,
                    ack_judged=row["ack_judged"] or 0,
                    ack_within=row["ack_within"] or 0,
                    finished=row["finished"] or 0,
                    resolve_judged=row["resolve_judged"] or 0,
                    resolve_within=row["resolve_within"] or 0,
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


def _tally_values(tally: TargetTally) -> tuple[int, ...]:
    return (
        tally.routed,
        tally.answered,
        tally.ack_judged,
        tally.ack_within,
        tally.finished,
        tally.resolve_judged,
        tally.resolve_within,
    )


def _month(moment: datetime) -> str:
    """The month key of routing_tallies: the UTC month, 'YYYY-MM'."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def _whole_months(start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """The first and last UTC month starts within ``start`` to ``end`` (the whole months of the
    period lie between them), or None when the period holds no whole month."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    first = datetime(start.year, start.month, 1, tzinfo=UTC)
    if first < start:
        first = datetime(start.year + start.month // 12, start.month % 12 + 1, 1, tzinfo=UTC)
    last = datetime(end.year, end.month, 1, tzinfo=UTC)
    return (first, last) if first < last else None
