"""What the dispatcher tests share: a record of settlements, chats and short backoffs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from telegram import Bot

from bot.emulator import EmulatorClient
from bot.outbox.dispatcher import Backoff, Dispatcher, Settlement

# Short waits so that timeouts and retries take milliseconds.
FAST_BACKOFF = Backoff(first=0.01, factor=2.0, most=0.05)
# How long a test waits for what it expects before failing (a guard, not a measurement).
PATIENCE = 15.0

# Makes a started dispatcher over the test's outbox and bot (the dispatcher_for fixture).
DispatcherFactory = Callable[..., Dispatcher]


class Settlements:
    """Every settled item, as the dispatcher reports them, with a way to wait for some."""

    def __init__(self) -> None:
        self.seen: list[Settlement] = []
        self._changed = asyncio.Event()

    def __call__(self, settlement: Settlement) -> None:
        self.seen.append(settlement)
        self._changed.set()

    def of(self, item_id: int) -> list[Settlement]:
        """What became of one item, attempt by attempt."""
        return [s for s in self.seen if s.item_id == item_id]

    async def until(self, done: Callable[[list[Settlement]], bool], what: str) -> None:
        """Wait until ``done(seen)`` is true, failing after PATIENCE seconds."""
        try:
            async with asyncio.timeout(PATIENCE):
                while not done(self.seen):
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            pytest.fail(f"waited for {what}; settlements: {self.seen[-5:]}")

    async def sent(self, *item_ids: int) -> None:
        """Wait until each of these items has been sent."""
        wanted = set(item_ids)
        await self.until(
            lambda seen: wanted <= {s.item_id for s in seen if s.outcome == "sent"},
            f"items {sorted(wanted)} to be sent",
        )


async def group(client: EmulatorClient, bot: Bot, title: str) -> int:
    """A group chat with the bot in it; its id."""
    return await client.create_group(title, bots=[bot.id])
