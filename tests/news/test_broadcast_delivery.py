"""The broadcast engine in the running bot, through the emulator: targeting, parts, quiet
hours, blocked chats, faults mid-send, urgent first, resume after a kill."""

from __future__ import annotations

from bot.config import Config
from bot.emulator import EmulatorClient
from bot.news.broadcasts import Areas, BroadcastService, Photo
from storage.broadcasts import BroadcastRepository, BroadcastSummary
from storage.db import Database
from storage.subscribers import SubscriberRepository
from tests.support.clocks import ManualClock
from tests.support.harness import running_bot
from tests.support.news import (
    FAST,
    png_bytes,
    queue,
    started_users,
    subscribe,
    texts_of,
    wait_done,
)


async def test_targets_topic_and_area_and_records_every_delivery(
    client: EmulatorClient,
    config: Config,
    cli_db: Database,
    clock: ManualClock,
    service: BroadcastService,
) -> None:
    """An item for one topic in one area reaches that area's and every-area subscribers of the
    topic, once each, and nobody else; each delivery keeps its message id."""
    area = config.areas[1].id
    other_area = config.areas[2].id
    in_area, everywhere, elsewhere, other_topic = await started_users(client, 4)
    await subscribe(cli_db, [in_area], "newsletter", area, clock=clock)
    await subscribe(cli_db, [everywhere], "newsletter", clock=clock)
    await subscribe(cli_db, [in_area], "crime-alerts", area, clock=clock)  # two topics: still once
    await subscribe(cli_db, [elsewhere], "newsletter", other_area, clock=clock)
    await subscribe(cli_db, [other_topic], "scam-alerts", area, clock=clock)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        broadcast = await queue(
            service, "<b>Summer</b> newsletter", ("newsletter", "crime-alerts"), Areas((area,))
        )
        await wait_done(cli_db, broadcast.id)
    for chat, expected in ((in_area, 1), (everywhere, 1), (elsewhere, 0), (other_topic, 0)):
        got = [t for t in texts_of(await client.messages(chat)) if "Summer newsletter" in t]
        assert len(got) == expected, chat
    summary = await BroadcastRepository(cli_db).summary(broadcast.id)
    assert summary == BroadcastSummary(sent=2)
    delivery = await BroadcastRepository(cli_db).delivery(broadcast.id, in_area)
    assert delivery is not None
    assert len(delivery.message_ids) == 1


async def test_long_text_arrives_in_parts_and_photo_caption_is_cut(
    client: EmulatorClient,
    config: Config,
    cli_db: Database,
    clock: ManualClock,
    service: BroadcastService,
) -> None:
    """A 6,000-character text arrives as two messages cut at its paragraph; a photo carries
    1,024 characters of its text as the caption and the rest follows as a message."""
    (reader,) = await started_users(client, 1)
    await subscribe(cli_db, [reader], "newsletter", clock=clock)
    first, second = "a" * 3000, "b" * 3000
    async with running_bot(config, engine_timing=FAST, clock=clock):
        long_text = await queue(service, f"<b>{first}</b>\n\n<i>{second}</i>")
        await wait_done(cli_db, long_text.id)
        pictured = await queue(service, "c" * 1500, photo=Photo(data=png_bytes()))
        await wait_done(cli_db, pictured.id)
    records = [r["message"] for r in await client.messages(reader) if r["from_bot"]]
    texts = [m.get("text") or m.get("caption") or "" for m in records]
    assert first in texts
    assert second in texts
    pictured_messages = [m for m in records if "ccc" in (m.get("caption") or m.get("text") or "")]
    assert [bool(m.get("photo")) for m in pictured_messages] == [True, False]
    assert len(pictured_messages[0]["caption"]) == 1024
    assert len(pictured_messages[1]["text"]) == 476


async def test_quiet_hours_deliver_silently_unless_urgent(
    client: EmulatorClient,
    config: Config,
    cli_db: Database,
    clock: ManualClock,
    service: BroadcastService,
) -> None:
    """At 23:00 in London a newsletter goes without a sound; an urgent alert rings."""
    (reader,) = await started_users(client, 1)
    await subscribe(cli_db, [reader], "newsletter", clock=clock)
    clock.advance(hours=13)  # 23:00 in London (BST)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        quiet = await queue(service, "Night newsletter")
        await wait_done(cli_db, quiet.id)
        loud = await queue(service, "Rogue trader now", urgent=True)
        await wait_done(cli_db, loud.id)
    silent = {
        r["message"]["text"]: r["silent"] for r in await client.messages(reader) if r["from_bot"]
    }
    assert silent["Night newsletter"] is True
    assert silent["Rogue trader now"] is False


async def test_blocked_and_gone_chats_are_unsubscribed(
    client: EmulatorClient,
    config: Config,
    cli_db: Database,
    clock: ManualClock,
    service: BroadcastService,
) -> None:
    """A chat that blocked the bot and one that never existed are unsubscribed and counted."""
    reader, blocker = await started_users(client, 2)
    await client.block(blocker)
    never = 799999  # no such user
    await subscribe(cli_db, [reader, blocker, never], "newsletter", clock=clock)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        broadcast = await queue(service, "Hello all")
        await wait_done(cli_db, broadcast.id)
    summary = await BroadcastRepository(cli_db).summary(broadcast.id)
    assert summary == BroadcastSummary(sent=1, blocked=2)
    subscribers = SubscriberRepository(cli_db)
    assert await subscribers.subscriptions(blocker) == []
    assert await subscribers.subscriptions(never) == []
    assert len(await subscribers.subscriptions(reader)) == 1
