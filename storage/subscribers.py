"""News subscribers and their subscriptions by topic and area."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.timestamps import from_db, from_db_optional, to_db

logger = logging.getLogger(__name__)

ALL_AREAS = "*"
"""The ``area_id`` of a subscription to a topic in every area."""


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A chat that has subscribed to news at some time."""

    chat_id: int
    created_at: datetime
    blocked_at: datetime | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """A chat that is to receive an item, with its own quiet hours.

    ``quiet_hours`` is None for the partnership's default, ``"off"`` for none, or local hours
    as ``"HH:MM-HH:MM"`` (see :mod:`bot.news.quiet`).
    """

    chat_id: int
    quiet_hours: str | None


@dataclass(frozen=True, slots=True)
class NearPoint:
    """The circle a subscriber pinned for news "near me"."""

    latitude: float
    longitude: float
    radius_m: int


@dataclass(frozen=True, slots=True)
class StoredChoice:
    """A subscriber's whole choice: topics, areas (empty: the whole district), the near-me
    circle the areas came from (if any) and quiet hours (see :class:`Recipient`)."""

    topic_ids: tuple[str, ...]
    area_ids: tuple[str, ...]
    near: NearPoint | None
    quiet_hours: str | None


@dataclass(frozen=True, slots=True)
class Subscription:
    """One topic in one area (or :data:`ALL_AREAS`) that a chat receives."""

    chat_id: int
    topic_id: str
    area_id: str


class SubscriberRepository:
    """Who receives which news."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def subscribe(self, chat_id: int, topic_id: str, area_id: str, *, now: datetime) -> bool:
        """Subscribe a chat (unblocking it); False if it already had this subscription."""
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO subscribers (chat_id, created_at) VALUES (?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET blocked_at = NULL",
                (chat_id, to_db(now)),
            )
            result = await self._db.execute(
                "INSERT INTO subscriptions (chat_id, topic_id, area_id, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, topic_id, area_id) DO NOTHING",
                (chat_id, topic_id, area_id, to_db(now)),
            )
        return result.rowcount > 0

    async def unsubscribe(self, chat_id: int, topic_id: str, area_id: str) -> bool:
        """Remove one subscription; False if there was none."""
        result = await self._db.execute(
            "DELETE FROM subscriptions WHERE chat_id = ? AND topic_id = ? AND area_id = ?",
            (chat_id, topic_id, area_id),
        )
        return result.rowcount > 0

    async def unsubscribe_all(self, chat_id: int) -> int:
        """Remove every subscription of a chat; return how many there were."""
        result = await self._db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        return result.rowcount

    async def forget(self, chat_id: int) -> bool:
        """Erase a subscriber and its subscriptions entirely; False if unknown."""
        result = await self._db.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))
        return result.rowcount > 0

    async def get(self, chat_id: int) -> Subscriber | None:
        """The subscriber record of a chat, if any."""
        row = await self._db.fetchone("SELECT * FROM subscribers WHERE chat_id = ?", (chat_id,))
        if row is None:
            return None
        return Subscriber(
            chat_id=row["chat_id"],
            created_at=from_db(row["created_at"]),
            blocked_at=from_db_optional(row["blocked_at"]),
        )

    async def subscriptions(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, ordered by topic then area."""
        rows = await self._db.fetchall(
            "SELECT chat_id, topic_id, area_id FROM subscriptions WHERE chat_id = ?"
            " ORDER BY topic_id, area_id",
            (chat_id,),
        )
        return [Subscription(row["chat_id"], row["topic_id"], row["area_id"]) for row in rows]

    async def mark_blocked(self, chat_id: int, *, now: datetime) -> None:
        """Record that a chat blocked the bot, and drop its subscriptions."""
        async with self._db.transaction():
            await self._db.execute(
                "UPDATE subscribers SET blocked_at = ? WHERE chat_id = ? AND blocked_at IS NULL",
                (to_db(now), chat_id),
            )
            await self._db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        logger.info("a subscriber blocked the bot; subscriptions dropped")

    async def audience(self, topic_id: str, area_id: str | None) -> list[int]:
        """Chats to receive news on a topic for an area (``None``: the whole district).

        News for one area reaches subscribers of that area and of :data:`ALL_AREAS`;
        district-wide news reaches every subscriber of the topic. Blocked chats never.
        """
        rows = await self._db.fetchall(
            "SELECT DISTINCT s.chat_id FROM subscriptions AS s"
            " JOIN subscribers AS r ON r.chat_id = s.chat_id"
            " WHERE r.blocked_at IS NULL AND s.topic_id = ?"
            " AND (? IS NULL OR s.area_id = ? OR s.area_id = ?)"
            " ORDER BY s.chat_id",
            (topic_id, area_id, area_id, ALL_AREAS),
        )
        return [row["chat_id"] for row in rows]

    async def recipients(
        self, topic_ids: Sequence[str], area_ids: Sequence[str] | None
    ) -> list[Recipient]:
        """Chats to receive an item on any of these topics for these areas, each once.

        ``area_ids`` None: the whole district, reaching every subscriber of the topics; else
        subscribers of one of those areas or of :data:`ALL_AREAS`. Blocked chats never.
        """
        if not topic_ids or (area_ids is not None and not area_ids):
            return []
        topics = ", ".join("?" for _ in topic_ids)
        where = f"r.blocked_at IS NULL AND s.topic_id IN ({topics})"
        parameters: list[object] = list(topic_ids)
        if area_ids is not None:
            areas = ", ".join("?" for _ in area_ids)
            where += f" AND (s.area_id = ? OR s.area_id IN ({areas}))"
            parameters += [ALL_AREAS, *area_ids]
        sql = (
            "SELECT DISTINCT r.chat_id, r.quiet_hours FROM subscriptions AS s"
            " JOIN subscribers AS r ON r.chat_id = s.chat_id WHERE "
        )
        # The only text added to the statement is "?" placeholders.
        rows = await self._db.fetchall(sql + where + " ORDER BY r.chat_id", tuple(parameters))
        return [Recipient(row["chat_id"], row["quiet_hours"]) for row in rows]

    async def set_quiet_hours(self, chat_id: int, quiet_hours: str | None) -> None:
        """Record a subscriber's quiet hours (None: the partnership's; ``"off"``; or hours)."""
        await self._db.execute(
            "UPDATE subscribers SET quiet_hours = ? WHERE chat_id = ?", (quiet_hours, chat_id)
        )

    async def choice(self, chat_id: int) -> StoredChoice | None:
        """A subscriber's whole choice (topics and areas sorted by id); None if unknown."""
        row = await self._db.fetchone(
            "SELECT quiet_hours, near_latitude, near_longitude, near_radius_m FROM subscribers"
            " WHERE chat_id = ?",
            (chat_id,),
        )
        if row is None:
            return None
        topics = await self._db.fetchall(
            "SELECT DISTINCT topic_id FROM subscriptions WHERE chat_id = ? ORDER BY topic_id",
            (chat_id,),
        )
        # The chosen areas; for a chat subscribed one subscription at a time (subscribe), the
        # areas of its subscriptions.
        areas = await self._db.fetchall(
            "SELECT area_id FROM subscriber_areas WHERE chat_id = ?"
            " UNION SELECT area_id FROM subscriptions WHERE chat_id = ? AND area_id <> ?"
            " AND NOT EXISTS (SELECT 1 FROM subscriber_areas WHERE chat_id = ?)"
            " ORDER BY area_id",
            (chat_id, chat_id, ALL_AREAS, chat_id),
        )
        near = None
        if row["near_radius_m"] is not None:
            near = NearPoint(row["near_latitude"], row["near_longitude"], row["near_radius_m"])
        return StoredChoice(
            topic_ids=tuple(r["topic_id"] for r in topics),
            area_ids=tuple(r["area_id"] for r in areas),
            near=near,
            quiet_hours=row["quiet_hours"],
        )

    async def save_choice(self, chat_id: int, choice: StoredChoice, *, now: datetime) -> None:
        """Replace a chat's whole choice in one transaction (unblocking it): its subscriptions
        become every topic in every chosen area (:data:`ALL_AREAS` when none is chosen)."""
        near = choice.near
        circle = (near.latitude, near.longitude, near.radius_m) if near else (None, None, None)
        areas = choice.area_ids or (ALL_AREAS,)
        async with self._db.transaction():
            await self._db.execute(
                "INSERT INTO subscribers (chat_id, created_at, quiet_hours, near_latitude,"
                " near_longitude, near_radius_m) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET blocked_at = NULL,"
                " quiet_hours = excluded.quiet_hours, near_latitude = excluded.near_latitude,"
                " near_longitude = excluded.near_longitude, near_radius_m = excluded.near_radius_m",
                (chat_id, to_db(now), choice.quiet_hours, *circle),
            )
            await self._db.execute("DELETE FROM subscriber_areas WHERE chat_id = ?", (chat_id,))
            await self._db.executemany(
                "INSERT INTO subscriber_areas (chat_id, area_id) VALUES (?, ?)",
                [(chat_id, area_id) for area_id in choice.area_ids],
            )
            await self._db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            await self._db.executemany(
                "INSERT INTO subscriptions (chat_id, topic_id, area_id, created_at)"
                " VALUES (?, ?, ?, ?)",
                [(chat_id, t, a, to_db(now)) for t in choice.topic_ids for a in areas],
            )
