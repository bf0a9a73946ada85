"""/start, /help, the menu and the error handler, through the real bot and the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from bot.emulator import EmulatorClient, EmulatorServer
from bot.emulator.client import buttons
from tests.support.harness import (
    ADMINS_CHAT,
    BOT_ID,
    TOKEN,
    free_port,
    load,
    running_bot,
    write_config,
)


async def test_start_greets_with_emergency_advice_privacy_and_menu(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """/start answers with what the bot does, 999 first, one line on privacy, and the menu."""
    async with running_bot(load(config_path)):
        sent = await client.send_command(resident, "start")
        reply = await client.wait_for_message(resident, after=sent.seq)
    assert reply["text"].startswith("Hello Sam. This is the St Albans Community Safety Partnership")
    assert "call 999" in reply["text"]
    assert "Privacy:" in reply["text"]
    assert buttons(reply) == [
        "Report an incident",
        "My reports",
        "News and alerts",
        "Privacy and your data",
        "Help",
    ]


async def test_help_lists_categories_commands_and_partners(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """/help lists what can be reported, the commands the bot registered, and the partners."""
    async with running_bot(load(config_path)):
        sent = await client.send_command(resident, "help")
        reply = await client.wait_for_message(resident, after=sent.seq)
        commands = await _bot_api(server, "getMyCommands")
    text = reply["text"]
    for expected in ("Fly tipping", "Graffiti", "Hate incident", "Anti-social behaviour"):
        assert expected in text
    assert [c["command"] for c in commands] == [
        "report",
        "myreports",
        "status",
        "news",
        "stop",
        "cancel",
        "help",
        "privacy",
        "mydata",
        "forgetme",
        "start",
    ]
    for command in commands:
        assert f"/{command['command']}: {command['description']}" in text
    assert "Hertfordshire Constabulary" in text


async def test_menu_buttons_answer_and_privacy_is_shown(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Pressing Privacy answers the button and shows what the bot keeps; News and alerts
    opens the news choices."""
    async with running_bot(load(config_path)):
        sent = await client.send_command(resident, "start")
        await client.wait_for_message(resident, after=sent.seq)
        pressed = await client.press(resident, None, "Privacy and your data")
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
        reply = await client.wait_for_message(resident, after=pressed.seq)
        pressed = await client.press(resident, None, "News and alerts", sent.message_id + 1)
        news = await client.wait_for_message(resident, after=pressed.seq)
        news_answer = await client.wait_for_callback_answer(pressed.callback_query_id)
    assert answer is not None
    assert news_answer is not None
    assert reply["text"].startswith("Your data")
    assert news["text"].startswith("News and alerts")
    assert "Stop all news" in buttons(news)


async def test_stale_button_and_unexpected_input_get_an_answer(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """A button from an old release, a sticker and stray text each get a reply and the menu."""
    async with running_bot(load(config_path)):
        sent = await client.send_command(resident, "start")
        await client.wait_for_message(resident, after=sent.seq)
        markup = {"inline_keyboard": [[{"text": "Old button", "callback_data": "v0:gone"}]]}
        await _bot_api(server, "sendMessage", chat_id=resident, text="old", reply_markup=markup)
        pressed = await client.press(resident, None, "Old button")
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
        menu_again = await client.wait_for_message(resident, after=pressed.seq)
        sticker = await client.send_media(resident, "sticker")
        to_sticker = await client.wait_for_message(resident, after=sticker.seq)
        text = await client.send_text(resident, "hello?")
        to_text = await client.wait_for_message(resident, after=text.seq)
    assert "older message" in (answer.get("text") or "")
    assert "Report an incident" in buttons(menu_again)
    for reply in (to_sticker, to_text):
        assert reply["text"].startswith("Sorry, I did not understand")
        assert "Help" in buttons(reply)


async def test_start_in_a_group_points_to_a_private_chat(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """In a group the bot does not take reports: it links to a private chat, and ignores chatter."""
    group = await client.create_group("Residents", members=[resident], bots=[BOT_ID])
    async with running_bot(load(config_path)):
        chatter = await client.send_text(resident, "anyone seen the fly tipping?", group)
        sent = await client.send_command(resident, "start", chat_id=group)
        reply = await client.wait_for_message(group, after=sent.seq)
    assert "https://t.me/stalbans_safety_bot?start=report" in reply["text"]
    replies = [m for m in await client.bot_messages(group) if m["message_id"] > chatter.message_id]
    assert len(replies) == 1  # the answer to /start; the chatter got none


async def test_webhook_mode_serves_start(
    client: EmulatorClient, server: EmulatorServer, tmp_path: Path, resident: int
) -> None:
    """In webhook mode the bot registers its webhook with a secret and answers /start."""
    port = free_port()
    config = load(write_config(tmp_path, server.url, webhook_port=port))
    async with running_bot(config):
        info = await _bot_api(server, "getWebhookInfo")
        assert info["url"] == f"http://127.0.0.1:{port}/telegram"
        sent = await client.send_command(resident, "start")
        reply = await client.wait_for_message(resident, after=sent.seq)
        async with httpx.AsyncClient() as http:  # a caller without the secret is turned away
            forged = await http.post(f"http://127.0.0.1:{port}/telegram", json={"update_id": 1})
    assert reply["text"].startswith("Hello Sam.")
    assert forged.status_code == 403


async def test_failure_is_reported_to_admins_without_personal_data(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """When a reply fails, the admins' chat hears of it without names or text, and the resident
    gets an apology rather than silence."""
    async with running_bot(load(config_path)):
        sent = await client.send_command(resident, "start")
        await client.wait_for_message(resident, after=sent.seq)
        await client.add_fault("server_error", chat_id=resident, methods=["sendMessage"], hits=1)
        sent = await client.send_text(resident, "My neighbour Sam Smith at 4 Holywell Hill")
        note = await client.wait_for_message(ADMINS_CHAT, after=sent.seq)
        apology = await client.wait_for_message(resident, after=sent.seq)
    assert "safetybot error" in note["text"]
    assert "private chat" in note["text"]
    for private in ("Sam", "Holywell", str(resident), "sam_resident"):
        assert private not in note["text"]
    assert apology["text"].startswith("Sorry, something went wrong")


async def _bot_api(server: EmulatorServer, method: str, **params: object) -> Any:
    """Call the Bot API as the bot itself (to set up a situation or read its settings)."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(f"/bot{TOKEN}/{method}", json=params)
    body = response.json()
    assert body["ok"], body
    return body["result"]
