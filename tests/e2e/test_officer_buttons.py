"""The officers' buttons are safe: only an officer of the card's agency changes anything, a
button acts only on the card it belongs to (or a prompt under it), a button whose action no
longer applies says so, and a prompt already gone is no error. Every press is answered once;
a refused press changes no message and no row (beyond the record of the refusal)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from bot.config import Config
from bot.emulator import EmulatorClient, EmulatorServer
from bot.officers import texts
from storage.db import Database
from storage.routings import RoutingRepository
from tests.support.flows import ST_ALBANS, WASTE_CHAT, finish, fly_tipping, to_location
from tests.support.harness import ADMINS_CHAT, TOKEN, load, running_bot
from tests.support.residents import Resident
from tests.support.stored import stored_events, stored_reports

WASTE_OFFICER = 910001
RAIL_CHAT, RAIL_OFFICER = -1001000000008, 930002  # Network Rail
BTP_CHAT, BTP_OFFICER = -1001000000007, 930001  # British Transport Police


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "")


def _data(message: dict[str, Any]) -> dict[str, str]:
    """A message's inline buttons: their data by their text."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


async def _bot_api(server: EmulatorServer, method: str, **fields: Any) -> Any:
    """Call the Bot API with the bot's token, as a client outside the bot would."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(f"/bot{TOKEN}/{method}", json=fields)
    body = response.json()
    assert body["ok"], body
    return body["result"]


async def _forge(
    server: EmulatorServer, chat_id: int, message_id: int, text: str, data: str
) -> None:
    """Give a message in a chat one button carrying ``data``: what a modified Telegram client
    can send when pressing any button of that message."""
    markup = {"inline_keyboard": [[{"text": text, "callback_data": data}]]}
    await _bot_api(
        server,
        "editMessageReplyMarkup",
        chat_id=chat_id,
        message_id=message_id,
        reply_markup=markup,
    )


async def _pinned(client: EmulatorClient, chat_id: int) -> None:
    """Wait for the report's map pin, which follows its card, in an agency's chat."""
    await client.wait_for_message(chat_id, predicate=lambda m: "location" in m)


async def _settled(
    client: EmulatorClient, chat_id: int, officer: int, after: int
) -> list[dict[str, Any]]:
    """Ask for /queue in the chat and wait for the answer: the chat's earlier updates have all
    been handled by then (one chat's updates are handled in order). The emulator's events
    after seq ``after`` up to then, the /queue and its answer left out."""
    sent = await client.send_command(officer, "queue", chat_id=chat_id)
    reply = await client.wait_for_message(chat_id, after=sent.seq, predicate=_has("open"))
    until = await client.last_seq()
    events, _ = await client.events(after=after)
    sentinel = {(sent.chat_id, sent.message_id), (chat_id, reply["message_id"])}
    return [
        e
        for e in events
        if e["seq"] <= until and (e.get("chat_id"), e.get("message_id")) not in sentinel
    ]


def _changes(events: list[dict[str, Any]], chat_id: int) -> list[dict[str, Any]]:
    """What the bot did to the chat's messages: posted, edited or deleted."""
    kinds = {"bot_message", "message_edited", "message_deleted"}
    return [e for e in events if e["type"] in kinds and e.get("chat_id") == chat_id]


def _answers(events: list[dict[str, Any]], query_id: str) -> list[dict[str, Any]]:
    """The bot's answers to one press."""
    return [
        e["answer"]
        for e in events
        if e["type"] == "callback_answered" and e["callback_query_id"] == query_id
    ]


async def _errors(client: EmulatorClient) -> list[str]:
    """The error notes the admins' chat received."""
    notes = await client.bot_messages(ADMINS_CHAT)
    return [m["text"] for m in notes if "safetybot error" in (m.get("text") or "")]


async def _states(config_path: Path, report_id: int) -> dict[str, str]:
    """Each agency's state for a stored report."""
    async with await Database.open(load(config_path).storage.database) as db:
        routings = await RoutingRepository(db).agencies(report_id)
    return {routing.agency_id: routing.state for routing in routings}


async def _deleted(client: EmulatorClient, chat_id: int) -> set[int]:
    """The ids of the chat's deleted messages."""
    return {m["message_id"] for m in await client.messages(chat_id) if m["deleted"]}


async def test_a_non_officer_takes_neither_the_prompt_nor_the_card_away(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """A member of the agency's chat who is not its officer pressing "Resolve without a note"
    on the prompt, or the same data on the card, is refused: the prompt and the card stay, the
    report stays open. An officer pressing the prompt's data on the card is refused too."""
    sam = Resident(client, resident)
    kim = await client.create_user("Kim", user_id=960001)
    await client.add_member(WASTE_CHAT, kim)
    async with running_bot(load(config_path)):
        ref, card = await fly_tipping(client, sam)
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Resolve", card["message_id"])
        prompt = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has(texts.RESOLVE_QUESTION)
        )
        await _pinned(client, WASTE_CHAT)
        resolve_now = _data(prompt)[texts.RESOLVE_WITHOUT_NOTE]
        await _forge(server, WASTE_CHAT, card["message_id"], "Resolve now", resolve_now)
        start = await client.last_seq()
        on_prompt = await client.press(kim, WASTE_CHAT, texts.RESOLVE_WITHOUT_NOTE)
        on_card = await client.press(kim, WASTE_CHAT, "Resolve now", card["message_id"])
        by_officer = await client.press(
            WASTE_OFFICER, WASTE_CHAT, "Resolve now", card["message_id"]
        )
        events = await _settled(client, WASTE_CHAT, WASTE_OFFICER, start)
    report = (await stored_reports(config_path))[-1]
    assert report.ref == ref
    assert _answers(events, on_prompt.callback_query_id) == [
        {"text": texts.REFUSED, "show_alert": True, "url": None}
    ]
    assert [a["text"] for a in _answers(events, on_card.callback_query_id)] == [texts.REFUSED]
    assert [a["text"] for a in _answers(events, by_officer.callback_query_id)] == [texts.WRONG_CARD]
    assert _changes(events, WASTE_CHAT) == []
    assert {prompt["message_id"], card["message_id"]}.isdisjoint(await _deleted(client, WASTE_CHAT))
    assert await _states(config_path, report.id) == {"sadc-waste": "sent"}
    kinds = [e.kind for e in await stored_events(config_path, report.id)]
    assert "resolved" not in kinds
    assert kinds.count("refused") == 3
    assert await _errors(client) == []


async def test_a_press_of_another_cards_data_is_refused_and_recorded(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """A report routed to Network Rail and the British Transport Police: a BTP officer pressing
    BTP's own Acknowledge data on Network Rail's card, in Network Rail's chat, is refused and
    recorded; neither card changes and BTP's part stays unacknowledged."""
    sam = Resident(client, resident)
    await client.add_member(RAIL_CHAT, BTP_OFFICER)
    async with running_bot(load(config_path)):
        await to_location(
            sam, "Fly tipping", ["+Tyres", "Done", "A car boot load", "Railway land", "No"]
        )
        await sam.pin(*ST_ALBANS, until="When did it happen")
        ref = await finish(sam)
        rail_card = await client.wait_for_message(RAIL_CHAT, predicate=_has(ref))
        btp_card = await client.wait_for_message(BTP_CHAT, predicate=_has(ref))
        await _pinned(client, RAIL_CHAT)
        await _pinned(client, BTP_CHAT)
        btp_ack = _data(btp_card)["Acknowledge"]
        await _forge(server, RAIL_CHAT, rail_card["message_id"], "Acknowledge", btp_ack)
        start = await client.last_seq()
        pressed = await client.press(BTP_OFFICER, RAIL_CHAT, "Acknowledge", rail_card["message_id"])
        events = await _settled(client, RAIL_CHAT, RAIL_OFFICER, start)
    report = (await stored_reports(config_path))[-1]
    assert [a["text"] for a in _answers(events, pressed.callback_query_id)] == [texts.WRONG_CARD]
    assert _changes(events, RAIL_CHAT) == []
    assert _changes(events, BTP_CHAT) == []
    assert await _states(config_path, report.id) == {"btp": "sent", "network-rail": "sent"}
    refused = [e for e in await stored_events(config_path, report.id) if e.kind == "refused"]
    assert [e.detail for e in refused] == [
        {"action": "acknowledge", "agency": "btp", "reason": "wrong_card"}
    ]
    assert not [e for e in await stored_events(config_path, report.id) if e.kind == "acknowledged"]
    assert await _errors(client) == []


async def test_the_buttons_of_a_resolved_report_say_so_and_start_nothing(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The card's Resolve, Refer and Ask buttons, pressed after "Resolve without a note" (the
    presses waited while the bot was down, so the card still showed them), each answer that
    the report is already resolved, and post no question or prompt."""
    sam = Resident(client, resident)
    config = load(config_path)
    async with running_bot(config):
        ref, card = await fly_tipping(client, sam)
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Resolve", card["message_id"])
        await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has(texts.RESOLVE_QUESTION)
        )
        await _pinned(client, WASTE_CHAT)
    start = await client.last_seq()
    resolved = await client.press(WASTE_OFFICER, WASTE_CHAT, texts.RESOLVE_WITHOUT_NOTE)
    stale = [
        await client.press(WASTE_OFFICER, WASTE_CHAT, button, card["message_id"])
        for button in ("Resolve", "Refer", "Ask the reporter")
    ]
    async with running_bot(config):
        await client.wait_for_callback_answer(resolved.callback_query_id, after=start)
        events = await _settled(client, WASTE_CHAT, WASTE_OFFICER, start)
    answers = [_answers(events, press.callback_query_id) for press in [resolved, *stale]]
    assert [[a["text"] for a in given] for given in answers] == [
        [texts.RESOLVED],
        *[[texts.already("resolved")]] * 3,
    ]
    posted = [e["message"].get("text", "") for e in _changes(events, WASTE_CHAT) if "message" in e]
    assert not [t for t in posted if texts.RESOLVE_QUESTION in t or texts.REFER_QUESTION in t]
    assert not [t for t in posted if "Question for the reporter" in t]
    assert ref
    assert await _errors(client) == []


async def _resolve_prompt(
    client: EmulatorClient, config: Config, sam: Resident
) -> tuple[str, dict[str, Any]]:
    """A fly-tipping report whose card's Resolve was pressed: its reference and the prompt
    ("Resolve this report?") the bot posted, with the bot stopped and the chat settled."""
    async with running_bot(config):
        ref, card = await fly_tipping(client, sam)
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Resolve", card["message_id"])
        prompt = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has(texts.RESOLVE_QUESTION)
        )
        await _pinned(client, WASTE_CHAT)
    return ref, prompt


async def test_a_prompt_pressed_twice_is_resolved_once_without_an_error(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """ "Resolve without a note" pressed twice before the bot saw either: the first resolves
    and takes the prompt away, the second says the report is already resolved; no error."""
    config = load(config_path)
    ref, prompt = await _resolve_prompt(client, config, Resident(client, resident))
    start = await client.last_seq()
    presses = [
        await client.press(WASTE_OFFICER, WASTE_CHAT, texts.RESOLVE_WITHOUT_NOTE) for _ in (1, 2)
    ]
    async with running_bot(config):
        events = await _settled(client, WASTE_CHAT, WASTE_OFFICER, start)
    report = (await stored_reports(config_path))[-1]
    assert [[a["text"] for a in _answers(events, p.callback_query_id)] for p in presses] == [
        [texts.RESOLVED],
        [texts.already("resolved")],
    ]
    assert prompt["message_id"] in await _deleted(client, WASTE_CHAT)
    assert await _states(config_path, report.id) == {"sadc-waste": "resolved"}
    kinds = [e.kind for e in await stored_events(config_path, report.id)]
    assert kinds.count("resolved") == 1
    assert ref
    assert await _errors(client) == []


async def test_a_prompt_deleted_before_its_press_was_handled_is_no_error(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """ "Resolve without a note" pressed, then the prompt deleted before the bot saw the press:
    the report is resolved and the press answered; the missing prompt is no error."""
    config = load(config_path)
    ref, prompt = await _resolve_prompt(client, config, Resident(client, resident))
    start = await client.last_seq()
    press = await client.press(WASTE_OFFICER, WASTE_CHAT, texts.RESOLVE_WITHOUT_NOTE)
    await _bot_api(server, "deleteMessage", chat_id=WASTE_CHAT, message_id=prompt["message_id"])
    async with running_bot(config):
        events = await _settled(client, WASTE_CHAT, WASTE_OFFICER, start)
    report = (await stored_reports(config_path))[-1]
    assert [a["text"] for a in _answers(events, press.callback_query_id)] == [texts.RESOLVED]
    assert await _states(config_path, report.id) == {"sadc-waste": "resolved"}
    assert ref
    assert await _errors(client) == []
