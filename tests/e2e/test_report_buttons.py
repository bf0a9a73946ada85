"""Buttons already sent keep their meaning: a category button still names its category after
the configuration is reordered, a report button of the previous version asks the current step
again, a button naming something that no longer exists is answered as stale, and an agency
card of the previous version is still acknowledged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from bot import buttons
from bot.emulator import EmulatorClient, EmulatorServer
from bot.emulator.client import buttons as labels
from tests.support.flows import anonymous_hate_incident
from tests.support.harness import TOKEN, load, running_bot
from tests.support.residents import Resident

POLICE_HATE_CHAT, POLICE_OFFICER = -1001000000005, 920001
STALE_IN_REPORT = "belongs to an earlier question"
STALE = "older message"
CHOOSE = "What would you like to report?"


async def _forge(server: EmulatorServer, chat_id: int, data: str) -> int:
    """A message from the bot with one button carrying ``data`` (as an older release sent it);
    its message id."""
    markup = {"inline_keyboard": [[{"text": "Old button", "callback_data": data}]]}
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            f"/bot{TOKEN}/sendMessage",
            json={"chat_id": chat_id, "text": "old", "reply_markup": markup},
        )
    return int(response.json()["result"]["message_id"])


async def _make_old(server: EmulatorServer, chat_id: int, message_id: int, data: str) -> None:
    """Give a card of today's version the one button an older release sent it with."""
    markup = {"inline_keyboard": [[{"text": "Old button", "callback_data": data}]]}
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            f"/bot{TOKEN}/editMessageReplyMarkup",
            json={"chat_id": chat_id, "message_id": message_id, "reply_markup": markup},
        )
    assert response.json()["ok"]


async def _press_old(
    client: EmulatorClient, server: EmulatorServer, user: int, chat: int | None, data: str
) -> tuple[str, int]:
    """Press a forged old button; the text of the answer to the press, and the press's seq."""
    message_id = await _forge(server, chat if chat is not None else user, data)
    pressed = await client.press(user, chat, "Old button", message_id)
    answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
    return str(answer.get("text") or ""), pressed.seq


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "")


async def _at_category_step(sam: Resident) -> dict[str, Any]:
    await sam.say("/report", until="is anyone in danger")
    return await sam.tap("No, nobody is in danger", until=CHOOSE)


async def test_a_category_button_sent_before_the_categories_were_reordered_keeps_its_category(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The category keyboard is sent; the bot restarts with the categories in reverse order;
    the old keyboard's Graffiti button still means graffiti."""
    config = load(config_path)
    graffiti = config.category("graffiti")
    assert graffiti is not None
    reordered = config.model_copy(update={"categories": tuple(reversed(config.categories))})
    assert reordered.categories[0].id != config.categories[0].id
    sam = Resident(client, resident)
    async with running_bot(config):
        asked = await _at_category_step(sam)
    async with running_bot(reordered):
        pressed = await client.press(sam.id, None, graffiti.name, asked["message_id"])
        question = await client.wait_for_message(
            sam.id, after=pressed.seq, predicate=_has(graffiti.questions[0].text)
        )
    assert [o.label for o in graffiti.questions[0].options] <= labels(question)


async def test_a_version_1_report_button_asks_the_current_step_again(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """Version 1 named categories and options by position: its buttons are never read as
    today's; the resident is told and asked the current step again, and nothing is stored."""
    config = load(config_path)
    fly_tipping = config.category("fly-tipping")
    assert fly_tipping is not None
    first = fly_tipping.questions[0]
    sam = Resident(client, resident)
    async with running_bot(config):
        await _at_category_step(sam)
        answer, seq = await _press_old(client, server, sam.id, None, "v1:r:cat:1")
        again = await client.wait_for_message(sam.id, after=seq, predicate=_has(CHOOSE))
        await sam.tap(fly_tipping.name, until=first.text)
        answer_2, seq = await _press_old(client, server, sam.id, None, "v1:r:t:0:1")
        asked_again = await client.wait_for_message(sam.id, after=seq, predicate=_has(first.text))
    assert STALE_IN_REPORT in answer
    assert fly_tipping.name in labels(again)
    assert STALE_IN_REPORT in answer_2
    assert not any(label.startswith("✓") for label in labels(asked_again))  # nothing ticked


async def test_a_button_naming_what_no_longer_exists_is_stale(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """Buttons of today's version naming a category or an option the configuration no longer
    has are answered as stale, and the current step is asked again."""
    config = load(config_path)
    fly_tipping = config.category("fly-tipping")
    assert fly_tipping is not None
    first = fly_tipping.questions[0]
    gone_category = buttons.encode(buttons.PickCategory("removed-category"))
    gone_option = buttons.encode(buttons.ToggleOption(fly_tipping.id, first.id, "removed"))
    other_question = buttons.encode(
        buttons.ToggleOption(fly_tipping.id, fly_tipping.questions[1].id, "single")
    )
    sam = Resident(client, resident)
    async with running_bot(config):
        await _at_category_step(sam)
        first_answer, seq = await _press_old(client, server, sam.id, None, gone_category)
        again = await client.wait_for_message(sam.id, after=seq, predicate=_has(CHOOSE))
        await sam.tap(fly_tipping.name, until=first.text)
        answers = [first_answer]
        for data in (gone_option, other_question):
            answer, seq = await _press_old(client, server, sam.id, None, data)
            answers.append(answer)
            await client.wait_for_message(sam.id, after=seq, predicate=_has(first.text))
        ticked = await sam.toggle("Tyres")
    assert fly_tipping.name in labels(again)
    assert len(answers) == 3
    assert all(STALE_IN_REPORT in a for a in answers)
    assert [label for label in labels(ticked) if label.startswith("✓")] == ["✓ Tyres"]


async def test_a_version_1_agency_card_is_still_acknowledged_and_stale_targets_are_not(
    client: EmulatorClient, config_path: Path, resident: int, server: EmulatorServer
) -> None:
    """A card sent before the change (``v1:o:ack:<report>:<agency>``) is acknowledged when
    pressed; a card naming an agency no longer configured, or a report that does not exist,
    is answered as stale and changes nothing."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref = await anonymous_hate_incident(sam, "Shouted at outside the station")
        card = await client.wait_for_message(POLICE_HATE_CHAT, predicate=_has(ref))
        data = (card.get("reply_markup") or {})["inline_keyboard"][0][0]["callback_data"]
        pressed = buttons.decode(data)
        assert isinstance(pressed, buttons.CardAction)
        assert pressed.action == "ack"
        report_id = pressed.report_id
        gone_agency, _ = await _press_old(
            client, server, POLICE_OFFICER, POLICE_HATE_CHAT, f"v1:o:ack:{report_id}:gone-team"
        )
        gone_report, _ = await _press_old(
            client, server, POLICE_OFFICER, POLICE_HATE_CHAT, "v1:o:ack:999999:herts-police-hate"
        )
        # The card itself as the version before sent it (a button acts only on its own card).
        old = f"v1:o:ack:{report_id}:herts-police-hate"
        await _make_old(server, POLICE_HATE_CHAT, card["message_id"], old)
        pressed_old = await client.press(
            POLICE_OFFICER, POLICE_HATE_CHAT, "Old button", card["message_id"]
        )
        answer = await client.wait_for_callback_answer(
            pressed_old.callback_query_id, after=pressed_old.seq
        )
        acknowledged = str(answer.get("text") or "")
    assert STALE in gone_agency
    assert STALE in gone_report
    assert acknowledged == "Acknowledged. The reporter has been told."
