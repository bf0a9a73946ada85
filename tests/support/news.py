"""News in tests: subscribers who have started the bot, items queued as the command line
queues them (through the database, from another connection), and waiting for a send to end."""

from __future__ import annotations

import asyncio
import io
import secrets
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from bot.config import Config
from bot.emulator import EmulatorClient
from bot.news.broadcasts import COMMAND_LINE, BroadcastService, District, Item, Target
from bot.news.engine import EngineTiming
from storage.broadcasts import Broadcast, BroadcastRepository
from storage.db import Database
from storage.subscribers import SubscriberRepository

from .clocks import ManualClock

# The engine's waits, shortened: tests wait on outcomes, never on these.
FAST = EngineTiming(poll_seconds=0.05, progress_seconds=0.2, concurrency=8, backoff_seconds=0.01)


async def started_users(client: EmulatorClient, count: int, *, first_id: int = 700001) -> list[int]:
    """Users who have opened a chat with the bot (their /start waits for the bot)."""
    users = []
    for offset in range(count):
        user = await client.create_user(f"Subscriber {offset}", user_id=first_id + offset)
        await client.send_command(user, "start")
        users.append(user)
    return users


async def open_db(config: Config) -> Database:
    """A second connection to the bot's database, migrated, as the command line opens it."""
    return await Database.open(Path(config.storage.database))


async def subscribe(
    db: Database, chats: Iterable[int], topic: str, area: str = "*", *, clock: ManualClock
) -> None:
    """Subscribe each chat to a topic in an area (``*``: every area)."""
    subscribers = SubscriberRepository(db)
    for chat in chats:
        await subscribers.subscribe(chat, topic, area, now=clock())


async def queue(
    service: BroadcastService,
    html: str,
    topics: Sequence[str] = ("newsletter",),
    target: Target | None = None,
    *,
    urgent: bool = False,
    **extra: Any,
) -> Broadcast:
    """Queue an item from the command line."""
    item = Item(html, tuple(topics), target or District(), COMMAND_LINE, urgent=urgent, **extra)
    return await service.queue(item, token=secrets.token_hex(8))


async def wait_done(db: Database, broadcast_id: int, *, timeout: float = 30.0) -> Broadcast:  # noqa: ASYNC109
    """Wait for a broadcast to finish sending (it is looked up in the database)."""
    deadline = time.monotonic() + timeout
    repository = BroadcastRepository(db)
    found = None
    while time.monotonic() < deadline:
        found = await repository.get(broadcast_id)
        if found is not None and found.state == "done":
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"broadcast {broadcast_id} not done: {found}")


def texts_of(records: list[dict[str, Any]]) -> list[str]:
    """What each bot message of a chat says (text or caption), deleted ones left out."""
    return [
        r["message"].get("text") or r["message"].get("caption") or ""
        for r in records
        if r["from_bot"] and not r["deleted"]
    ]


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    """A small PNG photo."""
    picture = Image.new("RGB", (width, height), (200, 40, 40))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


async def greeted(client: EmulatorClient, users: Iterable[int]) -> None:
    """Wait until the running bot has answered each user's /start (so faults added next
    meet only the news)."""
    for user in users:
        await client.wait_for_message(user, after=0)
