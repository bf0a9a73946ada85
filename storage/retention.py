"""What the retention job finds and removes: closed reports past their period, photos past
theirs, and conversation state (drafts) left untouched (migration 0015's ``touched_at``)."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database
from storage.reports import Report, ReportRepository
from storage.timestamps import to_db


class RetentionRepository:
    """The retention job's queries."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db
        self._reports = ReportRepository(db)

    async def closed_before(self, cutoff: datetime, *, limit: int = 500) -> list[Report]:
        """Closed (resolved or closed) reports, not yet anonymised, whose last agency change was
        before ``cutoff``."""
        rows = await self._db.fetchall(
            "SELECT r.* FROM reports r WHERE r.anonymised_at IS NULL"
            " AND r.status IN ('resolved', 'closed')"
            " AND COALESCE((SELECT MAX(a.updated_at) FROM report_agencies a"
            "  WHERE a.report_id = r.id), r.created_at) < ?"
            " ORDER BY r.id LIMIT ?",
            (to_db(cutoff), limit),
        )
        return [await self._reports.from_row(row) for row in rows]

    async def delete_photos_before(self, cutoff: datetime) -> int:
        """Delete the photos of reports made before ``cutoff``, with the file ids kept in their
        outbox items and in details added to others' reports; how many photos went."""
        async with self._db.transaction():
            result = await self._db.execute(
                "DELETE FROM report_photos WHERE report_id IN"
                " (SELECT id FROM reports WHERE created_at < ?)",
                (to_db(cutoff),),
            )
            await self._db.execute(
                "UPDATE outbox SET payload = '{}' WHERE kind = 'photo' AND created_at < ?"
                " AND payload <> '{}' AND state <> 'pending'",
                (to_db(cutoff),),
            )
            # SQLite's JSON functions (PostgreSQL: jsonb's - operator).
            await self._db.execute(
                "UPDATE report_events SET detail = json_remove(detail, '$.photos')"
                " WHERE kind = 'same_reported' AND at < ?"
                " AND json_extract(detail, '$.photos') IS NOT NULL",
                (to_db(cutoff),),
            )
        return result.rowcount

    async def delete_drafts_before(self, cutoff: datetime) -> tuple[int, int]:
        """Delete user data and conversation states untouched since ``cutoff``; how many of
        each. Run it before the bot loads its persistence, or it writes them back."""
        async with self._db.transaction():
            users = await self._db.execute(
                "DELETE FROM ptb_user_data WHERE touched_at < ?", (to_db(cutoff),)
            )
            conversations = await self._db.execute(
                "DELETE FROM ptb_conversations WHERE touched_at < ?", (to_db(cutoff),)
            )
        return users.rowcount, conversations.rowcount
