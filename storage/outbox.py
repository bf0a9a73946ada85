"""The transactional outbox: what must leave the bot, written with the change that caused it.

A dispatcher claims due items (a claim is a lease: the item's ``next_attempt_at`` moves
forward by the lease, so an item whose dispatcher died is claimed again once the lease
ends), sends them, then marks each sent, schedules a retry or marks it failed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import aiosqlite

from storage.db import Database
from storage.jsontext import dumps, loads_object
from storage.timestamps import from_db, from_db_optional, to_db, utc_now

logger = logging.getLogger(__name__)

OutboxState = Literal["pending", "sent", "failed"]

DEFAULT_LEASE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One message or call waiting to leave the bot, or one that has left."""

    id: int
    kind: str
    target: str
    payload: Mapping[str, Any]
    dedupe_key: str | None
    state: OutboxState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    result: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class SentMessage:
    """Where a Telegram message the outbox sent is: its chat and its message id."""

    chat_id: int
    message_id: int


class OutboxRepository:
    """Enqueue, claim and settle outbox items."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def enqueue(
        self,
        kind: str,
        target: str,
        payload: Mapping[str, Any],
        *,
        dedupe_key: str | None = None,
        now: datetime | None = None,
        not_before: datetime | None = None,
        erase_target: bool = False,
    ) -> int:
        """Add an item (once per ``dedupe_key``) and return its id.

        Enqueueing again with a known ``dedupe_key`` changes nothing and returns the id of
        the item already there. With ``erase_target`` the target is blanked once the item is
        sent or has failed (an anonymous reporter's chat: see :meth:`mark_sent`).
        """
        created = now or utc_now()
        result = await self._db.execute(
            "INSERT INTO outbox (kind, target, payload, dedupe_key, next_attempt_at,"
            " created_at, erase_target) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (dedupe_key) DO NOTHING",
            (
                kind,
                target,
                dumps(dict(payload)),
                dedupe_key,
                to_db(not_before or created),
                to_db(created),
                int(erase_target),
            ),
        )
        if result.rowcount > 0:
            item_id = result.inserted_id
        else:  # outbox rows are never deleted: the one with this key is there
            item_id = await self._db.fetchvalue(
                "SELECT id FROM outbox WHERE dedupe_key = ?", (dedupe_key,)
            )
        logger.debug("outbox item %s (%s) enqueued", item_id, kind)
        return int(item_id)

    async def get(self, item_id: int) -> OutboxItem | None:
        """The item with this id, if any."""
        row = await self._db.fetchone("SELECT * FROM outbox WHERE id = ?", (item_id,))
        return None if row is None else _item(row)

    async def sent_message(self, dedupe_key: str) -> SentMessage | None:
        """The Telegram message the item with this key became, once it was sent (the Telegram
        sender's result is ``{"message_id": N}``, its target the chat id); None while it waits,
        if it failed, or if no such item is known."""
        row = await self._db.fetchone(
            "SELECT target, result FROM outbox WHERE dedupe_key = ? AND state = 'sent'",
            (dedupe_key,),
        )
        if row is None or row["result"] is None:
            return None
        message_id = loads_object(row["result"]).get("message_id")
        try:
            chat_id = int(row["target"])
        except ValueError:  # an e-mail address or a webhook: not a Telegram chat
            return None
        if not isinstance(message_id, int):
            return None
        return SentMessage(chat_id, message_id)

    async def claim_due(
        self, *, now: datetime, limit: int = 20, lease: timedelta = DEFAULT_LEASE
    ) -> list[OutboxItem]:
        """Claim up to ``limit`` pending items due at ``now``, earliest first.

        Each claimed item's attempt count goes up by one and it is not due again until
        ``now + lease``, so no other dispatcher takes it meanwhile.
        """
        # Two statements and no transaction: the update claims only rows still pending and due,
        # so a claim made elsewhere in between is not taken twice.
        due = await self._db.fetchall(
            "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, id LIMIT ?",
            (to_db(now), limit),
        )
        if not due:
            return []
        ids = [row["id"] for row in due]
        rows = await self._db.fetchall(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?"
            " WHERE id IN (SELECT value FROM json_each(?)) AND state = 'pending'"
            " AND next_attempt_at <= ? RETURNING *",
            (to_db(now + lease), dumps(ids), to_db(now)),
        )
        claimed = {row["id"]: _item(row) for row in rows}
        return [claimed[item_id] for item_id in ids if item_id in claimed]

    async def claim(
        self, item_id: int, *, now: datetime, lease: timedelta = DEFAULT_LEASE
    ) -> OutboxItem | None:
        """Claim one pending, never tried item whether or not it is due (to send it at once, as
        a resident's confirmation is); None if it is settled or was claimed before. Like
        :meth:`claim_due`, the claim is a lease and counts an attempt."""
        rows = await self._db.fetchall(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?"
            " WHERE id = ? AND state = 'pending' AND attempts = 0 RETURNING *",
            (to_db(now + lease), item_id),
        )
        return _item(rows[0]) if rows else None

    async def mark_sent(
        self, item_id: int, *, now: datetime, result: Mapping[str, Any] | None = None
    ) -> bool:
        """Record a successful send; False if the item was not pending.

        An item enqueued with ``erase_target`` loses its target here (and on
        :meth:`mark_failed`), and the WAL is checkpointed, so that with secure_delete the
        target is gone from the database file. Call it outside any transaction.
        """
        settled = await self._db.fetchall(
            "UPDATE outbox SET state = 'sent', sent_at = ?, result = ?, last_error = NULL,"
            " target = CASE WHEN erase_target = 1 THEN '' ELSE target END"
            " WHERE id = ? AND state = 'pending' RETURNING erase_target",
            (to_db(now), None if result is None else dumps(dict(result)), item_id),
        )
        await self._checkpoint_if_erased(settled)
        return bool(settled)

    async def schedule_retry(self, item_id: int, *, next_attempt_at: datetime, error: str) -> bool:
        """Record a failed attempt and when to try again; False if the item was not pending."""
        outcome = await self._db.execute(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ?"
            " WHERE id = ? AND state = 'pending'",
            (to_db(next_attempt_at), error, item_id),
        )
        if outcome.rowcount > 0:
            logger.debug("outbox item %s will be retried at %s", item_id, next_attempt_at)
        return outcome.rowcount > 0

    async def release(self, item_ids: Sequence[int], *, until: datetime, reason: str) -> int:
        """Give claimed items back untried, due at ``until``: their claim does not count as an
        attempt. Returns how many were still pending."""
        outcome = await self._db.execute(
            "UPDATE outbox SET attempts = MAX(attempts - 1, 0), next_attempt_at = ?,"
            " last_error = ? WHERE id IN (SELECT value FROM json_each(?)) AND state = 'pending'",
            (to_db(until), reason, dumps(list(item_ids))),
        )
        logger.debug("%s outbox items released until %s", outcome.rowcount, until)
        return outcome.rowcount

    async def hold_target(self, target: str, *, after: int, until: datetime, reason: str) -> int:
        """Make the pending items to ``target`` after item ``after`` wait until ``until`` (those
        due later, or claimed, keep their time), so that they are not claimed only to wait."""
        outcome = await self._db.execute(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ?"
            " WHERE state = 'pending' AND target = ? AND id > ? AND next_attempt_at < ?",
            (to_db(until), reason, target, after, to_db(until)),
        )
        logger.debug("%s outbox items to one target held until %s", outcome.rowcount, until)
        return outcome.rowcount

    async def mark_failed(self, item_id: int, *, error: str) -> bool:
        """Give up on an item; False if the item was not pending. (An ``erase_target``
        item's target is blanked, as :meth:`mark_sent` does.)"""
        settled = await self._db.fetchall(
            "UPDATE outbox SET state = 'failed', last_error = ?,"
            " target = CASE WHEN erase_target = 1 THEN '' ELSE target END"
            " WHERE id = ? AND state = 'pending' RETURNING erase_target",
            (error, item_id),
        )
        if settled:
            logger.warning("outbox item %s failed for good", item_id)
        await self._checkpoint_if_erased(settled)
        return bool(settled)

    async def _checkpoint_if_erased(self, settled: list[aiosqlite.Row]) -> None:
        """After a target was blanked, copy the WAL into the file and truncate it, so that no
        older copy of the row remains there either."""
        if any(row["erase_target"] for row in settled):
            await self._db.checkpoint()

    async def count_pending(self) -> int:
        """How many items are still to be sent."""
        return int(await self._db.fetchvalue("SELECT COUNT(*) FROM outbox WHERE state = 'pending'"))

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending item is due, if there is one."""
        value = await self._db.fetchvalue(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'"
        )
        return None if value is None else from_db(value)


def _item(row: aiosqlite.Row) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        kind=row["kind"],
        target=row["target"],
        payload=loads_object(row["payload"]),
        dedupe_key=row["dedupe_key"],
        state=row["state"],
        attempts=row["attempts"],
        next_attempt_at=from_db(row["next_attempt_at"]),
        last_error=row["last_error"],
        created_at=from_db(row["created_at"]),
        sent_at=from_db_optional(row["sent_at"]),
        result=None if row["result"] is None else loads_object(row["result"]),
    )
