"""Subscribers' near-me circles, for an alert aimed at a point and radius."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True, slots=True)
class NearCircle:
    """A subscriber's near-me circle, with their quiet hours (see ``Recipient``)."""

    chat_id: int
    latitude: float
    longitude: float
    radius_m: int
    quiet_hours: str | None


async def near_circles(db: Database, topic_ids: Sequence[str]) -> list[NearCircle]:
    """The near-me circles of unblocked subscribers of any of these topics, by chat id."""
    if not topic_ids:
        return []
    topics = ", ".join("?" for _ in topic_ids)
    sql = (
        "SELECT DISTINCT r.chat_id, r.near_latitude, r.near_longitude, r.near_radius_m,"
        " r.quiet_hours FROM subscribers AS r JOIN subscriptions AS s ON s.chat_id = r.chat_id"
        " WHERE r.blocked_at IS NULL AND r.near_radius_m IS NOT NULL AND s.topic_id IN "
    )
    # The only text added to the statement is "?" placeholders.
    rows = await db.fetchall(sql + f"({topics}) ORDER BY r.chat_id", tuple(topic_ids))
    return [
        NearCircle(
            row["chat_id"],
            row["near_latitude"],
            row["near_longitude"],
            row["near_radius_m"],
            row["quiet_hours"],
        )
        for row in rows
    ]
