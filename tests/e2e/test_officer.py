"""The officer's actions beyond acknowledging: resolve with a note, refer, ask the reporter and
relay the answer, and a sensitive report's details in a private chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.emulator import EmulatorClient
from bot.emulator.client import buttons
from bot.officers import texts
from tests.support.flows import WASTE_CHAT, anonymous_hate_incident, fly_tipping
from tests.support.harness import TOKEN, load, running_bot
from tests.support.residents import Resident

WASTE_OFFICER = 910001
ASB_CHAT = -1001000000003
POLICE_HATE_CHAT, POLICE_OFFICER = -1001000000005, 920001
ADMIN = 900001


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "")


async def _card_buttons(client: EmulatorClient, card: dict[str, Any]) -> list[str]:
    """The buttons the waste team's card shows now."""
    cards = [
        m for m in await client.bot_messages(WASTE_CHAT) if m["message_id"] == card["message_id"]
    ]
    return buttons(cards[0])


async def _issue_code(client: EmulatorClient) -> str:
    """A one-time code for the waste team, as the admin receives it."""
    asked = await client.send_command(ADMIN, "enrolcode", "sadc-waste")
    issued = await client.wait_for_message(ADMIN, after=asked.seq)
    return str(issued["text"].split(": ")[1].split("\n")[0])


async def test_ask_relay_and_resolve_with_a_note(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """An officer's question reaches the reporter as the bot's text, the answer comes back the
    same way, and resolving with a note tells the reporter the note and closes the card."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref, card = await fly_tipping(client, sam)
        pressed = await client.press(
            WASTE_OFFICER, WASTE_CHAT, "Ask the reporter", card["message_id"]
        )
        prompt = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("Question for the reporter")
        )
        sent = await client.send_text(
            WASTE_OFFICER, "Is it blocking the path?", WASTE_CHAT, reply_to=prompt["message_id"]
        )
        asked = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=_has("asks about your report")
        )
        answered = await client.send_text(sam.id, "Yes, half of it", reply_to=asked["message_id"])
        relayed = await client.wait_for_message(
            WASTE_CHAT, after=answered.seq, predicate=_has("answers")
        )
        thanks = await client.wait_for_message(sam.id, after=answered.seq)

        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Resolve", card["message_id"])
        await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("Resolve this report?")
        )
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Write a note for the reporter")
        note_prompt = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("Note for the reporter")
        )
        sent = await client.send_text(
            WASTE_OFFICER,
            "Cleared this morning & <b>thanks</b>",
            WASTE_CHAT,
            reply_to=note_prompt["message_id"],
        )
        told = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=_has("has resolved it")
        )
        status = await sam.say(f"/status {ref}", until=ref)
    assert ref in asked["text"]
    assert "Is it blocking the path?" in asked["text"]
    assert "Sam" not in asked["text"]
    assert "Officer" not in asked["text"]
    assert relayed["text"] == f"The reporter of {ref} answers:\nYes, half of it"
    assert "forward_origin" not in relayed
    assert "passed to the team" in thanks["text"]
    assert "Cleared this morning & <b>thanks</b>" in told["text"]
    assert "resolved" in status["text"]
    assert await _card_buttons(client, card) == []


async def test_refer_routes_to_the_other_agency_and_tells_the_reporter(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Referring passes the report to the chosen agency (its own card arrives there), ends this
    agency's part, and the reporter is told."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref, card = await fly_tipping(client, sam)
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Refer", card["message_id"])
        offer = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("Pass this report")
        )
        # A second officer picks another team from the same list at the same moment.
        await client.add_fault("delay", chat_id=WASTE_CHAT, methods=["deleteMessage"], delay=1)
        chosen = await client.press(
            WASTE_OFFICER, WASTE_CHAT, "St Albans District Council, Community Protection (ASB)"
        )
        late = await client.press(  # a second choice from the same, now stale, list
            WASTE_OFFICER, WASTE_CHAT, "Hertfordshire Trading Standards", offer["message_id"]
        )
        new_card = await client.wait_for_message(ASB_CHAT, after=chosen.seq, predicate=_has(ref))
        told = await client.wait_for_message(sam.id, after=chosen.seq, predicate=_has("passed to"))
        answer = await client.wait_for_callback_answer(late.callback_query_id, after=late.seq)
    assert "Acknowledge" in buttons(new_card)
    assert "Community Protection" in told["text"]
    assert "already referred" in answer["text"]
    assert await _card_buttons(client, card) == []


async def test_sensitive_details_only_to_an_authorised_officer_in_private(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The police officer gets a hate incident's details in a private chat; the reporter, who
    is anonymous, cannot be asked; a council officer cannot see the details."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref = await anonymous_hate_incident(sam, "They mocked a man in a wheelchair")
        card = await client.wait_for_message(POLICE_HATE_CHAT, predicate=_has(ref))

        early = await client.press(
            POLICE_OFFICER, POLICE_HATE_CHAT, "Details (private)", card["message_id"]
        )
        first = await client.wait_for_callback_answer(early.callback_query_id, after=early.seq)
        await client.send_command(POLICE_OFFICER, "start")
        pressed = await client.press(
            POLICE_OFFICER, POLICE_HATE_CHAT, "Details (private)", card["message_id"]
        )
        private = await client.wait_for_message(
            POLICE_OFFICER, after=pressed.seq, predicate=_has(ref)
        )
        ask = await client.press(
            POLICE_OFFICER, POLICE_HATE_CHAT, "Ask the reporter", card["message_id"]
        )
        anonymous = await client.wait_for_callback_answer(ask.callback_query_id, after=ask.seq)
        await client.add_member(POLICE_HATE_CHAT, WASTE_OFFICER)
        wrong = await client.press(
            WASTE_OFFICER, POLICE_HATE_CHAT, "Details (private)", card["message_id"]
        )
        refused = await client.wait_for_callback_answer(wrong.callback_query_id, after=wrong.seq)
    assert "Start a private chat with me first" in first["text"]
    assert "wheelchair" in private["text"]
    assert "Disability" in private["text"]
    assert "anonymous" in anonymous["text"]
    assert "only officers of the team" in refused["text"]
    assert [
        m for m in await client.bot_messages(WASTE_OFFICER) if ref in (m.get("text") or "")
    ] == []


async def test_an_enrolled_officer_can_act_until_revoked(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """An admin's one-time code makes a new officer; it works once; after the admin revokes
    them, their next press is refused."""
    sam = Resident(client, resident)
    newcomer = await client.create_user("Jo", user_id=950001)
    async with running_bot(load(config_path)):
        asked = await client.send_command(resident, "enrolcode", "sadc-waste")
        refused_admin = await client.wait_for_message(resident, after=asked.seq)
        code = await _issue_code(client)
        used = await client.send_command(newcomer, "enrol", code.lower())
        welcome = await client.wait_for_message(newcomer, after=used.seq)
        reused = await client.send_command(resident, "enrol", code)
        rejected = await client.wait_for_message(resident, after=reused.seq)

        ref, card = await fly_tipping(client, sam)
        await client.add_member(WASTE_CHAT, newcomer)
        revoked = await client.send_command(ADMIN, "revoke", f"sadc-waste {newcomer}")
        done = await client.wait_for_message(ADMIN, after=revoked.seq)
        pressed = await client.press(newcomer, WASTE_CHAT, "Acknowledge", card["message_id"])
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
    assert "for the partnership's admins" in refused_admin["text"]
    assert "officer of St Albans District Council, Waste Enforcement" in welcome["text"]
    assert "does not work" in rejected["text"]
    assert "Revoked 1 enrolment(s)." in done["text"]
    assert "only officers of the team" in answer["text"]
    assert ref


async def test_an_enrolled_officer_acknowledges(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """An officer enrolled by code (not listed in the config) may acknowledge their agency's
    report."""
    sam = Resident(client, resident)
    newcomer = await client.create_user("Jo", user_id=950002)
    async with running_bot(load(config_path)):
        code = await _issue_code(client)
        used = await client.send_command(newcomer, "enrol", code)
        await client.wait_for_message(newcomer, after=used.seq)
        ref, card = await fly_tipping(client, sam)
        await client.add_member(WASTE_CHAT, newcomer)
        pressed = await client.press(newcomer, WASTE_CHAT, "Acknowledge", card["message_id"])
        edited = await client.wait_for_edit(WASTE_CHAT, card["message_id"], after=pressed.seq)
    assert "Acknowledged by Jo" in edited["text"]
    assert ref in edited["text"]


async def test_an_officer_cannot_reach_another_agencys_report_by_naming_their_own(
    client: EmulatorClient, config_path: Path, resident: int, server: Any
) -> None:
    """A button forged to name the presser's own agency on a report routed elsewhere (here, a
    council officer asking for a hate incident's details) is refused."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref = await anonymous_hate_incident(sam, "A detail only the police may read")
        card = await client.wait_for_message(POLICE_HATE_CHAT, predicate=_has(ref))
        report_id = buttons_data(card)[0].split(":")[3]
        await client.send_command(WASTE_OFFICER, "start")
        forged = {
            "inline_keyboard": [
                [{"text": "Forged", "callback_data": f"v1:o:det:{report_id}:sadc-waste"}]
            ]
        }
        bait = await _send_as_bot(server, WASTE_CHAT, "bait", reply_markup=forged)
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Forged", bait["message_id"])
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
    assert "only officers of the team" in answer["text"]
    leaked = [
        m
        for m in await client.bot_messages(WASTE_OFFICER)
        if "only the police" in (m.get("text") or "")
    ]
    assert leaked == []


def buttons_data(message: dict[str, Any]) -> list[str]:
    """The callback data of a message's inline buttons."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


async def _send_as_bot(server: Any, chat_id: int, text: str, **fields: Any) -> dict[str, Any]:
    """A message the bot sent (as a version before this one might have), not this bot's doing."""
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            f"/bot{TOKEN}/sendMessage", json={"chat_id": chat_id, "text": text, **fields}
        )
    result: dict[str, Any] = response.json()["result"]
    return result


async def test_a_reply_is_matched_by_the_prompt_it_answers_not_by_its_words(
    client: EmulatorClient, config_path: Path, resident: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the prompts reworded (no marker, none of the old words), a reply to a prompt still
    asks or resolves, while a reply to another of the bot's messages does nothing for an officer
    and is not understood for a reporter."""
    monkeypatch.setattr(texts, "QUESTION_PROMPT", "Type what to ask them, as a reply to this.")
    monkeypatch.setattr(texts, "NOTE_PROMPT", "Type what to tell them, as a reply to this.")
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref, card = await fly_tipping(client, sam)
        pressed = await client.press(
            WASTE_OFFICER, WASTE_CHAT, "Ask the reporter", card["message_id"]
        )
        prompt = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("what to ask them")
        )
        await client.send_text(  # a reply to the card, not to the prompt
            WASTE_OFFICER, "Not a question", WASTE_CHAT, reply_to=card["message_id"]
        )
        sent = await client.send_text(
            WASTE_OFFICER, "Is it blocking the path?", WASTE_CHAT, reply_to=prompt["message_id"]
        )
        asked = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=_has("Is it blocking the path?")
        )
        confirmation = next(
            m for m in await client.bot_messages(sam.id) if ref in (m.get("text") or "")
        )
        stray = await client.send_text(sam.id, "Not an answer", reply_to=confirmation["message_id"])
        puzzled = await client.wait_for_message(sam.id, after=stray.seq)
        answered = await client.send_text(sam.id, "Yes, half of it", reply_to=asked["message_id"])
        relayed = await client.wait_for_message(
            WASTE_CHAT, after=answered.seq, predicate=_has("answers")
        )

        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Resolve", card["message_id"])
        await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("Resolve this report?")
        )
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Write a note for the reporter")
        note_prompt = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("what to tell them")
        )
        sent = await client.send_text(
            WASTE_OFFICER, "Cleared", WASTE_CHAT, reply_to=note_prompt["message_id"]
        )
        told = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=_has("has resolved it")
        )
    assert "[ref" not in prompt["text"]
    assert "[ref" not in note_prompt["text"]
    questions = [
        m["text"] for m in await client.bot_messages(sam.id) if "asks about" in m.get("text", "")
    ]
    assert len(questions) == 1
    assert "Not a question" not in questions[0]
    assert "did not understand" in puzzled["text"]
    assert relayed["text"] == f"The reporter of {ref} answers:\nYes, half of it"
    assert not [
        m for m in await client.bot_messages(WASTE_CHAT) if "Not an answer" in m.get("text", "")
    ]
    assert "Their note: Cleared" in told["text"]


async def test_prompts_of_the_version_before_are_still_understood(
    client: EmulatorClient, config_path: Path, resident: int, server: Any
) -> None:
    """LEGACY: prompts sent before replies were matched by message id (an officer's prompt with
    its [ref R/A/MSG] marker, a reporter's question "asks about your report") still work."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref, card = await fly_tipping(client, sam)
        report_id, card_id = buttons_data(card)[0].split(":")[3], card["message_id"]
        marker = f"[ref {report_id}/sadc-waste/{card_id}]"
        old_question = await _send_as_bot(
            server,
            WASTE_CHAT,
            f"Question for the reporter {marker}: reply to this message with it. "
            "The reporter will not see who you are, and you will not see who they are.",
        )
        sent = await client.send_text(
            WASTE_OFFICER, "Is it still there?", WASTE_CHAT, reply_to=old_question["message_id"]
        )
        asked = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=_has("Is it still there?")
        )
        old_asked = await _send_as_bot(
            server,
            sam.id,
            f"St Albans District Council, Waste Enforcement asks about your report {ref}:\n"
            "Was it there yesterday?\n\n"
            "Reply to this message to answer; the team will not see your name or number.",
        )
        answered = await client.send_text(sam.id, "Since Monday", reply_to=old_asked["message_id"])
        relayed = await client.wait_for_message(
            WASTE_CHAT, after=answered.seq, predicate=_has("answers")
        )
        old_note = await _send_as_bot(
            server,
            WASTE_CHAT,
            f"Note for the reporter {marker}: reply to this message with it. "
            "It is sent as you write it.",
        )
        sent = await client.send_text(
            WASTE_OFFICER, "Gone now", WASTE_CHAT, reply_to=old_note["message_id"]
        )
        told = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=_has("has resolved it")
        )
    assert ref in asked["text"]
    assert relayed["text"] == f"The reporter of {ref} answers:\nSince Monday"
    assert "Their note: Gone now" in told["text"]
    assert await _card_buttons(client, card) == []
