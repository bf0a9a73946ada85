"""News in the one rate limiter: a reply overtakes a newsletter's backlog, and news to one
chat waits a second between messages (the production bot over HTTP to the emulator)."""

from __future__ import annotations

import asyncio

from telegram.ext import ExtBot

from bot.emulator import EmulatorClient
from bot.outbox.telegram.limiter import NEWS, Retries


async def _started(client: EmulatorClient, count: int) -> list[int]:
    users = []
    for index in range(count):
        user = await client.create_user(f"Reader {index}")
        await client.send_command(user, "start")  # opens the chat; no bot is polling
        users.append(user)
    return users


async def test_a_reply_goes_ahead_of_the_news_backlog(
    client: EmulatorClient, bot: ExtBot[Retries]
) -> None:
    """Forty news messages at a 30-a-second limit, then a reply: the reply is sent before
    most of the news, not after it."""
    *readers, resident = await _started(client, 41)
    start = await client.last_seq()
    news = [
        asyncio.create_task(bot.send_message(r, "Newsletter", rate_limit_args=NEWS))
        for r in readers
    ]
    await client.wait_for_message(readers[0], after=start)
    await bot.send_message(resident, "Your report is in")
    await asyncio.gather(*news)
    events, _ = await client.events(after=start, limit=500)
    order = [e["chat_id"] for e in events if e["type"] == "bot_message"]
    assert len(order) == 41
    assert order.index(resident) < 32  # within the first second's budget


async def test_news_to_one_chat_waits_a_second_between_messages(
    client: EmulatorClient, bot: ExtBot[Retries]
) -> None:
    """Two parts to one chat are a second apart, as Telegram asks of bulk messages."""
    (reader,) = await _started(client, 1)
    start = await client.last_seq()
    await bot.send_message(reader, "Part one", rate_limit_args=NEWS)
    await bot.send_message(reader, "Part two", rate_limit_args=NEWS)
    events, _ = await client.events(after=start, limit=50)
    times = [e["time"] for e in events if e["type"] == "bot_message"]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95
