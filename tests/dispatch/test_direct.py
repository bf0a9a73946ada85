"""An outbox item sent at once, outside the dispatcher (the resident's confirmation): sent and
settled, or handed to the dispatcher, due when Telegram allows, and never sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.ext import ExtBot

from bot.emulator import EmulatorClient
from bot.outbox.direct import send_now
from bot.outbox.telegram.limiter import Retries
from bot.outbox.telegram.sender import TelegramSender
from storage.outbox import OutboxRepository
from tests.support.clocks import ManualClock
from tests.support.settlements import group

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_an_item_sent_at_once_is_settled_and_not_sent_again(
    client: EmulatorClient, bot: ExtBot[Retries], outbox: OutboxRepository, clock: ManualClock
) -> None:
    """An item not yet due is sent at once and marked sent; a second call sends nothing."""
    chat = await group(client, bot, "Resident")
    later = clock() + timedelta(minutes=1)
    item = await outbox.enqueue(
        "message", str(chat), {"text": "Ref"}, now=clock(), not_before=later
    )
    assert await send_now(outbox, TelegramSender(bot), item, clock=clock)
    assert not await send_now(outbox, TelegramSender(bot), item, clock=clock)
    stored = await outbox.get(item)
    assert stored is not None
    assert (stored.state, stored.attempts) == ("sent", 1)
    assert [m["text"] for m in await client.bot_messages(chat)] == ["Ref"]


async def test_a_429_hands_the_item_to_the_dispatcher_due_when_telegram_allows(
    client: EmulatorClient, bot: ExtBot[Retries], outbox: OutboxRepository, clock: ManualClock
) -> None:
    """A 429 is not retried here, by the rate limiter or by the call: the item stays pending,
    due after Telegram's retry_after, for the dispatcher alone to retry."""
    chat = await group(client, bot, "Resident")
    await client.add_fault("rate_limit", chat_id=chat, hits=1, retry_after=0.5)
    later = clock() + timedelta(minutes=1)
    item = await outbox.enqueue(
        "message", str(chat), {"text": "Ref"}, now=clock(), not_before=later
    )
    assert not await send_now(outbox, TelegramSender(bot), item, clock=clock)
    stored = await outbox.get(item)
    assert stored is not None
    assert (stored.state, stored.attempts) == ("pending", 1)
    assert stored.next_attempt_at == clock() + timedelta(seconds=0.5)
    assert stored.last_error == "flood control (429)"
    assert await client.bot_messages(chat) == []
