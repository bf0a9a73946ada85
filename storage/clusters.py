"""What the cluster detection reads (a category's reports of a period, with their points and
areas, duplicates left out) and keeps (the clusters found, and the mutes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from storage.db import Database
from storage.jsontext import dumps
from storage.timestamps import from_db, from_db_optional, to_db

Scope = Literal["spot", "area"]
Basis = Literal["history", "district"]


@dataclass(frozen=True, slots=True)
class ClusterPoint:
    """One report as the detection sees it."""

    report_id: int
    created_at: datetime
    latitude: float | None
    longitude: float | None
    area_id: str | None


@dataclass(frozen=True, slots=True)
class ClusterReport:
    """A report of a cluster as its list shows it."""

    report_id: int
    ref: str
    created_at: datetime
    status: str
    location_text: str | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class NewCluster:
    """A cluster as the scan finds it, to store (or the state of one that grew)."""

    category: str
    scope: Scope
    area_id: str | None
    report_ids: tuple[int, ...]
    expected: float
    p_value: float
    basis: Basis
    latitude: float | None
    longitude: float | None
    radius_m: int | None
    first_at: datetime
    latest_at: datetime

    @property
    def count(self) -> int:
        """How many reports it holds."""
        return len(self.report_ids)


@dataclass(frozen=True, slots=True)
class StoredCluster:
    """A cluster found and kept."""

    id: int
    category: str
    scope: Scope
    area_id: str | None
    report_ids: tuple[int, ...]
    count: int
    expected: float
    p_value: float
    basis: Basis
    latitude: float | None
    longitude: float | None
    radius_m: int | None
    first_at: datetime
    latest_at: datetime
    found_at: datetime
    shown_count: int
    muted: bool
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class ClusterRepository:
    """The clusters' reads and writes."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def points(self, category: str, start: datetime, end: datetime) -> list[ClusterPoint]:
        """The category's reports made from ``start`` to ``end`` (half-open), oldest first,
        without those an officer closed as a duplicate of another."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.created_at, r.latitude, r.longitude, r.area_id FROM reports r"
            " WHERE r.category = ? AND r.created_at >= ? AND r.created_at < ?"
            " AND NOT EXISTS (SELECT 1 FROM report_agencies a WHERE a.report_id = r.id"
            " AND a.state = 'closed_duplicate') ORDER BY r.created_at, r.id",
            (category, to_db(start), to_db(end)),
        )
        return [ClusterPoint(row[0], from_db(row[1]), row[2], row[3], row[4]) for row in rows]

    async def first_report_at(self) -> datetime | None:
        """When the first report still kept was made: how much history there is."""
        value = await self._db.fetchvalue("SELECT MIN(created_at) FROM reports")
        return None if value is None else from_db(value)

    async def active(self, category: str, since: datetime) -> list[StoredCluster]:
        """The category's clusters whose latest report came at ``since`` or after."""
        rows = await self._db.fetchall(
            "SELECT * FROM clusters WHERE category = ? AND latest_at >= ? ORDER BY id",
            (category, to_db(since)),
        )
        return [_cluster(row) for row in rows]

    async def get(self, cluster_id: int) -> StoredCluster | None:
        """The cluster with this id, if any."""
        row = await self._db.fetchone("SELECT * FROM clusters WHERE id = ?", (cluster_id,))
        return None if row is None else _cluster(row)

    async def found_between(self, start: datetime, end: datetime) -> list[StoredCluster]:
        """The clusters first found from ``start`` to ``end`` (half-open), in order."""
        rows = await self._db.fetchall(
            "SELECT * FROM clusters WHERE found_at >= ? AND found_at < ? ORDER BY found_at, id",
            (to_db(start), to_db(end)),
        )
        return [_cluster(row) for row in rows]

    async def create(self, new: NewCluster, *, now: datetime, muted: bool) -> int:
        """Keep a cluster just found; its id."""
        result = await self._db.execute(
            "INSERT INTO clusters (category, scope, area_id, report_ids, count, expected,"
            " p_value, basis, latitude, longitude, radius_m, first_at, latest_at, found_at,"
            " updated_at, muted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*_values(new), to_db(now), to_db(now), int(muted)),
        )
        return result.inserted_id

    async def grow(self, cluster_id: int, new: NewCluster, *, now: datetime) -> None:
        """Record what a cluster has become (more reports, a new centre)."""
        values = _values(new)
        await self._db.execute(
            "UPDATE clusters SET category = ?, scope = ?, area_id = ?, report_ids = ?,"
            " count = ?, expected = ?, p_value = ?, basis = ?, latitude = ?, longitude = ?,"
            " radius_m = ?, first_at = ?, latest_at = ?, updated_at = ? WHERE id = ?",
            (*values, to_db(now), cluster_id),
        )

    async def mark_shown(self, cluster_id: int, count: int) -> None:
        """The announcement now shows this count."""
        await self._db.execute(
            "UPDATE clusters SET shown_count = ? WHERE id = ?", (count, cluster_id)
        )

    async def acknowledge(self, cluster_id: int, *, by: str, at: datetime) -> bool:
        """Record the first acknowledgement; False if it was acknowledged before (or is
        unknown)."""
        result = await self._db.execute(
            "UPDATE clusters SET acknowledged_at = ?, acknowledged_by = ?"
            " WHERE id = ? AND acknowledged_at IS NULL",
            (to_db(at), by, cluster_id),
        )
        return result.rowcount > 0

    async def mute(
        self, category: str, area_id: str | None, *, until: datetime, by: str, at: datetime
    ) -> None:
        """Mute the area and category until then (a later mute replaces an earlier one)."""
        await self._db.execute(
            "INSERT INTO cluster_mutes (category, area_id, until, muted_at, muted_by)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (category, area_id) DO UPDATE SET"
            " until = excluded.until, muted_at = excluded.muted_at, muted_by = excluded.muted_by",
            (category, area_id or "", to_db(until), to_db(at), by),
        )

    async def muted_until(
        self, category: str, area_id: str | None, now: datetime
    ) -> datetime | None:
        """Until when the area and category are muted, if they are at ``now``."""
        value = await self._db.fetchvalue(
            "SELECT until FROM cluster_mutes WHERE category = ? AND area_id = ? AND until > ?",
            (category, area_id or "", to_db(now)),
        )
        return None if value is None else from_db(value)

    async def reports(self, report_ids: Sequence[int]) -> list[ClusterReport]:
        """The cluster's reports still kept, oldest first."""
        if not report_ids:
            return []
        rows = await self._db.fetchall(
            "SELECT id, ref, created_at, status, location_text, latitude, longitude FROM reports"  # noqa: S608 - "?" marks
            f" WHERE id IN ({_marks(report_ids)}) ORDER BY created_at, id",
            tuple(report_ids),
        )
        return [_report(row) for row in rows]

    async def agencies(self, report_ids: Sequence[int]) -> list[str]:
        """The agencies the reports were routed to, each once, in order of their ids."""
        if not report_ids:
            return []
        rows = await self._db.fetchall(
            "SELECT DISTINCT agency_id FROM report_agencies"  # noqa: S608 - "?" marks
            f" WHERE report_id IN ({_marks(report_ids)}) ORDER BY agency_id",
            tuple(report_ids),
        )
        return [row[0] for row in rows]


def _marks(ids: Sequence[int]) -> str:
    """A "?" placeholder for each id of an IN list."""
    return ", ".join("?" for _ in ids)


def _values(new: NewCluster) -> tuple[object, ...]:
    return (
        new.category,
        new.scope,
        new.area_id,
        dumps(list(new.report_ids)),
        len(new.report_ids),
        new.expected,
        new.p_value,
        new.basis,
        new.latitude,
        new.longitude,
        new.radius_m,
        to_db(new.first_at),
        to_db(new.latest_at),
    )


def _report(row: aiosqlite.Row) -> ClusterReport:
    return ClusterReport(
        row["id"],
        row["ref"],
        from_db(row["created_at"]),
        row["status"],
        row["location_text"],
        row["latitude"],
        row["longitude"],
    )


def _cluster(row: aiosqlite.Row) -> StoredCluster:
    ids = json.loads(row["report_ids"])
    return StoredCluster(
        id=row["id"],
        category=row["category"],
        scope=row["scope"],
        area_id=row["area_id"],
        report_ids=tuple(int(i) for i in ids) if isinstance(ids, list) else (),
        count=row["count"],
        expected=row["expected"],
        p_value=row["p_value"],
        basis=row["basis"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        radius_m=row["radius_m"],
        first_at=from_db(row["first_at"]),
        latest_at=from_db(row["latest_at"]),
        found_at=from_db(row["found_at"]),
        shown_count=row["shown_count"],
        muted=bool(row["muted"]),
        acknowledged_at=from_db_optional(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
    )
