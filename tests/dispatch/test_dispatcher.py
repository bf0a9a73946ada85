"""The dispatcher sends the outbox through the real Telegram adapter to the emulated Bot API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram import Bot

from bot.config import Limits
from bot.emulator import EmulatorClient
from bot.emulator.faults import RateLimits
from bot.outbox.dispatcher import WAITING_BEHIND, AdminNotice
from storage.outbox import DEFAULT_LEASE, OutboxItem, OutboxRepository
from tests.support.clocks import ManualClock
from tests.support.settlements import DispatcherFactory, Settlements, group

# PTB warns about its own RetryAfter.retry_after when it builds the error for each 429.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

# The burst's time scale, for the emulator's flood limits and the bot's alike (as the bench).
BURST_SCALE = 0.01
BURST_LIMITS = Limits(
    messages_per_second=round(30 / BURST_SCALE),
    group_messages_per_minute=round(20 / BURST_SCALE),
)


async def test_enqueued_items_leave_when_the_dispatcher_is_woken(
    client: EmulatorClient,
    bot: Bot,
    outbox: OutboxRepository,
    dispatcher_for: DispatcherFactory,
    settlements: Settlements,
) -> None:
    """A message, a pin and a photo enqueued after a commit reach the chat once wake() is called."""
    chat = await group(client, bot, "Police")
    dispatcher = dispatcher_for()
    first = await outbox.enqueue(
        "message", str(chat), {"text": "<b>First</b>", "parse_mode": "HTML"}
    )
    dispatcher.wake()
    await settlements.sent(first)
    seq = await client.last_seq()
    markup = {"inline_keyboard": [[{"text": "Acknowledge", "callback_data": "v1:o:ack:1:p"}]]}
    items = [
        await outbox.enqueue("message", str(chat), {"text": "Alert", "reply_markup": markup}),
        await outbox.enqueue("location", str(chat), {"latitude": 51.75, "longitude": -0.34}),
    ]
    dispatcher.wake()
    alert = await client.wait_for_message(chat, after=seq)
    pin = await client.wait_for_message(chat, after=seq, predicate=lambda m: "location" in m)
    assert alert["text"] == "Alert"
    assert alert["reply_markup"] == markup
    assert pin["location"]["latitude"] == 51.75
    await settlements.sent(*items)
    sent = await outbox.get(items[0])
    assert sent is not None
    assert sent.state == "sent"
    assert sent.result == {"message_id": alert["message_id"]}
    assert await outbox.count_pending() == 0


async def test_a_flood_limit_is_waited_out_exactly(
    client: EmulatorClient,
    bot: Bot,
    outbox: OutboxRepository,
    dispatcher_for: DispatcherFactory,
    settlements: Settlements,
    clock: ManualClock,
) -> None:
    """A 429 schedules the retry exactly retry_after later; the item then goes once."""
    chat = await group(client, bot, "Council")
    await client.add_fault("rate_limit", chat_id=chat, hits=1, retry_after=0.2)
    item = await outbox.enqueue("message", str(chat), {"text": "Fly tipping"}, now=clock())
    dispatcher = dispatcher_for(clock=clock)
    await settlements.until(lambda seen: bool(seen), "the first attempt")
    [retry] = settlements.of(item)
    assert retry.outcome == "retry"
    assert retry.reason == "flood control (429)"
    assert retry.retry_at == clock() + timedelta(seconds=0.2)
    clock.advance(seconds=0.2)
    dispatcher.wake()
    await settlements.sent(item)
    assert [m["text"] for m in await client.bot_messages(chat)] == ["Fly tipping"]
    stored = await outbox.get(item)
    assert stored is not None
    assert stored.attempts == 2


async def test_a_429_on_an_outbox_send_is_retried_by_the_dispatcher_alone(
    client: EmulatorClient,
    bot: Bot,
    outbox: OutboxRepository,
    dispatcher_for: DispatcherFactory,
    settlements: Settlements,
    clock: ManualClock,
) -> None:
    """Through the production rate limiter, each dispatcher attempt is one call: three 429s
    take three retries of the dispatcher's, each after Telegram's retry_after, while the
    chat's next item waits behind and another chat's item goes at once. (Were the limiter to
    retry too, its retries would swallow the 429s and the first attempt would be sent.)"""
    chat, other = await group(client, bot, "Council"), await group(client, bot, "Police")
    await client.add_fault("rate_limit", chat_id=chat, hits=3, retry_after=0.2)
    first = await outbox.enqueue("message", str(chat), {"text": "First"}, now=clock())
    second = await outbox.enqueue("message", str(chat), {"text": "Second"}, now=clock())
    elsewhere = await outbox.enqueue("message", str(other), {"text": "Elsewhere"}, now=clock())
    dispatcher = dispatcher_for(clock=clock)
    await settlements.sent(elsewhere)
    for attempt in (1, 2, 3):
        await settlements.until(
            lambda seen, n=attempt: len([s for s in seen if s.item_id == first]) == n,
            f"attempt {attempt} of the first item",
        )
        retry = settlements.of(first)[-1]
        assert (retry.outcome, retry.attempt) == ("retry", attempt)
        assert retry.reason == "flood control (429)"
        assert retry.retry_at == clock() + timedelta(seconds=0.2)
        clock.advance(seconds=0.2)
        dispatcher.wake()
    await settlements.sent(first, second)
    assert [s.outcome for s in settlements.of(first)] == ["retry", "retry", "retry", "sent"]
    waits = [s for s in settlements.of(second) if s.outcome == "released"]
    assert waits
    assert all(s.reason == WAITING_BEHIND for s in waits)
    assert [m["text"] for m in await client.bot_messages(chat)] == ["First", "Second"]
    assert [m["text"] for m in await client.bot_messages(other)] == ["Elsewhere"]
    stored = await outbox.get(first)
    assert stored is not None
    assert stored.attempts == 4


@pytest.mark.parametrize("limits", [BURST_LIMITS])
async def test_a_chat_waiting_out_a_429_is_not_claimed_only_to_wait(
    client: EmulatorClient,
    bot: Bot,
    outbox: OutboxRepository,
    dispatcher_for: DispatcherFactory,
    settlements: Settlements,
    clock: ManualClock,
) -> None:
    """While a chat's first item waits for its retry, the chat's later items wait in the
    outbox: only those claimed in the same batch are given back (once each, not counted as an
    attempt), the rest are never claimed early, and another chat's items go meanwhile. (Were
    they claimed batch after batch only to be given back, a backlog behind a busy chat would
    be rewritten over and over, and each put-back would count as a failed attempt.)"""
    chat, other = await group(client, bot, "Council"), await group(client, bot, "Police")
    await client.add_fault("rate_limit", chat_id=chat, hits=1, retry_after=0.2)
    backlog = [
        await outbox.enqueue("message", str(chat), {"text": f"Alert {n}"}, now=clock())
        for n in range(50)
    ]
    elsewhere = [
        await outbox.enqueue("message", str(other), {"text": f"Other {n}"}, now=clock())
        for n in range(3)
    ]
    dispatcher = dispatcher_for(clock=clock)
    await settlements.sent(*elsewhere)
    [retry] = settlements.of(backlog[0])
    assert retry.outcome == "retry"
    released = {s.item_id for s in settlements.seen if s.outcome == "released"}
    assert released == set(backlog[1:20])  # the rest of the first batch of 20, and no more
    clock.advance(seconds=0.2)
    dispatcher.wake()
    await settlements.sent(*backlog)
    for item_id in backlog[1:]:
        assert [s.outcome for s in settlements.of(item_id)].count("released") <= 1
        stored = await outbox.get(item_id)
        assert stored is not None
        assert stored.attempts == 1
    texts = [m["text"] for m in await client.bot_messages(chat)]
    assert texts == [f"Alert {n}" for n in range(50)]


async def test_server_errors_and_timeouts_are_retried_until_delivered_once(
    client: EmulatorClient,
    bot: Bot,
    outbox: OutboxRepository,
    dispatcher_for: DispatcherFactory,
    settlements: Settlements,
) -> None:
    """5xx answers and a call that times out are tried again, and each item arrives once."""
    failing, slow = await group(client, bot, "Fire"), await group(client, bot, "Housing")
    await client.add_fault("server_error", chat_id=failing, hits=2, status=502)
    # An answer slower than the bot's read timeout (0.4 s) that does not send: a lost request.
    await client.add_fault("server_error", chat_id=slow, hits=1, status=504, delay=1.0)
    items = [
        await outbox.enqueue("message", str(failing), {"text": "Smoke"}),
        await outbox.enqueue("message", str(slow), {"text": "Repair"}),
    ]
    dispatcher_for()
    await settlements.sent(*items)
    reasons = [str(s.reason) for s in settlements.seen if s.outcome == "retry"]
    assert sorted(reasons) == [
        "network or server error: Bad Gateway",
        "network or server error: Bad Gateway",
        "timed out",
    ]
    assert [m["text"] for m in await client.bot_messages(failing)] == ["Smoke"]
    assert [m["text"] for m in await client.bot_messages(slow)] == ["Repair"]


async def test_undeliverable_items_fail_and_the_admins_hear_why_without_the_text(
    client: EmulatorClient,
    bot: Bot,
    outbox: OutboxRepository,
    dispatcher_for: DispatcherFactory,
    settlements: Settlements,
) -> None:
    """No such chat, a group that removed the bot and a resident who blocked it: marked
    failed, and the admins' chat gets a note with the reason but not the contents."""
    admins = await group(client, bot, "CSP admins")
    removed = await group(client, bot, "Old YOT group")
    await client.remove_bot(removed, bot.id)
    resident = await client.create_user("Sam")
    await client.send_command(resident, "start", bot=bot.id)
    await client.block(resident, bot.id)
    heard: list[tuple[int, str]] = []
    notice = AdminNotice(outbox, [str(admins)], lambda: dispatcher.wake())

    async def fallback(item: OutboxItem, reason: str) -> None:
        heard.append((item.id, reason))
        await notice(item, reason)

    secret = "Hate incident at 12 Holywell Hill"
    items = [
        await outbox.enqueue("message", "-100999", {"text": secret}),
        await outbox.enqueue("message", str(removed), {"text": secret}),
        await outbox.enqueue("message", str(resident), {"text": secret}),
    ]
    dispatcher = dispatcher_for(fallback=fallback)
    await settlements.until(lambda seen: len(seen) >= 6, "three failures and three notes")
    assert sorted(heard) == [
        (items[0], "Bad request: Chat not found"),
        (items[1], "Forbidden: bot was kicked from the group chat"),
        (items[2], "Forbidden: bot was blocked by the user"),
    ]
    for item_id in items:
        stored = await outbox.get(item_id)
        assert stored is not None
        assert stored.state == "failed"
    notes = [m["text"] for m in await client.bot_messages(admins)]
    assert len(notes) == 3
    assert not any("Holywell" in note for note in notes)
    assert f"item {items[0]} (message) to chat -100999: Bad request: Chat not found" in notes[0]
    assert "to a private chat" in notes[2]
    assert str(resident) not in notes[2]


async def test_items_enqueued_with_no_dispatcher_leave_when_one_starts(
    client: EmulatorClient,
    bot: Bot,
    outbox: OutboxRepository,
    dispatcher_for: DispatcherFactory,
    settlements: Settlements,
    clock: ManualClock,
) -> None:
    """What waited in the outbox goes at start; what a dead dispatcher had claimed goes once
    its lease ends."""
    chat = await group(client, bot, "Trading Standards")
    waiting = await outbox.enqueue("message", str(chat), {"text": "Waiting"}, now=clock())
    claimed = await outbox.enqueue("message", str(chat), {"text": "Claimed"}, now=clock())
    # A dispatcher that dies after claiming: its claim holds the item for the lease.
    [first_claim] = await outbox.claim_due(now=clock(), limit=1)
    assert first_claim.id == waiting
    [_] = await outbox.claim_due(now=clock(), limit=1)
    fresh = await outbox.enqueue("message", str(chat), {"text": "Fresh"}, now=clock())
    dispatcher = dispatcher_for(clock=clock)
    await settlements.sent(fresh)
    assert [m["text"] for m in await client.bot_messages(chat)] == ["Fresh"]
    clock.advance(seconds=DEFAULT_LEASE.total_seconds())
    dispatcher.wake()
    await settlements.sent(waiting, claimed)
    texts = [m["text"] for m in await client.bot_messages(chat)]
    assert texts == ["Fresh", "Waiting", "Claimed"]


@pytest.mark.parametrize("limits", [BURST_LIMITS])
async def test_a_burst_under_telegram_limits_arrives_once_and_in_order(
    client: EmulatorClient,
    bot: Bot,
    outbox: OutboxRepository,
    dispatcher_for: DispatcherFactory,
    settlements: Settlements,
) -> None:
    """200 alerts to five groups, with the flood limits on in the emulator and the bot (time
    scaled down): every one arrives, once, and each group gets its alerts in the order they
    were enqueued."""
    await client.set_limits(RateLimits(time_scale=BURST_SCALE))
    chats = [await group(client, bot, f"Agency {n}") for n in range(5)]
    expected: dict[int, list[str]] = {chat: [] for chat in chats}
    ids = []
    for n in range(200):
        chat = chats[n % len(chats)]
        text = f"Alert {n}"
        ids.append(await outbox.enqueue("message", str(chat), {"text": text}))
        expected[chat].append(text)
    dispatcher = dispatcher_for()
    await settlements.sent(*ids)
    await dispatcher.stop()
    assert await outbox.count_pending() == 0
    assert any(s.reason == "flood control (429)" for s in settlements.seen)
    for chat in chats:
        assert [m["text"] for m in await client.bot_messages(chat)] == expected[chat]
