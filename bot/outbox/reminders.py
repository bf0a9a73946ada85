"""Reminders of overdue reports: to the agency, then the admins. Domain code; no Telegram.

Every ``interval`` seconds the service asks storage for routings past their targets:

- still ``sent`` after their acknowledge-by time: the agency's chat is reminded, once;
- still ``sent`` ``escalate_after`` after that reminder: the admins are told, once;
- not resolved by their resolve-by time: the admins are told, once.

What was done is marked on the routing in the same transaction as the outbox item (which also
carries a dedupe key), so the timers live in the database and a restart repeats nothing. The
messages carry the reference, category, priority and agency only, never a report's details.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import Agency, Config
from bot.outbox.dispatcher import LOOP_ERROR_PAUSE_SECONDS, Clock
from bot.outbox.facts import priority_in_sentence
from bot.outbox.items import MESSAGE, admin_targets
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.routings import LateRouting, RoutingRepository
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

# How often overdue reports are looked for, and how long a reminder has before the admins hear.
INTERVAL_SECONDS = 60.0
ESCALATE_AFTER = timedelta(hours=1)


class Mark(Protocol):
    """Records on a routing that something was done; False when it already was."""

    async def __call__(self, report_id: int, agency_id: str, *, at: datetime) -> bool: ...


@dataclass(frozen=True, slots=True)
class ReminderTiming:
    """How often the service looks, and how long after a reminder it escalates."""

    interval: float = INTERVAL_SECONDS
    escalate_after: timedelta = ESCALATE_AFTER


class Reminders:
    """Reminds agencies and admins of overdue reports; ``start()``, ``stop()``, or
    ``run_once()`` by hand."""

    def __init__(
        self,
        config: Config,
        db: Database,
        wake: Callable[[], None],
        *,
        interval: float = INTERVAL_SECONDS,
        escalate_after: timedelta = ESCALATE_AFTER,
        clock: Clock = utc_now,
    ) -> None:
        """Look every ``interval`` seconds; call ``wake`` after enqueueing anything."""
        if interval <= 0:
            raise ValueError("interval must be positive")
        self._config = config
        self._db = db
        self._wake = wake
        self._interval = interval
        self._escalate_after = escalate_after
        self._clock = clock
        self._zone = ZoneInfo(config.partnership.timezone)
        self._reports = RoutingRepository(db)
        self._outbox = OutboxRepository(db)
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start looking, at once and then every ``interval`` seconds."""
        if self._task is not None:
            raise RuntimeError("the reminders are already running")
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="reminders")

    async def stop(self) -> None:
        """Stop looking (a run in progress finishes first); safe to call twice."""
        task = self._task
        if task is None:
            return
        self._stopping.set()
        done, _ = await asyncio.wait({task}, timeout=10)
        if not done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
        logger.info("reminders stopped")

    async def run_once(self) -> int:
        """Enqueue every reminder, escalation and overdue note now due; return how many."""
        now = self._clock()
        count = 0
        for late in await self._reports.due_for_reminder(now):
            count += await self._remind(late, now)
        for late in await self._reports.due_for_escalation(now - self._escalate_after):
            count += await self._escalate(late, now)
        for late in await self._reports.due_for_overdue_list(now):
            count += await self._list_overdue(late, now)
        if count:
            self._wake()
        return count

    async def _run(self) -> None:
        logger.info("reminders started (every %ss)", self._interval)
        while not self._stopping.is_set():
            pause = self._interval
            try:
                await self.run_once()
            except Exception:
                logger.exception(
                    "reminders run failed; trying again in %ss", LOOP_ERROR_PAUSE_SECONDS
                )
                pause = min(pause, LOOP_ERROR_PAUSE_SECONDS)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self._stopping.wait()

    async def _remind(self, late: LateRouting, now: datetime) -> int:
        """Remind the agency's chat, once."""
        agency = self._agency(late.agency_id)
        if agency is None:
            logger.warning("report %s is routed to unknown agency %s", late.ref, late.agency_id)
            return 0
        due = self._when(late.ack_by, now)
        text = (
            f"Reminder: report {late.ref} ({self._what(late)}) is waiting to be acknowledged; "
            f"it was due by {due}."
        )
        async with self._db.transaction():
            if not await self._reports.mark_reminded(late.report_id, late.agency_id, at=now):
                return 0
            await self._outbox.enqueue(
                MESSAGE,
                str(agency.chat_id),
                {"text": text},
                dedupe_key=f"reminder:{late.report_id}:{late.agency_id}",
                now=now,
            )
        logger.info("reminded %s of report %s", late.agency_id, late.ref)
        return 1

    async def _escalate(self, late: LateRouting, now: datetime) -> int:
        """Tell the admins that the agency has still not acknowledged it, once."""
        text = (
            f"Not acknowledged: report {late.ref} ({self._what(late)}) at "
            f"{self._agency_name(late.agency_id)} was due to be acknowledged by "
            f"{self._when(late.ack_by, now)}; it is {_lateness(late.ack_by, now)} late "
            "and the team was reminded."
        )
        return await self._tell_admins_once(
            late, now, text, "escalation", self._reports.mark_escalated, "escalated to the admins"
        )

    async def _list_overdue(self, late: LateRouting, now: datetime) -> int:
        """Tell the admins that it was not resolved in time, once."""
        text = (
            f"Overdue: report {late.ref} ({self._what(late)}) at "
            f"{self._agency_name(late.agency_id)} was due to be resolved by "
            f"{self._when(late.resolve_by, now)}; it is {_lateness(late.resolve_by, now)} late."
        )
        return await self._tell_admins_once(
            late, now, text, "overdue", self._reports.mark_overdue_listed, "listed as overdue"
        )

    async def _tell_admins_once(
        self, late: LateRouting, now: datetime, text: str, key: str, mark: Mark, done: str
    ) -> int:
        """Enqueue ``text`` for the admins' chat, or each admin when there is none, unless
        ``mark`` finds the routing already marked; return how many were enqueued."""
        chats = admin_targets(self._config)
        async with self._db.transaction():
            if not await mark(late.report_id, late.agency_id, at=now):
                return 0
            for chat in chats:
                await self._outbox.enqueue(
                    MESSAGE,
                    chat,
                    {"text": text},
                    dedupe_key=f"{key}:{late.report_id}:{late.agency_id}:{chat}",
                    now=now,
                )
        logger.info("report %s at %s %s", late.ref, late.agency_id, done)
        return len(chats)

    def _agency(self, agency_id: str) -> Agency | None:
        return next((a for a in self._config.agencies if a.id == agency_id), None)

    def _agency_name(self, agency_id: str) -> str:
        agency = self._agency(agency_id)
        return agency_id if agency is None else agency.name

    def _what(self, late: LateRouting) -> str:
        """Category and priority: all a reminder says about a report."""
        category = self._config.category(late.category)
        name = late.category if category is None else category.name.lower()
        return f"{name}, {priority_in_sentence(late.priority)} priority"

    def _when(self, moment: datetime | None, now: datetime) -> str:
        """A target time in the partnership's zone: HH:MM, with the date if not today."""
        if moment is None:
            return "an unknown time"
        local = moment.astimezone(self._zone)
        if local.date() == now.astimezone(self._zone).date():
            return f"{local:%H:%M}"
        return f"{local:%H:%M} on {local:%a %-d %b}"


def _lateness(moment: datetime | None, now: datetime) -> str:
    """How far ``now`` is past ``moment``, in words."""
    if moment is None:
        return "some time"
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{minutes // (24 * 60)} days"
