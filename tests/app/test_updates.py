"""The update processor: chats side by side, each chat in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.telegram.updates import PerChatUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    user = User(id=chat_id, first_name="Resident", is_bot=False)
    chat = Chat(id=chat_id, type=Chat.PRIVATE)
    message = Message(
        message_id=update_id, date=datetime.now(UTC), chat=chat, from_user=user, text="hi"
    )
    return Update(update_id=update_id, message=message)


async def test_other_chats_overtake_a_slow_chat_but_one_chat_keeps_its_order() -> None:
    """While a chat's first update is still being handled, another chat's update completes and
    the same chat's second update waits its turn."""
    processor = PerChatUpdateProcessor(limit=8)
    release = asyncio.Event()
    done: list[str] = []

    async def handle(name: str, wait: bool) -> None:
        if wait:
            await release.wait()
        done.append(name)

    first = asyncio.create_task(processor.process_update(_update(1, 100), handle("a1", True)))
    second = asyncio.create_task(processor.process_update(_update(2, 100), handle("a2", False)))
    other = asyncio.create_task(processor.process_update(_update(3, 200), handle("b1", False)))
    await other
    assert done == ["b1"]
    assert not second.done()
    release.set()
    await asyncio.gather(first, second)
    assert done == ["b1", "a1", "a2"]


async def test_the_limit_bounds_concurrent_handling() -> None:
    """No more than ``limit`` updates are handled at the same moment."""
    processor = PerChatUpdateProcessor(limit=3)
    running = 0
    peak = 0
    release = asyncio.Event()

    async def handle() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await release.wait()
        running -= 1

    tasks = [
        asyncio.create_task(processor.process_update(_update(i, 1000 + i), handle()))
        for i in range(10)
    ]
    for _ in range(5):
        await asyncio.sleep(0)
    assert peak == 3
    release.set()
    await asyncio.gather(*tasks)
    assert running == 0
