"""News broadcasts, their per-chat deliveries (resumable part by part) and their audit trail."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from storage.broadcast_rows import (
    AuditEntry,
    Broadcast,
    BroadcastState,
    BroadcastSummary,
    Delivery,
    DeliveryState,
    NewBroadcast,
    TargetKind,
    broadcast_of,
    delivery_of,
)
from storage.db import Database
from storage.timestamps import from_db, from_db_optional, to_db, to_db_optional

__all__ = [
    "AuditEntry",
    "Broadcast",
    "BroadcastRepository",
    "BroadcastState",
    "BroadcastSummary",
    "Delivery",
    "DeliveryState",
    "NewBroadcast",
    "TargetKind",
]

logger = logging.getLogger(__name__)


class BroadcastRepository:
    """Broadcasts, their recipients, what happened to each delivery, and who did what."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def create(self, new: NewBroadcast, *, now: datetime) -> tuple[Broadcast, bool]:
        """Store a new broadcast, or find the one with its token; True if newly stored."""
        state: BroadcastState = "queued" if new.scheduled_for is None else "scheduled"
        async with self._db.transaction():
            result = await self._db.execute(
                "INSERT INTO broadcasts (token, html, photo_file_id, photo, topics, target,"
                " area_ids, latitude, longitude, radius_m, urgent, state, created_by,"
                " created_at, scheduled_for) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (token) DO NOTHING",
                (
                    new.token,
                    new.html,
                    new.photo_file_id,
                    new.photo,
                    json.dumps(list(new.topics)),
                    new.target,
                    None if new.area_ids is None else json.dumps(list(new.area_ids)),
                    new.latitude,
                    new.longitude,
                    new.radius_m,
                    int(new.urgent),
                    state,
                    new.created_by,
                    to_db(now),
                    to_db_optional(new.scheduled_for),
                ),
            )
            created = result.rowcount > 0
            row = await self._db.fetchone("SELECT * FROM broadcasts WHERE token = ?", (new.token,))
            assert row is not None
            broadcast = broadcast_of(row)
            if created:
                await self.audit(broadcast.id, new.created_by, state, None, now=now)
        if created:
            logger.info("broadcast %s stored (%s)", broadcast.id, state)
        return broadcast, created

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The broadcast with this id, if any."""
        row = await self._db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None else broadcast_of(row)

    async def recent(self, *, limit: int = 20) -> list[Broadcast]:
        """The latest broadcasts, newest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [broadcast_of(row) for row in rows]

    async def due(self, *, now: datetime) -> list[Broadcast]:
        """Broadcasts to send now (sending, queued, or scheduled and due), urgent first."""
        rows = await self._db.fetchall(
            "SELECT * FROM broadcasts WHERE state IN ('sending', 'queued')"
            " OR (state = 'scheduled' AND scheduled_for <= ?) ORDER BY urgent DESC, id",
            (to_db(now),),
        )
        return [broadcast_of(row) for row in rows]

    async def next_scheduled(self) -> datetime | None:
        """When the earliest scheduled broadcast falls due, if any is scheduled."""
        value = await self._db.fetchvalue(
            "SELECT MIN(scheduled_for) FROM broadcasts WHERE state = 'scheduled'"
        )
        return from_db_optional(value)

    async def with_copies_to_fix(self) -> list[Broadcast]:
        """Broadcasts corrected or withdrawn with delivered copies not yet edited or deleted."""
        rows = await self._db.fetchall(
            "SELECT b.* FROM broadcasts AS b WHERE EXISTS (SELECT 1 FROM broadcast_deliveries"
            " AS d WHERE d.broadcast_id = b.id AND d.message_ids <> '[]' AND d.withdrawn = 0"
            " AND (b.withdrawn_at IS NOT NULL OR d.revision < b.revision)) ORDER BY b.id"
        )
        return [broadcast_of(row) for row in rows]

    async def set_state(
        self,
        broadcast_id: int,
        state: BroadcastState,
        *,
        now: datetime,
        only_from: Sequence[BroadcastState] = (),
    ) -> bool:
        """Move a broadcast to a state (from one of ``only_from``, if given), stamping its
        start or finish; False if unknown or not in such a state."""
        sql = (
            "UPDATE broadcasts SET state = ?,"
            " started_at = CASE WHEN ? = 'sending' THEN COALESCE(started_at, ?)"
            " ELSE started_at END,"
            " finished_at = CASE WHEN ? IN ('done', 'cancelled') THEN ? ELSE finished_at END"
            " WHERE id = ?"
        )
        params: list[object] = [state, state, to_db(now), state, to_db(now), broadcast_id]
        if only_from:
            # Only "?" placeholders are added to the statement.
            sql += f" AND state IN ({', '.join('?' for _ in only_from)})"
            params += list(only_from)
        result = await self._db.execute(sql, tuple(params))
        return result.rowcount > 0

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Remember the message the engine edits with the broadcast's progress."""
        await self._db.execute(
            "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id),
        )

    async def set_photo_file_id(self, broadcast_id: int, file_id: str) -> None:
        """Keep Telegram's id of the uploaded photo, so later copies send the id alone."""
        await self._db.execute(
            "UPDATE broadcasts SET photo_file_id = ? WHERE id = ? AND photo_file_id IS NULL",
            (file_id, broadcast_id),
        )

    async def revise(self, broadcast_id: int, html: str) -> int:
        """Replace a broadcast's text and raise its revision; return the new revision."""
        await self._db.execute(
            "UPDATE broadcasts SET html = ?, revision = revision + 1 WHERE id = ?",
            (html, broadcast_id),
        )
        value = await self._db.fetchvalue(
            "SELECT revision FROM broadcasts WHERE id = ?", (broadcast_id,)
        )
        return int(value)

    async def withdraw(self, broadcast_id: int, *, now: datetime) -> None:
        """Mark a broadcast withdrawn; any pending deliveries will not be sent."""
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE broadcasts SET withdrawn_at = COALESCE(withdrawn_at, ?) WHERE id = ?",
                (to_db(now), broadcast_id),
            )
            await self._db.execute(
                "UPDATE broadcast_deliveries SET state = 'failed', error = 'withdrawn'"
                " WHERE broadcast_id = ? AND state = 'pending' AND parts_sent = 0",
                (broadcast_id,),
            )

    async def first_sent_at(self, broadcast_id: int) -> datetime | None:
        """When the first copy of a broadcast was delivered, if any was."""
        value = await self._db.fetchvalue(
            "SELECT MIN(sent_at) FROM broadcast_deliveries WHERE broadcast_id = ?",
            (broadcast_id,),
        )
        return from_db_optional(value)

    async def add_recipients(
        self, broadcast_id: int, recipients: Iterable[tuple[int, bool]], *, revision: int = 0
    ) -> int:
        """Add pending deliveries ``(chat_id, silent)`` for chats not yet listed; return how
        many were new."""
        return await self._db.executemany(
            "INSERT INTO broadcast_deliveries (broadcast_id, chat_id, silent, revision)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (broadcast_id, chat_id) DO NOTHING",
            [(broadcast_id, chat_id, int(silent), revision) for chat_id, silent in recipients],
        )

    async def pending(
        self, broadcast_id: int, *, limit: int = 100, after: int | None = None
    ) -> list[Delivery]:
        """Deliveries still to make for this broadcast, in chat id order (those after chat id
        ``after``, if given)."""
        rows = await self._db.fetchall(
            "SELECT * FROM broadcast_deliveries WHERE broadcast_id = ? AND state = 'pending'"
            " AND chat_id > ? ORDER BY chat_id LIMIT ?",
            (broadcast_id, -(2**63) if after is None else after, limit),
        )
        return [delivery_of(row) for row in rows]

    async def copies_to_fix(self, broadcast_id: int, *, limit: int = 100) -> list[Delivery]:
        """Delivered copies behind the broadcast's revision, or not yet deleted if withdrawn."""
        rows = await self._db.fetchall(
            "SELECT d.* FROM broadcast_deliveries AS d JOIN broadcasts AS b ON b.id ="
            " d.broadcast_id WHERE d.broadcast_id = ? AND d.message_ids <> '[]'"
            " AND d.withdrawn = 0 AND (b.withdrawn_at IS NOT NULL OR d.revision < b.revision)"
            " ORDER BY d.chat_id LIMIT ?",
            (broadcast_id, limit),
        )
        return [delivery_of(row) for row in rows]

    async def delivery(self, broadcast_id: int, chat_id: int) -> Delivery | None:
        """One recipient's delivery, if listed."""
        row = await self._db.fetchone(
            "SELECT * FROM broadcast_deliveries WHERE broadcast_id = ? AND chat_id = ?",
            (broadcast_id, chat_id),
        )
        return None if row is None else delivery_of(row)

    async def record_part(
        self, broadcast_id: int, chat_id: int, message_id: int, *, now: datetime
    ) -> None:
        """Record one delivered part (its message id), so a resumed send skips it."""
        await self._db.execute(
            "UPDATE broadcast_deliveries SET parts_sent = parts_sent + 1,"
            " message_ids = json_insert(message_ids, '$[#]', ?),"
            " sent_at = COALESCE(sent_at, ?) WHERE broadcast_id = ? AND chat_id = ?",
            (message_id, to_db(now), broadcast_id, chat_id),
        )

    async def finish(
        self,
        broadcast_id: int,
        chat_id: int,
        state: DeliveryState,
        *,
        error: str | None = None,
    ) -> None:
        """Close one delivery as sent, failed or blocked (counting the attempt)."""
        await self._db.execute(
            "UPDATE broadcast_deliveries SET state = ?, error = ?, attempts = attempts + 1"
            " WHERE broadcast_id = ? AND chat_id = ? AND state = 'pending'",
            (state, error, broadcast_id, chat_id),
        )

    async def count_attempt(self, broadcast_id: int, chat_id: int, error: str) -> int:
        """Count a failed attempt that will be tried again; return the attempts so far."""
        await self._db.execute(
            "UPDATE broadcast_deliveries SET attempts = attempts + 1, error = ?"
            " WHERE broadcast_id = ? AND chat_id = ?",
            (error, broadcast_id, chat_id),
        )
        value = await self._db.fetchvalue(
            "SELECT attempts FROM broadcast_deliveries WHERE broadcast_id = ? AND chat_id = ?",
            (broadcast_id, chat_id),
        )
        return int(value or 0)

    async def move_chat(self, broadcast_id: int, old_chat_id: int, new_chat_id: int) -> None:
        """Follow a chat that became a supergroup: its pending delivery moves to the new id."""
        await self._db.execute(
            "UPDATE OR IGNORE broadcast_deliveries SET chat_id = ?"
            " WHERE broadcast_id = ? AND chat_id = ?",
            (new_chat_id, broadcast_id, old_chat_id),
        )

    async def mark_copy_fixed(
        self, broadcast_id: int, chat_id: int, *, revision: int | None, withdrawn: bool
    ) -> None:
        """Record that a recipient's copies now show ``revision``, or were deleted."""
        await self._db.execute(
            "UPDATE broadcast_deliveries SET revision = COALESCE(?, revision), withdrawn = ?"
            " WHERE broadcast_id = ? AND chat_id = ?",
            (revision, int(withdrawn), broadcast_id, chat_id),
        )

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

    async def audit(
        self, broadcast_id: int, actor: int, action: str, detail: str | None, *, now: datetime
    ) -> None:
        """Write one line of a broadcast's audit trail."""
        await self._db.execute(
            "INSERT INTO broadcast_audit (broadcast_id, actor, action, detail, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (broadcast_id, actor, action, detail, to_db(now)),
        )

    async def audit_trail(self, broadcast_id: int) -> list[AuditEntry]:
        """A broadcast's audit trail, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM broadcast_audit WHERE broadcast_id = ? ORDER BY id", (broadcast_id,)
        )
        return [
            AuditEntry(r["broadcast_id"], r["actor"], r["action"], r["detail"], from_db(r["at"]))
            for r in rows
        ]
