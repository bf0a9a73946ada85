"""The ASB Case Review's reading of a resident's own reports, and the notices given to them
(migration 0018). A resident here is always a contactable reporter, found by the chat id their
reports keep: anonymous reports keep none, so they are never read or written here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.jsontext import dumps
from storage.timestamps import from_db, from_db_optional, to_db


@dataclass(frozen=True, slots=True)
class Complaint:
    """One of a resident's own reports, as the case review threshold reads it."""

    report_id: int
    ref: str
    category: str
    made_at: datetime  # when the report was stored
    occurred_at: datetime | None  # the incident's date, when the resident gave one
    duplicate: bool  # an agency closed it as a duplicate of another report


@dataclass(frozen=True, slots=True)
class Notice:
    """A case review notice given to a resident: the references that reached the threshold."""

    id: int
    chat_id: int
    refs: tuple[str, ...]
    given_at: datetime


class CaseReviewRepository:
    """A resident's reports in a period, and the case review notices given to them."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def complaints(self, chat_id: int, *, since: datetime) -> list[Complaint]:
        """The reports this chat made (as their reporter, not as a follower) since ``since``,
        oldest first."""
        rows = await self._db.fetchall(
            "SELECT r.id, r.ref, r.category, r.created_at, r.occurred_at,"
            " EXISTS (SELECT 1 FROM report_agencies a WHERE a.report_id = r.id"
            "  AND a.state = 'closed_duplicate') AS duplicate"
            " FROM reports r WHERE r.reporter_chat_id = ? AND r.created_at >= ?"
            " ORDER BY r.created_at, r.id",
            (chat_id, to_db(since)),
        )
        return [
            Complaint(
                report_id=int(row["id"]),
                ref=row["ref"],
                category=row["category"],
                made_at=from_db(row["created_at"]),
                occurred_at=from_db_optional(row["occurred_at"]),
                duplicate=bool(row["duplicate"]),
            )
            for row in rows
        ]

    async def notices(self, chat_id: int) -> list[Notice]:
        """The notices given to this chat, oldest first."""
        rows = await self._db.fetchall(
            "SELECT id, chat_id, refs, given_at FROM case_review_notices WHERE chat_id = ?"
            " ORDER BY given_at, id",
            (chat_id,),
        )
        return [
            Notice(
                id=int(row["id"]),
                chat_id=int(row["chat_id"]),
                refs=tuple(str(ref) for ref in json.loads(row["refs"])),
                given_at=from_db(row["given_at"]),
            )
            for row in rows
        ]

    async def record(self, chat_id: int, refs: Sequence[str], *, at: datetime) -> Notice:
        """Store a notice given to this chat for these references; call it inside the
        transaction that enqueues the notice."""
        result = await self._db.execute(
            "INSERT INTO case_review_notices (chat_id, refs, given_at) VALUES (?, ?, ?)",
            (chat_id, dumps(list(refs)), to_db(at)),
        )
        return Notice(result.inserted_id, chat_id, tuple(refs), at)

    async def delete_before(self, cutoff: datetime) -> int:
        """Delete the notices given before ``cutoff`` (they name only reports made before it);
        how many went."""
        async with self._db.transaction():
            result = await self._db.execute(
                "DELETE FROM case_review_notices WHERE given_at < ?", (to_db(cutoff),)
            )
        return result.rowcount
