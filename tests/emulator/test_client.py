"""The client API: acting as users, groups, reading chats, events and waiting helpers."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from bot.emulator import EmulatorClient, EmulatorServer, EmulatorTimeout
from bot.emulator.client import EmulatorError

from .helpers import BOT_ID, BotApi


async def test_wait_for_message_times_out_naming_what_it_awaited(client: EmulatorClient) -> None:
    """No reply within the timeout raises EmulatorTimeout naming the chat, promptly."""
    user = await client.create_user()
    sent = await client.send_text(user, "hello?")
    started = time.monotonic()
    with pytest.raises(EmulatorTimeout, match=f"a bot message in chat {user}"):
        await client.wait_for_message(user, after=sent.seq, timeout=0.3)
    assert time.monotonic() - started < 5


async def test_wait_for_message_skips_other_chats_and_predicates(
    api: BotApi, client: EmulatorClient
) -> None:
    """Only the bot's message in the given chat that satisfies the predicate is returned."""
    alice, bob = await client.create_user("A"), await client.create_user("B")
    await client.send_text(bob, "/start")
    sent = await client.send_text(alice, "/start")
    waiting = asyncio.create_task(
        client.wait_for_message(alice, after=sent.seq, predicate=lambda m: "2" in m["text"])
    )
    await api.ok("sendMessage", chat_id=bob, text="for bob 2")
    await api.ok("sendMessage", chat_id=alice, text="first 1")
    await api.ok("sendMessage", chat_id=alice, text="second 2")
    message = await asyncio.wait_for(waiting, 10)
    assert message["text"] == "second 2"


async def test_events_long_poll_wakes_on_new_event(client: EmulatorClient) -> None:
    """GET /client/events waits for the next event and returns it with a higher seq."""
    user = await client.create_user()
    last = await client.last_seq()
    poll = asyncio.create_task(client.events(after=last, timeout=20))
    await asyncio.sleep(0.05)
    assert not poll.done()
    sent = await client.send_text(user, "ping")
    events, last_seq = await asyncio.wait_for(poll, 10)
    assert events[0]["seq"] == sent.seq == last + 1
    assert events[0]["type"] == "user_message"
    assert last_seq >= sent.seq


async def test_sse_stream_carries_events(server: EmulatorServer, client: EmulatorClient) -> None:
    """The SSE endpoint sends each event as a data line with its seq as id."""
    user = await client.create_user()
    last = await client.last_seq()
    async with (
        httpx.AsyncClient(base_url=server.url, timeout=10) as http,
        http.stream("GET", "/client/events/stream", params={"after": last}) as stream,
    ):
        await client.send_text(user, "streamed")
        data = ""
        async with asyncio.timeout(10):
            async for line in stream.aiter_lines():
                if line.startswith("data: "):
                    data = line.removeprefix("data: ")
                    break
    event = json.loads(data)
    assert event["type"] == "user_message"
    assert event["message"]["text"] == "streamed"


async def test_group_messages_reach_every_bot_in_the_group(
    http: httpx.AsyncClient, client: EmulatorClient
) -> None:
    """A user's group message is an update for each bot there; message ids are shared."""
    ours, echo = BotApi(http), BotApi(http, "999:echo")
    await echo.ok("getMe")
    user = await client.create_user()
    group = await client.create_group("Residents", members=[user], bots=[BOT_ID, 999])
    await ours.ok("getUpdates", offset=-1)
    await ours.ok("getUpdates", offset=10**6)
    await echo.ok("getUpdates", offset=10**6)
    sent = await client.send_text(user, "/report@safety_test_bot now", chat_id=group)
    for api in (ours, echo):
        updates = await api.ok("getUpdates")
        assert updates[0]["message"]["chat"] == {"id": group, "type": "group", "title": "Residents"}
        assert updates[0]["message"]["message_id"] == sent.message_id
    reply = await ours.ok("sendMessage", chat_id=group, text="noted")
    assert reply["message_id"] == sent.message_id + 1
    outsider = await client.create_user()
    with pytest.raises(EmulatorError, match="not a member"):
        await client.send_text(outsider, "let me in", chat_id=group)


async def test_users_can_send_every_kind_of_message(api: BotApi, client: EmulatorClient) -> None:
    """Location, contact, photo, document, sticker, voice and video arrive as Telegram shapes."""
    user = await client.create_user()
    await client.send_location(user, 51.7527, -0.3394)
    await client.send_contact(user, "+441727000000", "Alice")
    await client.send_photo(user, caption="graffiti")
    await client.send_document(user, b"%PDF", "a.pdf", "application/pdf")
    for kind in ("sticker", "voice", "video"):
        await client.send_media(user, kind)
    messages = [u["message"] for u in await api.ok("getUpdates")]
    assert messages[0]["location"] == {"latitude": 51.7527, "longitude": -0.3394}
    assert messages[1]["contact"]["user_id"] == user
    assert messages[2]["caption"] == "graffiti"
    assert messages[2]["photo"][-1]["width"] == 64
    assert messages[3]["document"]["file_name"] == "a.pdf"
    assert messages[4]["sticker"]["type"] == "regular"
    assert messages[5]["voice"]["duration"] == 2
    assert messages[6]["video"]["width"] == 320
    file = await api.ok("getFile", file_id=messages[3]["document"]["file_id"])
    assert file["file_size"] == 4
    assert await client.file_bytes(messages[3]["document"]["file_id"]) == b"%PDF"


async def test_press_finds_the_latest_message_with_the_button(
    api: BotApi, client: EmulatorClient
) -> None:
    """Without a message id, the newest bot message having the button is pressed."""
    user = await client.create_user()
    await client.send_text(user, "/start")
    keyboard = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    older = await api.ok("sendMessage", chat_id=user, text="1", reply_markup=keyboard)
    newer = await api.ok("sendMessage", chat_id=user, text="2", reply_markup=keyboard)
    await api.ok("sendMessage", chat_id=user, text="3")
    assert (await client.press(user, user, "Go")).message_id == newer["message_id"]
    assert (
        await client.press(user, None, "Go", message_id=older["message_id"])
    ).message_id == older["message_id"]
    with pytest.raises(EmulatorError, match="no inline button 'Stop'"):
        await client.press(user, None, "Stop")
    url_button = {"inline_keyboard": [[{"text": "Site", "url": "https://example.org"}]]}
    await api.ok("sendMessage", chat_id=user, text="4", reply_markup=url_button)
    with pytest.raises(EmulatorError, match="no callback_data"):
        await client.press(user, None, "Site")


async def test_reset_forgets_the_world_but_seq_keeps_growing(
    api: BotApi, client: EmulatorClient
) -> None:
    """After reset users and updates are gone, and new events have higher seqs."""
    user = await client.create_user()
    sent = await client.send_text(user, "before")
    await client.reset()
    state = await client.state()
    assert state["users"] == []
    assert state["bots"] == []
    assert state["last_seq"] > sent.seq
    assert await api.ok("getUpdates") == []
    with pytest.raises(EmulatorError, match="Not Found: user"):
        await client.send_text(user, "after", bot=BOT_ID)


async def test_bot_is_required_when_there_are_several(
    http: httpx.AsyncClient, client: EmulatorClient
) -> None:
    """With two bots a private message must say which bot it is for."""
    await BotApi(http, "999:echo").ok("getMe")
    user = await client.create_user()
    with pytest.raises(EmulatorError, match="bot_id is required"):
        await client.send_text(user, "which bot?")
