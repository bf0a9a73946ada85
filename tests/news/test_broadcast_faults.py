"""The broadcast engine under faults, through the emulator: 429 and 5xx mid-send, a group
that became a supergroup, an urgent alert queued mid-newsletter, and a kill mid-send."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from bot.config import Config
from bot.emulator import EmulatorClient
from bot.news.broadcasts import BroadcastService
from storage.broadcasts import BroadcastRepository, BroadcastSummary
from storage.db import Database
from tests.support.clocks import ManualClock
from tests.support.harness import BOT_ID, running_bot, start_bot_process
from tests.support.news import (
    FAST,
    greeted,
    queue,
    started_users,
    subscribe,
    texts_of,
    wait_done,
)


async def _copies(client: EmulatorClient, chat: int, text: str) -> int:
    return sum(text in t for t in texts_of(await client.messages(chat)))


async def test_flood_control_and_server_errors_mid_send_lose_and_repeat_nothing(
    client: EmulatorClient,
    config: Config,
    cli_db: Database,
    clock: ManualClock,
    service: BroadcastService,
) -> None:
    """A 429 with retry_after and two 500s mid-send are waited out and retried: everyone
    gets the item exactly once."""
    readers = await started_users(client, 5)
    await subscribe(cli_db, readers, "newsletter", clock=clock)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        await greeted(client, readers)
        await client.add_fault(
            "rate_limit", chat_id=readers[1], methods=["sendMessage"], hits=1, retry_after=1
        )
        await client.add_fault(
            "server_error", chat_id=readers[3], methods=["sendMessage"], hits=2, status=502
        )
        broadcast = await queue(service, "Through the storm")
        await wait_done(cli_db, broadcast.id)
    for reader in readers:
        assert await _copies(client, reader, "Through the storm") == 1
    assert await BroadcastRepository(cli_db).summary(broadcast.id) == BroadcastSummary(sent=5)
    delivery = await BroadcastRepository(cli_db).delivery(broadcast.id, readers[3])
    assert delivery is not None
    assert delivery.attempts == 3  # two server errors counted, then the delivery


async def test_a_group_that_became_a_supergroup_is_followed(
    client: EmulatorClient,
    config: Config,
    cli_db: Database,
    clock: ManualClock,
    service: BroadcastService,
) -> None:
    """Telegram's migrate_to_chat_id is followed: the item arrives in the supergroup."""
    member = await client.create_user("Group member")
    old = await client.create_group("Street watch", members=[member], bots=[BOT_ID])
    new = await client.create_group(
        "Street watch", members=[member], bots=[BOT_ID], supergroup=True
    )
    await subscribe(cli_db, [old], "newsletter", clock=clock)
    await client.add_fault("migrated", chat_id=old, migrate_to_chat_id=new)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        broadcast = await queue(service, "For the street")
        await wait_done(cli_db, broadcast.id)
    assert await _copies(client, new, "For the street") == 1
    repository = BroadcastRepository(cli_db)
    assert await repository.delivery(broadcast.id, old) is None
    moved = await repository.delivery(broadcast.id, new)
    assert moved is not None
    assert moved.state == "sent"


async def test_urgent_alert_goes_ahead_of_a_newsletter_being_sent(
    client: EmulatorClient,
    config: Config,
    cli_db: Database,
    clock: ManualClock,
    service: BroadcastService,
) -> None:
    """An urgent alert queued while a newsletter is going out starts at once; the newsletter
    then carries on to everyone."""
    readers = await started_users(client, 30)
    await subscribe(cli_db, readers, "newsletter", clock=clock)
    await subscribe(cli_db, readers[-1:], "crime-alerts", clock=clock)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        await greeted(client, readers)
        await client.add_fault("delay", methods=["sendMessage"], delay=0.1)
        seq = await client.last_seq()
        newsletter = await queue(service, "Quarterly newsletter")
        await client.wait_for_message(readers[0], after=seq)
        alert = await queue(service, "Rogue trader today", ("crime-alerts",), urgent=True)
        await wait_done(cli_db, alert.id)
        pending_at_alert = (await BroadcastRepository(cli_db).summary(newsletter.id)).pending
        await wait_done(cli_db, newsletter.id)
    assert pending_at_alert > 0  # the alert did not wait for the newsletter to finish
    for reader in readers:
        assert await _copies(client, reader, "Quarterly newsletter") == 1
    assert await _copies(client, readers[-1], "Rogue trader today") == 1


async def test_a_bot_killed_mid_send_resumes_without_repeating(
    client: EmulatorClient, config_path: Path, config: Config, cli_db: Database
) -> None:
    """SIGKILL in the middle of a broadcast (three delivered, nine waiting for Telegram's
    answer): the restarted bot sends the rest, and nobody who had it gets it again."""
    clock = ManualClock()
    readers = await started_users(client, 12)
    await subscribe(cli_db, readers, "newsletter", clock=clock)
    service = BroadcastService(config, cli_db)
    process = start_bot_process(config_path)
    try:
        await greeted(client, readers)
        for slow in readers[3:]:  # Telegram has not answered these when the bot is killed
            await client.add_fault("delay", chat_id=slow, methods=["sendMessage"], delay=8)
        broadcast = await queue(service, "Resumable news")
        repository = BroadcastRepository(cli_db)
        for _ in range(600):
            if (await repository.summary(broadcast.id)).sent >= 3:
                break
            await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        await asyncio.to_thread(process.communicate, timeout=30)
    assert await repository.summary(broadcast.id) == BroadcastSummary(pending=9, sent=3)
    await client.clear_faults()
    async with running_bot(config, engine_timing=FAST, clock=clock):
        await wait_done(cli_db, broadcast.id)
    for reader in readers:
        assert await _copies(client, reader, "Resumable news") == 1
    assert await repository.summary(broadcast.id) == BroadcastSummary(sent=12)
