"""The audit log: who did what, when, and to which report (migration 0015).

Actors are written as the caller names them: ``officer:<telegram id>`` and ``admin:<telegram
id>`` for staff, ``resident`` (never an id) for a resident's erasure, ``retention`` for the
retention job, ``operator`` for the command line. Nothing here names a resident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.jsontext import dumps, loads_object
from storage.timestamps import from_db, to_db


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited action."""

    id: int
    at: datetime
    actor: str
    action: str
    report_ref: str | None
    detail: Mapping[str, Any]


class AuditRepository:
    """Write audit entries, and read them back by time."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def record(
        self,
        actor: str,
        action: str,
        *,
        at: datetime,
        report_ref: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> int:
        """Add an entry (in the caller's transaction, if there is one); return its id."""
        result = await self._db.execute(
            "INSERT INTO audit_log (at, actor, action, report_ref, detail) VALUES (?, ?, ?, ?, ?)",
            (to_db(at), actor, action, report_ref, dumps(dict(detail or {}))),
        )
        return result.inserted_id

    async def between(self, since: datetime, until: datetime) -> list[AuditEntry]:
        """The entries made in ``[since, until)``, oldest first, with the admins' actions on
        news items (``broadcast_audit``, migration 0011) among them as ``broadcast_<action>``
        and the command line's exports (``export_audit``, migration 0014) as ``export``."""
        # SQLite's json_object (PostgreSQL: jsonb_build_object).
        rows = await self._db.fetchall(
            "SELECT id, at, actor, action, report_ref, detail FROM audit_log"
            " WHERE at >= ? AND at < ?"
            " UNION ALL SELECT id, at, 'admin:' || actor, 'broadcast_' || action, NULL,"
            " json_object('broadcast', broadcast_id, 'detail', COALESCE(detail, ''))"
            " FROM broadcast_audit WHERE at >= ? AND at < ?"
            " UNION ALL SELECT id, at, 'operator:' || operator, 'export', NULL,"
            " json_object('from', period_from, 'to', period_to, 'format', format,"
            " 'personal', json(CASE personal WHEN 1 THEN 'true' ELSE 'false' END),"
            " 'reports', report_count)"
            " FROM export_audit WHERE at >= ? AND at < ? ORDER BY at, id",
            (to_db(since), to_db(until)) * 3,
        )
        return [
            AuditEntry(
                id=row["id"],
                at=from_db(row["at"]),
                actor=row["actor"],
                action=row["action"],
                report_ref=row["report_ref"],
                detail=loads_object(row["detail"]),
            )
            for row in rows
        ]
