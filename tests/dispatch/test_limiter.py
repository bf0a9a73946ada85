"""The production rate limiter retries a 429 on a direct reply, never on an outbox send."""

from __future__ import annotations

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.emulator import EmulatorClient
from bot.outbox.telegram.limiter import OUTBOX_RETRIES, PTB_LIMITER_LOGGER, Retries
from tests.support.settlements import group

# PTB warns about its own RetryAfter.retry_after when it builds the error for each 429.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_a_direct_reply_is_retried_by_the_limiter(
    client: EmulatorClient, bot: ExtBot[Retries]
) -> None:
    """A call that gives no retries (a handler's reply) waits out two 429s and arrives once."""
    chat = await group(client, bot, "Council")
    await client.add_fault("rate_limit", chat_id=chat, hits=2, retry_after=0.05)
    await bot.send_message(chat, "Thanks, noted")
    assert [m["text"] for m in await client.bot_messages(chat)] == ["Thanks, noted"]


async def test_an_outbox_send_comes_straight_back_from_a_429(
    client: EmulatorClient, bot: ExtBot[Retries], caplog: pytest.LogCaptureFixture
) -> None:
    """A call with the outbox's retries (none) raises at the first 429, for the dispatcher,
    and PTB's limiter logs no error about it (the dispatcher logs the retry)."""
    chat = await group(client, bot, "Council")
    await client.add_fault("rate_limit", chat_id=chat, hits=1, retry_after=0.05)
    with pytest.raises(RetryAfter):
        await bot.send_message(chat, "Alert", rate_limit_args=OUTBOX_RETRIES)
    await bot.send_message(chat, "Alert", rate_limit_args=OUTBOX_RETRIES)
    assert [m["text"] for m in await client.bot_messages(chat)] == ["Alert"]
    assert not [r for r in caplog.records if r.name == PTB_LIMITER_LOGGER]
