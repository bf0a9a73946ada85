"""Whether a bot is running on this database: while it runs, the bot writes a heartbeat every
:data:`INTERVAL` seconds (the first before it takes updates), and removes it when it stops. A
heartbeat older than :data:`STALE_AFTER` belongs to a bot that died without stopping.

The command line reads it: ``safetybot broadcast`` hands news to the running bot, and
``--standalone`` refuses to send beside one (two senders on one token break the limits).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from datetime import datetime, timedelta

from storage.db import Database
from storage.heartbeat import Beat, HeartbeatRepository
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

INTERVAL = 5.0
"""Seconds between a running bot's heartbeats."""
STALE_AFTER = timedelta(seconds=3 * INTERVAL)
"""A heartbeat older than this is a bot that died without stopping."""


async def running_bot(db: Database, now: datetime) -> Beat | None:
    """The heartbeat of a bot running on this database now, or None."""
    beat = await HeartbeatRepository(db).last()
    return beat if beat is not None and now - beat.beat_at < STALE_AFTER else None


class Heartbeat:
    """The running bot's heartbeat: :meth:`start` beats once and then every ``interval``
    seconds; :meth:`stop` ends it and removes the row."""

    def __init__(self, db: Database, *, interval: float = INTERVAL) -> None:
        """Beat into ``db``."""
        self._repository = HeartbeatRepository(db)
        self._interval = interval
        self._pid = os.getpid()
        self._started = utc_now()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Beat now (so a command run from here on sees the bot), then keep beating."""
        await self._repository.beat(self._pid, started_at=self._started, now=utc_now())
        self._task = asyncio.create_task(self._run(), name="heartbeat")

    async def stop(self) -> None:
        """Stop beating and remove the heartbeat: no bot runs here any more."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        await self._repository.clear(self._pid)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._repository.beat(self._pid, started_at=self._started, now=utc_now())
            except Exception:  # a busy database one time is no reason to stop beating
                logger.exception("Could not write the heartbeat")
