"""The core loop: a user writes, the bot polls, replies, and the client sees the reply."""

from __future__ import annotations

from bot.emulator import EmulatorClient

from .helpers import BOT_ID, BotApi


async def test_get_me_describes_the_registered_bot(api: BotApi) -> None:
    """getMe answers the bot's User object with the registered username."""
    me = await api.ok("getMe")
    assert me["id"] == BOT_ID
    assert me["is_bot"] is True
    assert me["username"] == "safety_test_bot"


async def test_user_message_reaches_getupdates_and_reply_reaches_client(
    api: BotApi, client: EmulatorClient
) -> None:
    """A user's text becomes an update; the bot's sendMessage is what wait_for_message returns."""
    user = await client.create_user("Bob")
    sent = await client.send_text(user, "/start hello")
    updates = await api.ok("getUpdates", timeout=0)
    assert len(updates) == 1
    message = updates[0]["message"]
    assert message["text"] == "/start hello"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["chat"] == {"id": user, "type": "private", "first_name": "Bob"}
    await api.ok("sendMessage", chat_id=user, text="<b>Hi</b> Bob", parse_mode="HTML")
    reply = await client.wait_for_message(user, after=sent.seq, timeout=5)
    assert reply["text"] == "Hi Bob"
    assert reply["entities"] == [{"offset": 0, "length": 2, "type": "bold"}]
    assert reply["from"]["id"] == BOT_ID
