"""News broadcasts and their per-chat deliveries, resumable after a crash."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from storage.db import Database
from storage.timestamps import from_db, from_db_optional, to_db, to_db_optional

logger = logging.getLogger(__name__)

BroadcastState = Literal["draft", "queued", "scheduled", "sending", "done", "cancelled"]
DeliveryState = Literal["pending", "sent", "failed", "blocked"]


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A piece of news for one topic and area (``area_id`` None: the whole district)."""

    id: int
    title: str
    body: str
    topic_id: str
    area_id: str | None
    state: BroadcastState
    created_by: int
    created_at: datetime
    scheduled_for: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class BroadcastSummary:
    """How a broadcast's deliveries stand."""

    pending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0

    @property
    def total(self) -> int:
        """All recipients."""
        return self.pending + self.sent + self.failed + self.blocked


class BroadcastRepository:
    """Broadcasts, their recipients and what happened to each delivery."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def create(
        self,
        *,
        title: str,
        body: str,
        topic_id: str,
        area_id: str | None,
        created_by: int,
        now: datetime,
        state: BroadcastState = "draft",
        scheduled_for: datetime | None = None,
    ) -> Broadcast:
        """Store a new broadcast and return it."""
        result = await self._db.execute(
            "INSERT INTO broadcasts (title, body, topic_id, area_id, state, created_by,"
            " created_at, scheduled_for) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                title,
                body,
                topic_id,
                area_id,
                state,
                created_by,
                to_db(now),
                to_db_optional(scheduled_for),
            ),
        )
        broadcast = await self.get(result.inserted_id)
        assert broadcast is not None
        logger.info("broadcast %s created (%s)", broadcast.id, state)
        return broadcast

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The broadcast with this id, if any."""
        row = await self._db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None else _broadcast(row)

    async def due(self, *, now: datetime) -> list[Broadcast]:
        """Broadcasts to work on now: sending (resume), queued, or scheduled and due."""
        rows = await self._db.fetchall(
            "SELECT * FROM broadcasts WHERE state IN ('sending', 'queued')"
            " OR (state = 'scheduled' AND scheduled_for <= ?) ORDER BY id",
            (to_db(now),),
        )
        return [_broadcast(row) for row in rows]

    async def set_state(self, broadcast_id: int, state: BroadcastState, *, now: datetime) -> bool:
        """Move a broadcast to a state, stamping its start or finish; False if unknown."""
        result = await self._db.execute(
            "UPDATE broadcasts SET state = ?,"
            " started_at = CASE WHEN ? = 'sending' THEN COALESCE(started_at, ?)"
            " ELSE started_at END,"
            " finished_at = CASE WHEN ? IN ('done', 'cancelled') THEN ? ELSE finished_at END"
            " WHERE id = ?",
            (state, state, to_db(now), state, to_db(now), broadcast_id),
        )
        return result.rowcount > 0

    async def add_recipients(self, broadcast_id: int, chat_ids: Iterable[int]) -> int:
        """Add pending deliveries for chats not yet listed; return how many were new."""
        return await self._db.executemany(
            "INSERT INTO broadcast_deliveries (broadcast_id, chat_id) VALUES (?, ?)"
            " ON CONFLICT (broadcast_id, chat_id) DO NOTHING",
            [(broadcast_id, chat_id) for chat_id in chat_ids],
        )

    async def pending_chats(self, broadcast_id: int, *, limit: int = 100) -> list[int]:
        """Chats still waiting for this broadcast, in chat id order."""
        rows = await self._db.fetchall(
            "SELECT chat_id FROM broadcast_deliveries WHERE broadcast_id = ? AND state = 'pending'"
            " ORDER BY chat_id LIMIT ?",
            (broadcast_id, limit),
        )
        return [row["chat_id"] for row in rows]

    async def record_delivery(
        self,
        broadcast_id: int,
        chat_id: int,
        *,
        state: DeliveryState,
        now: datetime,
        message_id: int | None = None,
        error: str | None = None,
    ) -> bool:
        """Record one delivery attempt's outcome; a delivery once sent is never changed.

        Returns False when the chat had already been sent this broadcast.
        """
        result = await self._db.execute(
            "INSERT INTO broadcast_deliveries (broadcast_id, chat_id, state, attempts,"
            " message_id, error, sent_at) VALUES (?, ?, ?, 1, ?, ?, ?)"
            " ON CONFLICT (broadcast_id, chat_id) DO UPDATE SET state = excluded.state,"
            " attempts = broadcast_deliveries.attempts + 1, message_id = excluded.message_id,"
            " error = excluded.error, sent_at = excluded.sent_at"
            " WHERE broadcast_deliveries.state <> 'sent'",
            (
                broadcast_id,
                chat_id,
                state,
                message_id,
                error,
                to_db(now) if state == "sent" else None,
            ),
        )
        return result.rowcount > 0

    async def summary(self, broadcast_id: int) -> BroadcastSummary:
        """Deliveries of a broadcast counted by state."""
        rows = await self._db.fetchall(
            "SELECT state, COUNT(*) AS n FROM broadcast_deliveries WHERE broadcast_id = ?"
            " GROUP BY state",
            (broadcast_id,),
        )
        counts = {row["state"]: row["n"] for row in rows}
        return BroadcastSummary(
            pending=counts.get("pending", 0),
            sent=counts.get("sent", 0),
            failed=counts.get("failed", 0),
            blocked=counts.get("blocked", 0),
        )


def _broadcast(row: aiosqlite.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        title=row["title"],
        body=row["body"],
        topic_id=row["topic_id"],
        area_id=row["area_id"],
        state=row["state"],
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        scheduled_for=from_db_optional(row["scheduled_for"]),
        started_at=from_db_optional(row["started_at"]),
        finished_at=from_db_optional(row["finished_at"]),
    )
