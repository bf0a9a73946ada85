"""Updates of different chats are handled at the same time; those of one chat, in order.

PTB either handles updates one at a time (a resident waits behind every other resident) or
concurrently with no ordering at all (a resident's second answer could overtake the first).
This processor keeps each chat's updates in the order Telegram sent them and lets different
chats proceed side by side, up to a limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own semaphore must never make a task wait, or tasks could reach the per-chat locks out
# of order; the real limit on concurrent handling is ``limit`` below.
_UNBOUNDED = 1_000_000


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Handles up to ``limit`` updates at once, never two of the same chat at once."""

    __slots__ = ("_chats", "_limit")

    def __init__(self, limit: int) -> None:
        super().__init__(max_concurrent_updates=_UNBOUNDED)
        self._limit = asyncio.Semaphore(limit)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}  # lock and how many hold or wait

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Waits for the chat's earlier updates, then for a free slot, then handles this one."""
        key = _chat_key(update)
        if key is None:
            async with self._limit:
                await coroutine
            return
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock, self._limit:
                await coroutine
        finally:
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None
