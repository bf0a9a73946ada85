"""Every button press is answered exactly once, whatever data it carries and wherever the
resident is: Telegram refuses a second answer (and so does the emulator), and a refused answer
would fail the update and leave the resident an apology instead of the next question."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.emulator import EmulatorClient, EmulatorServer
from tests.support.flows import start_report
from tests.support.harness import TOKEN, load, running_bot
from tests.support.residents import Resident

# Menu data that no menu entry has: empty, with extra fields, or with a line break after a
# valid entry (which a pattern ending in "$" still matches).
ODD_MENU_DATA = [
    "v1:menu:",
    "v1:menu:news:999",
    "v1:menu:myreports:x",
    "v1:menu:help\n",
    "v2:m:news\n",
]


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("mid_report", [False, True], ids=["idle", "mid-report"])
@pytest.mark.parametrize("data", ODD_MENU_DATA)
async def test_odd_menu_data_is_answered_once(
    client: EmulatorClient,
    server: EmulatorServer,
    config_path: Path,
    resident: int,
    caplog: pytest.LogCaptureFixture,
    data: str,
    mid_report: bool,
) -> None:
    """A press of stale or malformed menu data gets one answer saying the button is old, then
    the menu or the current question; nothing fails and no apology follows."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        if mid_report:
            await start_report(sam)
        else:
            await sam.say("/start", until="Hello")
        markup = {"inline_keyboard": [[{"text": "Old menu", "callback_data": data}]]}
        old = await _bot_api(
            server, "sendMessage", chat_id=resident, text="old", reply_markup=markup
        )
        pressed = await client.press(resident, None, "Old menu")
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
        await sam.say("/help", until="/cancel")  # taken after the press was fully handled
    said = [
        m.get("text") or "" for m in await client.bot_messages(resident)
        if m["message_id"] > old["message_id"]
    ]  # fmt: skip
    assert "button" in (answer.get("text") or "")
    assert not [text for text in said if "something went wrong" in text]
    assert _errors(caplog) == []


async def test_start_again_on_a_report_in_progress_is_answered_once(
    client: EmulatorClient, config_path: Path, resident: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Start again, offered when /report is sent during a report, answers the press once and
    asks the first question of a new report."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await start_report(sam)
        await sam.tap("No, nobody is in danger", until="What would you like to report?")
        await sam.say("/report", until="Carry on with it, or start again?")
        pressed = await client.press(resident, None, "Start again")
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
        again = await client.wait_for_message(resident, after=pressed.seq)
    assert answer is not None
    assert "is anyone in danger" in again["text"]
    assert _errors(caplog) == []


async def _bot_api(server: EmulatorServer, method: str, **params: object) -> Any:
    """Call the Bot API as the bot itself (to send a message with odd button data)."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(f"/bot{TOKEN}/{method}", json=params)
    body = response.json()
    assert body["ok"], body
    return body["result"]
