"""A submitted report reaches its agency's chat, and an officer's acknowledgement reaches the
reporter: through the real bot, the outbox and the emulator."""

from __future__ import annotations

import re
from pathlib import Path

from bot.emulator import EmulatorClient
from bot.emulator.client import buttons
from tests.support.flows import ST_ALBANS, anonymous_hate_incident, finish, to_location
from tests.support.harness import load, running_bot
from tests.support.residents import Resident

WASTE_CHAT, WASTE_OFFICER = -1001000000001, 910001
POLICE_HATE_CHAT, POLICE_OFFICER = -1001000000005, 920001


async def test_alert_reaches_the_agency_and_acknowledgement_reaches_the_reporter(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Fly tipping goes to waste enforcement with its pin; an officer of another agency cannot
    acknowledge it; the right officer can, once; the card changes and the reporter is told."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(
            sam, "Fly tipping", ["+Tyres", "Done", "A car boot load", "Park or open space", "No"]
        )
        await sam.pin(*ST_ALBANS, until="When did it happen")
        ref = await finish(sam)
        card = await client.wait_for_message(
            WASTE_CHAT, predicate=lambda m: ref in (m.get("text") or "")
        )
        pin = await client.wait_for_message(
            WASTE_CHAT, after=0, predicate=lambda m: "location" in m
        )
        assert buttons(card) == ["Acknowledge", "Resolve", "Refer", "Ask the reporter"]
        assert "new fly tipping report" in card["text"]
        assert "Tyres" in card["text"]

        listed = await client.send_command(WASTE_OFFICER, "queue", chat_id=WASTE_CHAT)
        queue = await client.wait_for_message(WASTE_CHAT, after=listed.seq)
        private = await client.send_command(WASTE_OFFICER, "queue")
        own_queue = await client.wait_for_message(WASTE_OFFICER, after=private.seq)
        not_for_you = await sam.say("/queue")
        await client.add_member(WASTE_CHAT, POLICE_OFFICER)  # in the group, but not its officer
        wrong = await client.press(POLICE_OFFICER, WASTE_CHAT, "Acknowledge", card["message_id"])
        refusal = await client.wait_for_callback_answer(wrong.callback_query_id, after=wrong.seq)
        assert "only officers of the team" in refusal["text"]

        # Two officers press at the same moment: the card is still unchanged for both (its
        # edit is held back), and the report is acknowledged once.
        await client.add_fault("delay", chat_id=WASTE_CHAT, methods=["editMessageText"], delay=1)
        right = await client.press(WASTE_OFFICER, WASTE_CHAT, "Acknowledge", card["message_id"])
        again = await client.press(POLICE_OFFICER, WASTE_CHAT, "Acknowledge", card["message_id"])
        second = await client.press(WASTE_OFFICER, WASTE_CHAT, "Acknowledge", card["message_id"])
        edited = await client.wait_for_edit(WASTE_CHAT, card["message_id"], after=right.seq)
        told = await client.wait_for_message(
            sam.id, after=right.seq, predicate=lambda m: "picked it up" in (m.get("text") or "")
        )
        answer = await client.wait_for_callback_answer(second.callback_query_id, after=second.seq)
        refused = await client.wait_for_callback_answer(again.callback_query_id, after=again.seq)
        status = await sam.say(f"/status {ref}", until=ref)
    assert pin["location"]["latitude"] == ST_ALBANS[0]
    assert re.search(
        rf"{ref}: Fly tipping, Normal, \d+ min old, waiting to be acknowledged", queue["text"]
    )
    assert ref in own_queue["text"]
    assert "for the teams that receive reports" in not_for_you["text"]
    assert "Acknowledged by Officer 910001" in edited["text"]
    assert ref in told["text"]
    assert "already acknowledged" in answer["text"]
    assert "only officers of the team" in refused["text"]
    assert buttons(edited) == ["Resolve", "Refer", "Ask the reporter"]
    notes = [m for m in await client.bot_messages(sam.id) if "picked it up" in m.get("text", "")]
    assert len(notes) == 1
    assert "picked up by the team" in status["text"]


async def test_sensitive_report_reaches_only_its_agency_without_details(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A hate incident's card in the police chat shows the reference and area, not what
    happened, and no other agency's chat receives anything."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref = await anonymous_hate_incident(sam, "They mocked a man in a wheelchair")
        card = await client.wait_for_message(
            POLICE_HATE_CHAT, predicate=lambda m: ref in (m.get("text") or "")
        )
    assert "wheelchair" not in card["text"]
    assert "Disability" not in card["text"]
    assert "private chat" in card["text"]
    assert len(await client.bot_messages(POLICE_HATE_CHAT)) == 1
    for other in (WASTE_CHAT, -1001000000002, -1001000000003, -1001000000006):
        assert await client.bot_messages(other) == []
