"""The rows of broadcasts, their deliveries and their audit, as typed values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from storage.timestamps import from_db, from_db_optional

BroadcastState = Literal["queued", "scheduled", "sending", "done", "cancelled"]
DeliveryState = Literal["pending", "sent", "failed", "blocked"]
TargetKind = Literal["district", "areas", "point"]


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A stored broadcast. ``target`` says which of ``area_ids`` or the point applies."""

    id: int
    token: str
    html: str
    photo_file_id: str | None
    photo: bytes | None
    topics: tuple[str, ...]
    target: TargetKind
    area_ids: tuple[str, ...] | None
    latitude: float | None
    longitude: float | None
    radius_m: int | None
    urgent: bool
    state: BroadcastState
    created_by: int
    created_at: datetime
    scheduled_for: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None
    revision: int
    withdrawn_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewBroadcast:
    """What a new broadcast is made of (see :class:`Broadcast` for the fields)."""

    token: str
    html: str
    photo_file_id: str | None
    photo: bytes | None
    topics: tuple[str, ...]
    target: TargetKind
    area_ids: tuple[str, ...] | None
    latitude: float | None
    longitude: float | None
    radius_m: int | None
    urgent: bool
    created_by: int
    scheduled_for: datetime | None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One recipient's copy of a broadcast: how many parts it has, their message ids."""

    broadcast_id: int
    chat_id: int
    state: DeliveryState
    silent: bool
    parts_sent: int
    message_ids: tuple[int, ...]
    attempts: int
    error: str | None
    sent_at: datetime | None
    revision: int
    withdrawn: bool


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


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what to a broadcast, and when."""

    broadcast_id: int
    actor: int
    action: str
    detail: str | None
    at: datetime


def broadcast_of(row: aiosqlite.Row) -> Broadcast:
    area_ids = row["area_ids"]
    return Broadcast(
        id=row["id"],
        token=row["token"],
        html=row["html"],
        photo_file_id=row["photo_file_id"],
        photo=row["photo"],
        topics=tuple(json.loads(row["topics"])),
        target=row["target"],
        area_ids=None if area_ids is None else tuple(json.loads(area_ids)),
        latitude=row["latitude"],
        longitude=row["longitude"],
        radius_m=row["radius_m"],
        urgent=bool(row["urgent"]),
        state=row["state"],
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        scheduled_for=from_db_optional(row["scheduled_for"]),
        started_at=from_db_optional(row["started_at"]),
        finished_at=from_db_optional(row["finished_at"]),
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        revision=row["revision"],
        withdrawn_at=from_db_optional(row["withdrawn_at"]),
    )


def delivery_of(row: aiosqlite.Row) -> Delivery:
    return Delivery(
        broadcast_id=row["broadcast_id"],
        chat_id=row["chat_id"],
        state=row["state"],
        silent=bool(row["silent"]),
        parts_sent=row["parts_sent"],
        message_ids=tuple(json.loads(row["message_ids"])),
        attempts=row["attempts"],
        error=row["error"],
        sent_at=from_db_optional(row["sent_at"]),
        revision=row["revision"],
        withdrawn=bool(row["withdrawn"]),
    )
