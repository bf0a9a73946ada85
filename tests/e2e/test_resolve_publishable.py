"""The resolve step's choice: a note for the reporter only (the default), or one that may also
be published in the partnership's news; stored with the resolution, and pressed only by an
officer of the team the report was sent to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.emulator import EmulatorClient
from bot.officers import texts
from storage.db import Database
from storage.resolutions import ResolutionRepository
from tests.support.flows import WASTE_CHAT, anonymous_hate_incident, fly_tipping
from tests.support.harness import load, running_bot
from tests.support.residents import Resident
from tests.support.stored import stored_reports

WASTE_OFFICER = 910001
POLICE_HATE_CHAT, POLICE_OFFICER = -1001000000005, 920001


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "")


async def _resolve_with(
    client: EmulatorClient, card: dict[str, Any], choice: str, note: str
) -> dict[str, Any]:
    """Resolve the card's report with a note through the choice ``choice``; the note prompt."""
    pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Resolve", card["message_id"])
    await client.wait_for_message(WASTE_CHAT, after=pressed.seq, predicate=_has("Resolve this"))
    pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, choice)
    prompt = await client.wait_for_message(
        WASTE_CHAT, after=pressed.seq, predicate=_has("Note for the reporter")
    )
    sent = await client.send_text(WASTE_OFFICER, note, WASTE_CHAT, reply_to=prompt["message_id"])
    await client.wait_for_message(WASTE_CHAT, after=sent.seq, predicate=_has("Resolved by"))
    return prompt


async def _publishable(config_path: Path, report_id: int) -> bool | None:
    async with await Database.open(load(config_path).storage.database) as db:
        return await ResolutionRepository(db).publishable(report_id, "sadc-waste")


async def test_the_officer_chooses_whether_the_note_may_be_published(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The resolve question offers the three choices; a note written through "may be published"
    is stored as publishable and says so under the card; one written the ordinary way is
    stored as internal."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        _, first = await fly_tipping(client, sam)
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Resolve", first["message_id"])
        question = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("Resolve this")
        )
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, texts.RESOLVE_WITH_PUBLISHABLE_NOTE)
        prompt = await client.wait_for_message(
            WASTE_CHAT, after=pressed.seq, predicate=_has("Note for the reporter")
        )
        sent = await client.send_text(
            WASTE_OFFICER, "Bags cleared from the verge", WASTE_CHAT, reply_to=prompt["message_id"]
        )
        line = await client.wait_for_message(
            WASTE_CHAT, after=sent.seq, predicate=_has("Resolved by")
        )
        # The reporter hears of it before starting the next report (which it would otherwise
        # be offered as a duplicate of).
        await client.wait_for_message(sam.id, after=sent.seq, predicate=_has("has resolved it"))
        _, second = await fly_tipping(client, sam)
        await _resolve_with(client, second, texts.RESOLVE_WITH_NOTE, "Cleared, thank you")
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [
        texts.RESOLVE_WITHOUT_NOTE,
        texts.RESOLVE_WITH_NOTE,
        texts.RESOLVE_WITH_PUBLISHABLE_NOTE,
    ]
    assert "no names or addresses" in prompt["text"].lower()
    assert "may be published" in line["text"]
    first_report, second_report = await stored_reports(config_path)
    assert await _publishable(config_path, first_report.id) is True
    assert await _publishable(config_path, second_report.id) is False


async def test_a_stranger_cannot_press_the_publishable_note(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Someone in the chat who is no officer of the team is refused at the "may be published"
    button: no prompt, nothing resolved, nothing stored."""
    sam = Resident(client, resident)
    kim = await client.create_user("Kim", user_id=960001)  # in the team's chat, no officer
    await client.add_member(WASTE_CHAT, kim)
    async with running_bot(load(config_path)):
        _, card = await fly_tipping(client, sam)
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Resolve", card["message_id"])
        await client.wait_for_message(WASTE_CHAT, after=pressed.seq, predicate=_has("Resolve"))
        pressed = await client.press(kim, WASTE_CHAT, texts.RESOLVE_WITH_PUBLISHABLE_NOTE)
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, after=pressed.seq)
        prompts = [
            m
            for m in await client.bot_messages(WASTE_CHAT)
            if "Note for the reporter" in (m.get("text") or "")
        ]
    assert "only officers of the team" in answer["text"]
    assert prompts == []
    (report,) = await stored_reports(config_path)
    assert report.status != "resolved"
    assert await _publishable(config_path, report.id) is None


async def test_a_sensitive_report_offers_no_note_for_publishing(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A hate incident's resolve question offers no "may be published" choice (its notes never
    are), and says a note goes to the reporter only."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref = await anonymous_hate_incident(sam, "Shouted at near the station")
        card = await client.wait_for_message(POLICE_HATE_CHAT, predicate=_has(ref))
        pressed = await client.press(
            POLICE_OFFICER, POLICE_HATE_CHAT, "Resolve", card["message_id"]
        )
        question = await client.wait_for_message(
            POLICE_HATE_CHAT, after=pressed.seq, predicate=_has("Resolve this")
        )
    labels = [b["text"] for row in question["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [texts.RESOLVE_WITHOUT_NOTE, texts.RESOLVE_WITH_NOTE]
    assert question["text"] == texts.RESOLVE_QUESTION_SENSITIVE
