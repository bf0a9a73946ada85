"""/broadcast and /broadcasts through the real bot and the emulator: compose, preview, send
now, schedule, the refusals, and correcting and withdrawing what was sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.config import Config
from bot.emulator import EmulatorClient
from bot.emulator.client import buttons
from bot.news import texts
from storage.broadcasts import BroadcastRepository, BroadcastSummary
from storage.db import Database
from tests.support.clocks import ManualClock
from tests.support.harness import running_bot
from tests.support.news import FAST, started_users, subscribe, texts_of, wait_done
from tests.support.residents import Resident

ADMIN, SECOND_ADMIN = 900001, 900002


def _has(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: text in (m.get("text") or m.get("caption") or "")


async def _compose(client: EmulatorClient, admin: int, text: str, **send: Any) -> None:
    """/broadcast, the item, the newsletter topic, the whole district: up to the preview."""
    asked = await client.send_command(admin, "broadcast")
    await client.wait_for_message(admin, after=asked.seq, predicate=_has("New broadcast"))
    sent = await client.send_text(admin, text, **send)
    await client.wait_for_message(admin, after=sent.seq, predicate=_has("Which topics"))
    pressed = await client.press(admin, None, "▫️ The partnership newsletter")
    await client.wait_for_event(lambda e: e["type"] == "message_edited", after=pressed.seq)
    pressed = await client.press(admin, None, "Done")
    await client.wait_for_message(admin, after=pressed.seq, predicate=_has("Who should"))
    pressed = await client.press(admin, None, "The whole district")
    await client.wait_for_message(admin, after=pressed.seq, predicate=_has("It will reach"))


async def test_compose_preview_and_send_now_once(
    client: EmulatorClient, config: Config, cli_db: Database, clock: ManualClock
) -> None:
    """The admin's formatted message is previewed as subscribers get it, with its reach; Send
    now pressed twice sends it once, and the progress message ends with the summary."""
    readers = await started_users(client, 3)
    await subscribe(cli_db, readers, "newsletter", clock=clock)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        await _compose(
            client,
            ADMIN,
            "Summer news: crime is down",
            entities=[{"type": "bold", "offset": 0, "length": 11}],
        )
        preview = [
            m for m in await client.bot_messages(ADMIN) if "crime is down" in (m.get("text") or "")
        ]
        assert preview[-1]["entities"][0]["type"] == "bold"
        reach = (await client.bot_messages(ADMIN))[-1]
        assert "<b>3</b>" not in reach["text"]  # the HTML was parsed
        assert "It will reach 3 subscribers" in reach["text"]
        first = await client.press(ADMIN, None, "Send now", reach["message_id"])
        progress = await client.wait_for_message(ADMIN, after=first.seq, predicate=_has("Sending"))
        again = await client.press(ADMIN, None, "Send now", reach["message_id"])
        answer = await client.wait_for_event(
            lambda e: e["type"] == "callback_answered", after=again.seq
        )
        broadcast_id = int(await cli_db.fetchvalue("SELECT MAX(id) FROM broadcasts"))
        await wait_done(cli_db, broadcast_id)
    assert answer is not None
    assert await cli_db.fetchvalue("SELECT COUNT(*) FROM broadcasts") == 1
    for reader in readers:
        got = [t for t in texts_of(await client.messages(reader)) if "crime is down" in t]
        assert got == ["Summer news: crime is down"]
        message = next(
            r["message"]
            for r in await client.messages(reader)
            if "crime" in (r["message"].get("text") or "")
        )
        assert message["entities"][0]["type"] == "bold"
    records = await client.messages(ADMIN)
    final = next(r for r in records if r["message_id"] == progress["message_id"])
    assert "finished" in final["message"]["text"]
    assert "Delivered: 3" in final["message"]["text"]


async def test_non_admin_and_forged_callbacks_are_refused(
    client: EmulatorClient, config: Config, cli_db: Database, clock: ManualClock, resident: int
) -> None:
    """A resident's /broadcast and /broadcasts are refused, and a forged withdraw or send
    button changes nothing."""
    sam = Resident(client, resident)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        await sam.say("/broadcast", until=texts.ADMINS_ONLY)
        await sam.say("/broadcasts", until=texts.ADMINS_ONLY)
        menu = await sam.say("/start", until="Choose what you would like")
        label = buttons(menu)[0]
        for forged in ("v2:b:m:sure:1", "v2:b:go:now", "v2:b:m:cancel:1"):
            pressed = await client.press(sam.id, None, label, forged_data=forged)
            answer = await client.wait_for_event(
                lambda e: e["type"] == "callback_answered", after=pressed.seq
            )
            assert answer is not None
    assert await cli_db.fetchvalue("SELECT COUNT(*) FROM broadcasts") == 0
    assert await cli_db.fetchvalue("SELECT COUNT(*) FROM broadcast_audit") == 0


async def test_schedule_refuses_the_past_and_sends_when_due(
    client: EmulatorClient, config: Config, cli_db: Database, clock: ManualClock
) -> None:
    """A past time and one in the clock change are refused; "tomorrow 09:00" waits for the
    clock and then goes out."""
    (reader,) = await started_users(client, 1)
    await subscribe(cli_db, [reader], "newsletter", clock=clock)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        await _compose(client, ADMIN, "Scheduled news")
        pressed = await client.press(ADMIN, None, "Schedule")
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("When should"))
        for typed, answer in (
            ("today 08:00", "already passed"),
            ("2025-03-30 01:30", "clocks go forward"),
            ("2024-10-27 01:30", "clocks go back"),
            ("next week", "could not read"),
        ):
            sent = await client.send_text(ADMIN, typed)
            await client.wait_for_message(ADMIN, after=sent.seq, predicate=_has(answer))
        sent = await client.send_text(ADMIN, "tomorrow 09:00")
        await client.wait_for_message(ADMIN, after=sent.seq, predicate=_has("scheduled for"))
        broadcast = (await BroadcastRepository(cli_db).recent())[0]
        assert broadcast.state == "scheduled"
        assert broadcast.scheduled_for is not None
        assert broadcast.scheduled_for.isoformat() == "2024-05-02T08:00:00+00:00"
        clock.advance(hours=22, minutes=59)  # 08:59 in London
        listed = await client.send_command(ADMIN, "broadcasts")
        await client.wait_for_message(ADMIN, after=listed.seq, predicate=_has("scheduled"))
        assert (await BroadcastRepository(cli_db).get(broadcast.id)).state == "scheduled"  # type: ignore[union-attr]
        clock.advance(minutes=1)
        await wait_done(cli_db, broadcast.id)
    assert "Scheduled news" in texts_of(await client.messages(reader))


async def test_correct_and_withdraw_from_the_list(
    client: EmulatorClient, config: Config, cli_db: Database, clock: ManualClock
) -> None:
    """Correct edits every delivered copy; Withdraw (confirmed) deletes them; after 48 hours
    withdrawing is refused with the reason."""
    readers = await started_users(client, 2)
    await subscribe(cli_db, readers, "newsletter", clock=clock)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        await _compose(client, ADMIN, "Rogue trader on Hatfield Road")
        pressed = await client.press(ADMIN, None, "Send now")
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("Sending"))
        broadcast_id = int(await cli_db.fetchvalue("SELECT MAX(id) FROM broadcasts"))
        await wait_done(cli_db, broadcast_id)

        listed = await client.send_command(ADMIN, "broadcasts")
        await client.wait_for_message(ADMIN, after=listed.seq, predicate=_has("Delivered 2"))
        pressed = await client.press(ADMIN, None, f"Correct {broadcast_id}")
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("corrected text"))
        sent = await client.send_text(ADMIN, "Rogue trader on Hatfield Avenue")
        await client.wait_for_message(ADMIN, after=sent.seq, predicate=_has("corrected:"))
        for reader in readers:
            await client.wait_for_edit(reader, after=sent.seq)
        # Telegram's answer to the edit comes before the engine commits it.
        await _until_fixed(BroadcastRepository(cli_db), broadcast_id)

        clock.advance(hours=47)
        listed = await client.send_command(ADMIN, "broadcasts")
        await client.wait_for_message(ADMIN, after=listed.seq, predicate=_has("corrected (1)"))
        pressed = await client.press(ADMIN, None, f"Withdraw {broadcast_id}")
        await client.wait_for_message(
            ADMIN, after=pressed.seq, predicate=_has("Withdraw broadcast")
        )
        clock.advance(hours=2)  # now past 48 hours
        pressed = await client.press(ADMIN, None, "Yes, withdraw it")
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("48 hours"))
        clock.advance(hours=-2)
        pressed = await client.press(ADMIN, None, "Yes, withdraw it")
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("withdrawn:"))
        for reader in readers:
            await client.wait_for_event(
                lambda e, r=reader: e["type"] == "message_deleted" and e["chat_id"] == r,
                after=pressed.seq,
            )
    for reader in readers:
        assert not [t for t in texts_of(await client.messages(reader)) if "Rogue" in t]
        edited = [r for r in await client.messages(reader) if r["edits"]]
        assert edited
        assert edited[0]["message"]["text"] == "Rogue trader on Hatfield Avenue"
    actions = [e.action for e in await BroadcastRepository(cli_db).audit_trail(broadcast_id)]
    assert actions == ["queued", "correct", "withdraw"]
    assert await BroadcastRepository(cli_db).summary(broadcast_id) == BroadcastSummary(sent=2)


async def _until_fixed(repository: BroadcastRepository, broadcast_id: int) -> None:
    """Wait (up to 30 s) until every delivered copy of the item has its correction recorded."""
    for _ in range(1500):
        if await repository.copies_to_fix(broadcast_id) == []:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(await repository.copies_to_fix(broadcast_id))


async def test_two_admins_compose_and_send_at_once(
    client: EmulatorClient, config: Config, cli_db: Database, clock: ManualClock
) -> None:
    """Two admins writing at the same time each keep their own draft and both items go out."""
    from bot.config.models import Admins

    both = config.model_copy(update={"admins": Admins(user_ids=(ADMIN, SECOND_ADMIN))})
    await client.create_user("Second admin", user_id=SECOND_ADMIN)
    (reader,) = await started_users(client, 1)
    await subscribe(cli_db, [reader], "newsletter", clock=clock)
    async with running_bot(both, engine_timing=FAST, clock=clock):
        await asyncio.gather(
            _compose(client, ADMIN, "From the first admin"),
            _compose(client, SECOND_ADMIN, "From the second admin"),
        )
        for admin in (ADMIN, SECOND_ADMIN):
            pressed = await client.press(admin, None, "Send now")
            await client.wait_for_message(admin, after=pressed.seq, predicate=_has("Sending"))
        for broadcast in await BroadcastRepository(cli_db).recent():
            await wait_done(cli_db, broadcast.id)
    got = texts_of(await client.messages(reader))
    assert "From the first admin" in got
    assert "From the second admin" in got


async def test_photo_urgent_point_and_bad_input(
    client: EmulatorClient, config: Config, cli_db: Database, clock: ManualClock
) -> None:
    """A sticker or a 10 MB file where the item is asked gets a kind answer; a photo with a
    caption aimed at a pin and radius goes out as an urgent alert to that area."""
    near, far = await started_users(client, 2)
    await subscribe(cli_db, [near], "crime-alerts", "st-albans-city", clock=clock)
    await subscribe(cli_db, [far], "crime-alerts", "harpenden", clock=clock)
    async with running_bot(config, engine_timing=FAST, clock=clock):
        asked = await client.send_command(ADMIN, "broadcast")
        await client.wait_for_message(ADMIN, after=asked.seq, predicate=_has("New broadcast"))
        sent = await client.send_media(ADMIN, "sticker")
        await client.wait_for_message(ADMIN, after=sent.seq, predicate=_has("Please send the item"))
        sent = await client.send_document(
            ADMIN, b"\x00" * (10 * 1024 * 1024 + 1), "big.png", "image/png"
        )
        await client.wait_for_message(ADMIN, after=sent.seq, predicate=_has("over 10 MB"))
        sent = await client.send_photo(ADMIN, caption="Rogue trader seen on Holywell Hill")
        await client.wait_for_message(ADMIN, after=sent.seq, predicate=_has("Which topics"))
        pressed = await client.press(ADMIN, None, "Done")  # no topic yet
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("at least one"))
        name = next(t.name for t in config.topics if t.id == "crime-alerts")
        await client.press(ADMIN, None, f"▫️ {name}")
        pressed = await client.press(ADMIN, None, "Done")
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("Who should"))
        pressed = await client.press(ADMIN, None, "⚠️ Urgent: near a place")
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("location pin"))
        sent = await client.send_text(ADMIN, "Holywell Hill")
        await client.wait_for_message(
            ADMIN, after=sent.seq, predicate=_has("Please send a location")
        )
        sent = await client.send_location(ADMIN, 51.7489, -0.3407)
        await client.wait_for_message(ADMIN, after=sent.seq, predicate=_has("How far"))
        pressed = await client.press(ADMIN, None, "1 km")
        reach = await client.wait_for_message(
            ADMIN, after=pressed.seq, predicate=_has("It will reach")
        )
        assert "reach 1 subscriber." in reach["text"]
        photos = [m for m in await client.bot_messages(ADMIN) if m.get("photo")]
        assert photos[-1]["caption"] == "Rogue trader seen on Holywell Hill"
        pressed = await client.press(ADMIN, None, "Send now")
        await client.wait_for_message(ADMIN, after=pressed.seq, predicate=_has("Sending"))
        broadcast = (await BroadcastRepository(cli_db).recent())[0]
        assert broadcast.urgent
        await wait_done(cli_db, broadcast.id)
    delivered = [r["message"] for r in await client.messages(near) if r["from_bot"]]
    assert any(m.get("photo") and "Holywell" in m.get("caption", "") for m in delivered)
    assert not [t for t in texts_of(await client.messages(far)) if "Holywell" in t]
