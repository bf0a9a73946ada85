"""/news through the real bot and the emulator: topics, areas, near me, quiet hours, /stop,
forged buttons, groups and restarts; and what broadcasts will read from the database."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotContext
from bot.emulator import EmulatorClient, EmulatorServer
from bot.emulator.client import buttons
from bot.geo import AreaMap, Locator
from storage.db import Database
from storage.subscribers import Recipient, SubscriberRepository
from tests.support.flows import HARPENDEN, ST_ALBANS
from tests.support.harness import BOT_ID, TOKEN, load, running_bot, start_bot_process
from tests.support.residents import Message, Resident

SCAMS = "Scams, rogue traders and bogus callers"
NEWSLETTER = "The partnership newsletter"
# Central London: far outside every area of the district.
LONDON = (51.5074, -0.1278)


@contextlib.asynccontextmanager
async def subscribers_of(config_path: Path) -> AsyncIterator[SubscriberRepository]:
    """The subscribers stored in the config's database (read once the bot has stopped)."""
    async with await Database.open(load(config_path).storage.database) as db:
        yield SubscriberRepository(db)


async def open_news(sam: Resident) -> Message:
    """/news, checked to show the topics."""
    screen = await sam.say("/news")
    assert screen["text"].startswith("News and alerts")
    return screen


async def reply_keyboard(client: EmulatorClient, chat_id: int) -> list[list[dict[str, Any]]]:
    """The reply keyboard the bot set last in the chat ([] once it took it away)."""
    for record in reversed(await client.messages(chat_id)):
        markup = record.get("reply_markup") or {}
        if record.get("from_bot") and "keyboard" in markup:
            return list(markup["keyboard"])
        if record.get("from_bot") and markup.get("remove_keyboard"):
            return []
    return []


_COUNTS = {
    table: f"SELECT COUNT(*) AS n FROM {table} WHERE chat_id = ?"  # noqa: S608 - fixed names
    for table in ("subscribers", "subscriptions", "subscriber_areas")
}


async def rows_of(config_path: Path, table: str, chat_id: int) -> int:
    """How many rows of a table name the chat."""
    async with await Database.open(load(config_path).storage.database) as db:
        row = await db.fetchone(_COUNTS[table], (chat_id,))
    assert row is not None
    return int(row["n"])


async def test_topics_and_areas_are_chosen_and_each_change_is_confirmed(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Ticking topics then areas edits the message in place, each time saying what the
    resident will now receive; broadcasts' recipients follow the choice."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        screen = await open_news(sam)
        assert "You receive no news yet." in screen["text"]
        assert SCAMS in buttons(screen)
        first = await sam.toggle(SCAMS)
        assert first["message_id"] == screen["message_id"]
        assert f"✓ {SCAMS}" in buttons(first)
        second = await sam.toggle(NEWSLETTER)
        assert (
            f"You will now receive: {SCAMS}, and {NEWSLETTER}, for the whole of "
            "St Albans City & District. News between 21:00 and 07:00 arrives silently."
        ) in second["text"]
        areas = await sam.toggle("Areas: the whole district")
        assert "✓ The whole district" in buttons(areas)
        await sam.toggle("Harpenden")
        both = await sam.toggle("London Colney")
        assert [b for b in buttons(both) if "✓" in b] == ["✓ Harpenden", "✓ London Colney"]
        assert (
            f"You will now receive: {SCAMS}, and {NEWSLETTER}, for Harpenden and London "
            "Colney. News between 21:00 and 07:00 arrives silently."
        ) in both["text"]
        back = await sam.toggle("« Back to topics")
        assert "Areas: 2 chosen" in buttons(back)
    async with subscribers_of(config_path) as subscribers:
        assert await subscribers.recipients(["scam-alerts"], ["harpenden"]) == [
            Recipient(resident, None)
        ]
        assert await subscribers.recipients(["newsletter"], None) == [Recipient(resident, None)]
        assert await subscribers.recipients(["scam-alerts"], ["redbourn"]) == []
        assert await subscribers.recipients(["crime-alerts"], None) == []


async def test_untick_a_topic_and_back_to_the_whole_district(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Unticking a topic and choosing the whole district again are confirmed; the last
    topic unticked says no news comes."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await open_news(sam)
        await sam.toggle(SCAMS)
        await sam.toggle(NEWSLETTER)
        await sam.toggle("Areas: the whole district")
        await sam.toggle("Redbourn")
        whole = await sam.toggle("The whole district")
        assert "✓ The whole district" in buttons(whole)
        assert "for the whole of St Albans City & District" in whole["text"]
        await sam.toggle("« Back to topics")
        one = await sam.toggle(f"✓ {SCAMS}")
        assert f"You will now receive: {NEWSLETTER}, for the whole of" in one["text"]
        none = await sam.toggle(f"✓ {NEWSLETTER}")
        assert "You will now receive no news." in none["text"]
    async with subscribers_of(config_path) as subscribers:
        assert await subscribers.recipients(["scam-alerts", "newsletter"], None) == []


async def test_quiet_hours_are_chosen_from_the_offered_ones(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """None, or another offered span, is confirmed and stored for deliveries."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await open_news(sam)
        await sam.toggle(SCAMS)
        quiet = await sam.toggle("Quiet hours: 21:00 to 07:00")
        assert buttons(quiet)[:2] == ["✓ The partnership's: 21:00 to 07:00", "No quiet hours"]
        off = await sam.toggle("No quiet hours")
        assert "News arrives with a sound at any hour." in off["text"]
        assert "✓ No quiet hours" in buttons(off)
    async with subscribers_of(config_path) as subscribers:
        assert await subscribers.recipients(["scam-alerts"], None) == [Recipient(resident, "off")]
    async with running_bot(load(config_path)):
        later = await sam.toggle("22:00 to 07:00")
        assert "News between 22:00 and 07:00 arrives silently." in later["text"]
    async with subscribers_of(config_path) as subscribers:
        assert await subscribers.recipients(["scam-alerts"], None) == [
            Recipient(resident, "22:00-07:00")
        ]


async def test_near_me_takes_a_location_after_refusing_other_things_then_a_radius(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Near me asks for a location with a location key; a sticker or text is refused kindly
    and the question stays; a pin then a radius subscribe to the areas the circle meets."""
    sam = Resident(client, resident)
    config = load(config_path)
    async with running_bot(config):
        await open_news(sam)
        await sam.toggle(SCAMS)
        await sam.toggle("Areas: the whole district")
        ask = await sam.tap("📍 Near me")
        assert "Send the place you want news around" in ask["text"]
        keyboard = await reply_keyboard(client, resident)
        assert keyboard[0][0] == {"text": "📍 Send my location", "request_location": True}
        for refused in (await sam.send_media("sticker"), await sam.say("Harpenden please")):
            assert refused["text"].startswith("That is not a location.")
        sent = await client.send_location(resident, *HARPENDEN)
        await client.wait_for_message(
            resident, after=sent.seq, predicate=lambda m: m["text"].startswith("Thank you")
        )
        radii = await client.wait_for_message(
            resident, after=sent.seq, predicate=lambda m: "How far" in m["text"]
        )
        assert buttons(radii)[:4] == ["Within 500 m", "Within 1 km", "Within 2 km", "Within 5 km"]
        assert await reply_keyboard(client, resident) == []  # the location key is gone
        chosen = await sam.toggle("Within 500 m")
        assert (
            f"You will now receive: {SCAMS}, for within 500 m of the place you pinned "
            "(Harpenden)." in chosen["text"]
        )
        assert "✓ 📍 Near me (500 m)" in buttons(chosen)
        await sam.tap("✓ 📍 Near me (500 m)")  # a wider circle round the same place
        sent = await client.send_location(resident, *HARPENDEN)
        await client.wait_for_message(
            resident, after=sent.seq, predicate=lambda m: "How far" in m["text"]
        )
        wider = await sam.toggle("Within 5 km")
    areas = AreaMap.from_config(config.areas, Locator.from_config(config.geography))
    met = areas.areas_meeting(*HARPENDEN, 5000)
    assert len(met) >= 2
    names = [areas.name(a) for a in met]
    assert all(name in wider["text"] for name in names)
    async with subscribers_of(config_path) as subscribers:
        for area_id in met:
            assert await subscribers.recipients(["scam-alerts"], [area_id]) == [
                Recipient(resident, None)
            ]
        choice = await subscribers.choice(resident)
    assert choice is not None
    assert choice.near is not None
    assert (choice.near.radius_m, round(choice.near.latitude, 4)) == (5000, HARPENDEN[0])
    assert sorted(choice.area_ids) == sorted(met)


async def test_near_me_takes_a_venue_and_refuses_a_place_outside_the_areas(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A venue is as good as a pin; a circle that meets no area changes nothing and says so;
    /cancel or the Cancel key while a place is awaited leaves the choice as it was."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await open_news(sam)
        await sam.toggle(SCAMS)
        await sam.toggle("Areas: the whole district")
        await sam.tap("📍 Near me")
        sent = await client.send_venue(resident, *LONDON, "Trafalgar Square")
        await client.wait_for_message(
            resident, after=sent.seq, predicate=lambda m: "How far" in m["text"]
        )
        outside = await sam.toggle("Within 500 m")
        assert outside["text"].startswith("That place is outside the areas")
        assert "for the whole of St Albans City & District" in outside["text"]
        for cancel in ("/cancel", "Cancel"):  # the command, and the key under the location's
            await sam.tap("📍 Near me")
            cancelled = await sam.say(cancel)
            assert cancelled["text"].startswith("Your news choices are as they were.")
            assert await reply_keyboard(client, resident) == []
        after = await sam.say("a stray message")
        assert after["text"].startswith("Sorry, I did not understand")


async def test_stop_deletes_the_subscriber_by_command_and_by_button(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """/stop and "Stop all news" end everything, confirmed in words; no row of the chat is
    left; /stop with nothing to stop says so."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await open_news(sam)
        await sam.toggle(SCAMS)
        await sam.toggle("Areas: the whole district")
        await sam.toggle("Harpenden")
        stopped = await sam.say("/stop")
        assert stopped["text"].startswith("Done: you will receive no more news from us")
        nothing = await sam.say("/stop")
        assert nothing["text"].startswith("You had no news subscription")
        await open_news(sam)
        await sam.toggle(NEWSLETTER)
        by_button = await sam.toggle("Stop all news")
        assert by_button["text"].startswith("Done: you will receive no more news from us")
        assert buttons(by_button) == []
    for table in ("subscribers", "subscriptions", "subscriber_areas"):
        assert await rows_of(config_path, table, resident) == 0
    async with subscribers_of(config_path) as subscribers:
        assert await subscribers.recipients(["newsletter", "scam-alerts"], None) == []


async def test_forged_and_stale_buttons_are_answered_kindly(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """A topic the config does not have, a radius not offered, hours not offered: each is
    answered, nothing is stored, and the message shows the choice as it is."""
    sam = Resident(client, resident)
    forged = {
        "Old topic": "v2:n:t:burglary-2019",
        "Odd radius": "v2:n:r:1:8ftpi:ap2p8",
        "Nowhere": "v2:n:r:1jk:zzzzzz:zzzzzz",
        "Odd hours": "v2:n:q:2599-0000",
        "Old area": "v2:n:a:sopwell-old",
    }
    async with running_bot(load(config_path)):
        await sam.say("/start")
        for label, data in forged.items():
            markup = {"inline_keyboard": [[{"text": label, "callback_data": data}]]}
            await _bot_api(server, "sendMessage", chat_id=resident, text=".", reply_markup=markup)
            pressed = await client.press(resident, None, label)
            answer = await client.wait_for_callback_answer(pressed.callback_query_id)
            edited = await client.wait_for_edit(resident, pressed.message_id, after=pressed.seq)
            assert "no longer offered" in (answer.get("text") or "")
            assert edited["text"].startswith("News and alerts")
            assert "You receive no news yet." in edited["text"]
    assert await rows_of(config_path, "subscribers", resident) == 0


async def test_news_in_a_group_points_to_a_private_chat(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """/news and /stop in a group link to the private chat; a news button there subscribes
    nobody."""
    group = await client.create_group("Neighbours", members=[resident], bots=[BOT_ID])
    async with running_bot(load(config_path)):
        for command in ("news", "stop"):
            sent = await client.send_command(resident, command, chat_id=group)
            reply = await client.wait_for_message(group, after=sent.seq)
            assert "https://t.me/stalbans_safety_bot?start=news" in reply["text"]
        markup = {"inline_keyboard": [[{"text": "Scams", "callback_data": "v2:n:t:scam-alerts"}]]}
        await _bot_api(server, "sendMessage", chat_id=group, text=".", reply_markup=markup)
        pressed = await client.press(resident, group, "Scams")
        answer = await client.wait_for_callback_answer(pressed.callback_query_id)
        assert "private chat" in (answer.get("text") or "")
        sent = await client.send_command(resident, "start", "news")
        private = await client.wait_for_message(resident, after=sent.seq)
        assert private["text"].startswith("News and alerts")
    assert await rows_of(config_path, "subscribers", group) == 0


async def test_the_menu_opens_news(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The start menu's "News and alerts" opens the topics."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await sam.say("/start")
        screen = await sam.tap("News and alerts")
    assert screen["text"].startswith("News and alerts")
    assert "Stop all news" in buttons(screen)


async def test_buttons_and_the_wait_for_a_place_survive_restarts(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A topic ticked before a restart is still ticked after it and the old message's
    buttons still work; a place awaited before a restart is taken after it, and the radius
    offered before another restart still subscribes."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await open_news(sam)
        await sam.toggle(SCAMS)
    async with running_bot(load(config_path)):
        both = await sam.toggle(NEWSLETTER)
        assert f"{SCAMS}, and {NEWSLETTER}" in both["text"]
        await sam.toggle("Areas: the whole district")
        await sam.tap("📍 Near me")
    async with running_bot(load(config_path)):
        sent = await client.send_location(resident, *ST_ALBANS)
        await client.wait_for_message(
            resident, after=sent.seq, predicate=lambda m: "How far" in m["text"]
        )
    async with running_bot(load(config_path)):
        chosen = await sam.toggle("Within 500 m")
    assert "within 500 m of the place you pinned (St Albans city)" in chosen["text"]
    async with subscribers_of(config_path) as subscribers:
        assert await subscribers.recipients(["newsletter"], ["st-albans-city"]) == [
            Recipient(resident, None)
        ]
        assert await subscribers.recipients(["newsletter"], ["harpenden"]) == []


async def test_a_bot_killed_while_awaiting_the_place_takes_it_when_restarted(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The real bot killed (SIGKILL) right after asking for the place: restarted, it takes
    the location as the place and the radius subscribes."""
    sam = Resident(client, resident)
    first = start_bot_process(config_path)
    try:
        await open_news(sam)
        await sam.toggle(SCAMS)
        await sam.toggle("Areas: the whole district")
        await sam.tap("📍 Near me")
    finally:
        first.send_signal(signal.SIGKILL)
        output = (await asyncio.to_thread(first.communicate, timeout=30))[0]
    second = start_bot_process(config_path)
    try:
        sent = await client.send_location(resident, *HARPENDEN)
        await client.wait_for_message(
            resident, after=sent.seq, predicate=lambda m: "How far" in m["text"], timeout=30
        )
        chosen = await sam.toggle("Within 500 m")
    finally:
        second.send_signal(signal.SIGTERM)
        output += (await asyncio.to_thread(second.communicate, timeout=30))[0]
    assert second.returncode == 0, output
    assert "within 500 m of the place you pinned (Harpenden)" in chosen["text"]


async def test_a_place_not_sent_in_time_is_given_up_kindly(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The wait for the place ends after its timeout (the job run by hand, not waited for):
    the resident is told, the location key goes, and text is no longer taken for a place."""
    seen: dict[str, Any] = {}

    async def peek(update: Update, context: BotContext) -> None:
        seen["application"] = context.application
        assert update.effective_message is not None
        await update.effective_message.reply_text("peeked")

    sam = Resident(client, resident)
    async with running_bot(load(config_path), extra_handlers=[CommandHandler("peek", peek)]):
        await sam.say("/peek")
        await open_news(sam)
        await sam.toggle("Areas: the whole district")
        await sam.tap("📍 Near me")
        application = seen["application"]
        [job] = [
            j
            for j in application.job_queue.jobs()
            if getattr(getattr(j.callback, "__self__", None), "name", None) == "news_near_me"
        ]
        before = await client.last_seq()
        await job.run(application)
        told = await client.wait_for_message(resident, after=before)
        assert told["text"] == "No location came, so your news choices are as they were."
        assert await reply_keyboard(client, resident) == []
        after = await sam.say("Harpenden")
    assert after["text"].startswith("Sorry, I did not understand")


async def _bot_api(server: EmulatorServer, method: str, **params: object) -> Any:
    """Call the Bot API as the bot itself (to put forged buttons in front of a user)."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(f"/bot{TOKEN}/{method}", json=params)
    body = response.json()
    assert body["ok"], body
    return body["result"]
