"""Saving the emulator's world to JSON and loading it into another emulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.emulator import EmulatorClient, EmulatorServer
from bot.emulator.client import EmulatorError, buttons

from .helpers import BOT_ID, BotApi

KEYBOARD = {"inline_keyboard": [[{"text": "Acknowledge", "callback_data": "v1:o:ack:7:team"}]]}


@pytest.fixture
async def other() -> AsyncIterator[EmulatorServer]:
    """A second, fresh emulator to restore into."""
    async with EmulatorServer(port=0) as emulator:
        yield emulator


async def _world(api: BotApi, client: EmulatorClient) -> dict[str, Any]:
    """A world with a private chat (a photo, a message with buttons, an edit), a group with a
    message, and one update the bot has not fetched yet."""
    alice = await client.create_user("Alice", username="alice")
    officer = await client.create_user("Officer", user_id=910001)
    group = await client.create_group(
        "Team", members=[officer], bots=[BOT_ID], supergroup=True, chat_id=-1001000000001
    )
    await client.send_command(alice, "start")
    await client.send_photo(alice)
    await api.ok("getUpdates", offset=10**6)
    question = {"inline_keyboard": [[{"text": "A lot", "callback_data": "v1:r:a:1:2"}]]}
    asked = await api.ok(
        "sendMessage",
        chat_id=alice,
        text="<b>How much?</b>",
        parse_mode="HTML",
        reply_markup=question,
    )
    await api.ok("editMessageText", chat_id=alice, message_id=asked["message_id"], text="Shown")
    card = await api.ok("sendMessage", chat_id=group, text="A card", reply_markup=KEYBOARD)
    await client.send_text(alice, "not fetched yet")
    return {"alice": alice, "officer": officer, "group": group, "card": card}


async def test_a_restored_world_carries_chats_messages_files_and_pending_updates(
    api: BotApi, client: EmulatorClient, other: EmulatorServer
) -> None:
    """Everything a client reads comes back the same from a JSON round trip into a fresh
    emulator, the update the bot had not fetched is still waiting, and files download."""
    world = await _world(api, client)
    snapshot = json.loads(json.dumps(await client.snapshot()))
    async with EmulatorClient(other.url) as restored, httpx.AsyncClient(base_url=other.url) as h:
        seq = await restored.restore(snapshot)
        state, before = await restored.state(), await client.state()
        for key in ("bots", "users", "groups", "private_chats"):
            assert state[key] == before[key], key
        for chat in (world["alice"], world["group"]):
            assert await restored.messages(chat) == await client.messages(chat)
        photo = next(m for m in await restored.messages(world["alice"]) if "photo" in m["message"])
        file_id = photo["message"]["photo"][-1]["file_id"]
        assert await restored.file_bytes(file_id) == await client.file_bytes(file_id)
        updates = await BotApi(h).ok("getUpdates")
        events, _ = await restored.events(after=0)
    assert [u["message"]["text"] for u in updates] == ["not fetched yet"]
    assert events[0]["seq"] == seq
    assert events[0]["type"] == "restored"


async def test_an_old_button_works_and_new_messages_follow_on(
    api: BotApi, client: EmulatorClient, other: EmulatorServer
) -> None:
    """After a restore, a user presses a button on a message sent before it (the bot gets the
    callback with its data and can edit that message), and new messages take the next ids."""
    world = await _world(api, client)
    snapshot = await client.snapshot()
    async with EmulatorClient(other.url) as restored, httpx.AsyncClient(base_url=other.url) as h:
        await restored.restore(snapshot)
        bot = BotApi(h)
        await bot.ok("getUpdates", offset=10**6)
        card = world["card"]
        pressed = await restored.press(
            world["officer"], world["group"], "Acknowledge", card["message_id"]
        )
        (update,) = await bot.ok("getUpdates")
        await bot.ok("answerCallbackQuery", callback_query_id=pressed.callback_query_id, text="ok")
        answer = await restored.wait_for_callback_answer(pressed.callback_query_id, pressed.seq)
        await bot.ok(
            "editMessageText", chat_id=world["group"], message_id=card["message_id"], text="Done"
        )
        edited = await restored.wait_for_edit(world["group"], card["message_id"], pressed.seq)
        sent = await bot.ok("sendMessage", chat_id=world["group"], text="Next")
        user = await restored.create_user("Newcomer")
    query = update["callback_query"]
    assert query["data"] == "v1:o:ack:7:team"
    assert query["message"]["message_id"] == card["message_id"]
    assert answer["text"] == "ok"
    assert edited["text"] == "Done"
    assert buttons(edited) == []
    assert sent["message_id"] == card["message_id"] + 1
    assert user not in (world["alice"], world["officer"])


async def test_restore_replaces_the_world_and_lifts_faults(
    api: BotApi, client: EmulatorClient, server: EmulatorServer
) -> None:
    """Restoring into an emulator in use forgets what the snapshot does not hold, and faults."""
    alice = await client.create_user("Alice")
    await client.send_command(alice, "start")
    snapshot = await client.snapshot()
    bob = await client.create_user("Bob")
    await client.add_fault("server_error", chat_id=alice)
    await client.restore(snapshot)
    users = [u["id"] for u in (await client.state())["users"]]
    sent = await api.ok("sendMessage", chat_id=alice, text="after the restore")
    assert users == [alice]
    assert bob not in users
    assert sent["text"] == "after the restore"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "something else"}, "not an emulator snapshot"),
        ({"version": 99}, "snapshot version 99"),
        ({"users": [{"id": 1}]}, "damaged emulator snapshot"),
        ({"files": [{"file_id": "x", "content_base64": "***"}]}, "damaged emulator snapshot"),
    ],
)
async def test_a_bad_snapshot_is_refused_and_changes_nothing(
    client: EmulatorClient, change: dict[str, Any], message: str
) -> None:
    """A snapshot of another format or version, or a damaged one, is a 400; the world stays."""
    alice = await client.create_user("Alice")
    snapshot = {**await client.snapshot(), **change}
    with pytest.raises(EmulatorError, match=message) as refused:
        await client.restore(snapshot)
    assert refused.value.status == 400
    assert [u["id"] for u in (await client.state())["users"]] == [alice]
