"""Broadcasts: compose, preview, queue, cancel, correct and withdraw news, all audited.

This is the one API over broadcasts: the bot's ``/broadcast`` and ``/broadcasts`` and the
command line (``safetybot broadcast FILE``, ``safetybot broadcasts``) use it alike. The engine
in the running bot (:mod:`bot.news.engine`) sends what is queued; the service only stores.

An :class:`Item` is Telegram HTML (the subset Telegram accepts) with an optional
:class:`Photo`, for some topics, aimed at a :data:`Target`: the whole :class:`District`, some
:class:`Areas`, or a :class:`Point` and radius (an urgent alert about a street). Use:

    service = BroadcastService(config, db, wake=..., areas_meeting=...)
    parts = service.preview_parts(item)           # the messages each subscriber will get
    reach = await service.count_recipients(item.topics, item.target)
    broadcast = await service.queue(item, token=token)          # now
    broadcast = await service.queue(item, at=when, token=token) # later (aware datetime)
    await service.cancel(broadcast.id, actor=user_id)           # while queued or scheduled
    await service.correct(broadcast.id, new_html, actor=user_id)  # edit every copy
    await service.withdraw(broadcast.id, actor=user_id)         # delete every copy (48 hours)
    overviews = await service.list()                             # recent items with figures
    overview = await service.summary(broadcast.id)

Every refusal is a :class:`BroadcastRefused` whose message is a sentence for the admin.
``actor``/``author`` is a Telegram user id of an admin, or :data:`COMMAND_LINE`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.config import Config
from bot.news.items import (
    COMMAND_LINE,
    MAX_PHOTO_BYTES,
    WITHDRAW_WINDOW,
    Areas,
    AreasMeeting,
    BroadcastRefused,
    Clock,
    District,
    Item,
    Overview,
    Part,
    Photo,
    Point,
    Target,
    check_send_time,
    distance_m,
    parts_of,
    photo_of,
    target_of,
)
from bot.news.parts import HtmlRejected, parse
from bot.news.quiet import is_quiet
from storage.audiences import NearCircle, near_circles
from storage.broadcasts import (
    AuditEntry,
    Broadcast,
    BroadcastRepository,
    NewBroadcast,
)
from storage.db import Database
from storage.subscribers import Recipient, SubscriberRepository
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

__all__ = [
    "COMMAND_LINE",
    "MAX_PHOTO_BYTES",
    "WITHDRAW_WINDOW",
    "Areas",
    "AreasMeeting",
    "BroadcastRefused",
    "BroadcastService",
    "Clock",
    "District",
    "Item",
    "Overview",
    "Part",
    "Photo",
    "Point",
    "Target",
    "check_send_time",
    "distance_m",
    "parts_of",
    "photo_of",
    "target_of",
]


class BroadcastService:
    """Broadcasts over storage; the engine sends them (see the module's docstring)."""

    def __init__(
        self,
        config: Config,
        db: Database,
        *,
        wake: Callable[[], None] = lambda: None,
        areas_meeting: AreasMeeting | None = None,
        clock: Clock = utc_now,
    ) -> None:
        """Work on ``db``; call ``wake`` after each change the engine must act on."""
        self._config = config
        self._db = db
        self._wake = wake
        self._areas_meeting = areas_meeting
        self._clock = clock
        self.repository = BroadcastRepository(db)
        self._subscribers = SubscriberRepository(db)

    @property
    def db(self) -> Database:
        """The database the broadcasts are kept in."""
        return self._db

    def now(self) -> datetime:
        """The service's clock: what "in the past" and "tomorrow" are measured against."""
        return self._clock()

    # Composing

    def preview_parts(self, item: Item) -> list[Part]:
        """The messages every subscriber will get, in order (refused if Telegram would
        refuse the HTML, the photo is too big, or there is nothing to send)."""
        self._check_item(item)
        return parts_of(item.html, item.photo)

    async def count_recipients(self, topics: Sequence[str], target: Target) -> int:
        """How many chats an item on these topics for this target would reach now."""
        return len(await self.recipients(topics, target))

    async def recipients(self, topics: Sequence[str], target: Target) -> list[Recipient]:
        """The chats an item on these topics for this target reaches now, each once."""
        if isinstance(target, District):
            return await self._subscribers.recipients(topics, None)
        if isinstance(target, Areas):
            return await self._subscribers.recipients(topics, target.ids)
        areas = (
            list(self._areas_meeting(target.latitude, target.longitude, target.radius_m))
            if self._areas_meeting is not None
            else []
        )
        found = {r.chat_id: r for r in await self._subscribers.recipients(topics, areas)}
        for circle in await near_circles(self._db, topics):
            if _meets(circle, target) and circle.chat_id not in found:
                found[circle.chat_id] = Recipient(circle.chat_id, circle.quiet_hours)
        return sorted(found.values(), key=lambda r: r.chat_id)

    def silent_for(self, recipient: Recipient, *, urgent: bool, at: datetime) -> bool:
        """Whether this recipient's copy goes without a sound (quiet hours)."""
        return is_quiet(recipient.quiet_hours, self._config, at, urgent=urgent)

    # Queueing

    async def queue(self, item: Item, *, token: str, at: datetime | None = None) -> Broadcast:
        """Queue an item to send now (``at`` None) or at an aware time; the same ``token``
        again returns the broadcast already queued and queues nothing."""
        self._require_admin(item.author)
        self._check_item(item)
        parts_of(item.html, item.photo)
        if at is not None:
            check_send_time(at, now=self._clock())
        target = item.target
        photo = item.photo
        new = NewBroadcast(
            token=token,
            html=item.html,
            photo_file_id=None if photo is None else photo.file_id,
            photo=None if photo is None or photo.file_id is not None else photo.data,
            topics=tuple(item.topics),
            target=(
                "areas"
                if isinstance(target, Areas)
                else "point"
                if isinstance(target, Point)
                else "district"
            ),
            area_ids=target.ids if isinstance(target, Areas) else None,
            latitude=target.latitude if isinstance(target, Point) else None,
            longitude=target.longitude if isinstance(target, Point) else None,
            radius_m=target.radius_m if isinstance(target, Point) else None,
            urgent=item.urgent,
            created_by=item.author,
            scheduled_for=at,
        )
        broadcast, created = await self.repository.create(new, now=self._clock())
        if created:
            self._wake()
        return broadcast

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Name the message (in the admin's chat) the engine edits with the progress."""
        await self.repository.set_progress_message(broadcast_id, chat_id, message_id)

    async def cancel(self, broadcast_id: int, *, actor: int) -> Broadcast:
        """Cancel a broadcast not yet started (queued or scheduled)."""
        self._require_admin(actor)
        now = self._clock()
        async with self._db.transaction():
            if not await self.repository.set_state(
                broadcast_id, "cancelled", now=now, only_from=("queued", "scheduled")
            ):
                raise BroadcastRefused(
                    "Only a broadcast that has not started sending can be cancelled."
                )
            await self.repository.audit(broadcast_id, actor, "cancel", None, now=now)
        return await self._get(broadcast_id)

    # After sending

    async def correct(self, broadcast_id: int, new_html: str, *, actor: int) -> Broadcast:
        """Replace the text of a broadcast: every copy delivered is edited to it, and copies
        not yet sent carry it. The new text must make as many messages as the old."""
        self._require_admin(actor)
        broadcast = await self._get(broadcast_id)
        if broadcast.state == "cancelled" or broadcast.withdrawn_at is not None:
            raise BroadcastRefused("This broadcast was cancelled or withdrawn.")
        photo = photo_of(broadcast)
        old, new = parts_of(broadcast.html, photo), parts_of(new_html, photo)
        if len(new) != len(old):
            raise BroadcastRefused(
                f"The correction makes {len(new)} messages where the item was {len(old)}: "
                "Telegram can only edit each message in place. Make it about as long."
            )
        if photo is None and not new_html.strip():
            raise BroadcastRefused("The correction has no text.")
        now = self._clock()
        async with self._db.transaction():
            revision = await self.repository.revise(broadcast_id, new_html)
            await self.repository.audit(
                broadcast_id, actor, "correct", f"revision {revision}", now=now
            )
        self._wake()
        return await self._get(broadcast_id)

    async def withdraw(self, broadcast_id: int, *, actor: int) -> Broadcast:
        """Delete every delivered copy and send no more; refused once 48 hours have passed
        since the first copy went out (Telegram no longer lets the bot delete it)."""
        self._require_admin(actor)
        broadcast = await self._get(broadcast_id)
        if broadcast.state in ("queued", "scheduled"):
            raise BroadcastRefused("It has not been sent yet: cancel it instead.")
        if broadcast.state == "cancelled" or broadcast.withdrawn_at is not None:
            raise BroadcastRefused("This broadcast was already cancelled or withdrawn.")
        now = self._clock()
        first = await self.repository.first_sent_at(broadcast_id)
        if first is not None and now - first >= WITHDRAW_WINDOW:
            raise BroadcastRefused(
                "It was sent more than 48 hours ago, and Telegram no longer lets the bot "
                "delete it. Send a correction instead."
            )
        async with self._db.transaction():
            await self.repository.withdraw(broadcast_id, now=now)
            await self.repository.audit(broadcast_id, actor, "withdraw", None, now=now)
        self._wake()
        return await self._get(broadcast_id)

    # Reading

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """A broadcast by id, if any."""
        return await self.repository.get(broadcast_id)

    async def summary(self, broadcast_id: int) -> Overview:
        """A broadcast with its figures: pending, sent, failed, blocked."""
        return Overview(await self._get(broadcast_id), await self.repository.summary(broadcast_id))

    async def audit_trail(self, broadcast_id: int) -> list[AuditEntry]:
        """Who did what to a broadcast, oldest first."""
        return await self.repository.audit_trail(broadcast_id)

    def is_admin(self, user_id: int) -> bool:
        """Whether this Telegram user is one of the partnership's admins."""
        return user_id in self._config.admins.user_ids

    # Checks

    def _require_admin(self, actor: int) -> None:
        if actor != COMMAND_LINE and not self.is_admin(actor):
            raise BroadcastRefused("Only the partnership's admins can do that.")

    def _check_item(self, item: Item) -> None:
        known_topics = {topic.id for topic in self._config.topics}
        if not item.topics:
            raise BroadcastRefused("Choose at least one topic.")
        unknown = [topic for topic in item.topics if topic not in known_topics]
        if unknown:
            raise BroadcastRefused(f"Unknown topic: {', '.join(unknown)}.")
        if isinstance(item.target, Areas):
            known_areas = {area.id for area in self._config.areas}
            if not item.target.ids:
                raise BroadcastRefused("Choose at least one area.")
            missing = [area for area in item.target.ids if area not in known_areas]
            if missing:
                raise BroadcastRefused(f"Unknown area: {', '.join(missing)}.")
        if isinstance(item.target, Point) and item.target.radius_m <= 0:
            raise BroadcastRefused("The radius must be more than 0 metres.")
        photo = item.photo
        if photo is not None:
            if photo.file_id is None and not photo.data:
                raise BroadcastRefused("The photo is empty.")
            if photo.data is not None and len(photo.data) > MAX_PHOTO_BYTES:
                raise BroadcastRefused(
                    "The photo is over 10 MB, more than Telegram accepts from a bot. "
                    "Send a smaller one."
                )
        try:
            text = parse(item.html).text
        except HtmlRejected as error:
            raise BroadcastRefused(str(error)) from error
        if photo is None and not text.strip():
            raise BroadcastRefused("There is no text to send.")

    async def _get(self, broadcast_id: int) -> Broadcast:
        broadcast = await self.repository.get(broadcast_id)
        if broadcast is None:
            raise BroadcastRefused(f"There is no broadcast {broadcast_id}.")
        return broadcast

    # Defined last: inside the class, "list" names this method from here on.
    async def list(self, *, limit: int = 20) -> list[Overview]:
        """The latest broadcasts, newest first, with their figures."""
        return [
            Overview(b, await self.repository.summary(b.id))
            for b in await self.repository.recent(limit=limit)
        ]


def _meets(circle: NearCircle, point: Point) -> bool:
    gap = distance_m(circle.latitude, circle.longitude, point.latitude, point.longitude)
    return gap <= circle.radius_m + point.radius_m
