"""The resident's confirmation, with the reference, leaves through the outbox with the report's
own transaction: a bot stopped before it could send it sends it after the restart, once; a
second tap on Submit shows the reference the report already has; a 429 on the way is the
outbox's to retry, and nothing about it is logged as an error."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import EmulatorClient
from bot.outbox.telegram.limiter import PTB_LIMITER_LOGGER
from bot.reporting.draft import Draft
from storage.db import Database
from storage.persistence import SqlitePersistence
from tests.support.configs import write_config_data
from tests.support.flows import HARPENDEN, ST_ALBANS, WASTE_CHAT, reference_in, to_location
from tests.support.harness import config_data, load, running_bot
from tests.support.residents import Message, Resident
from tests.support.stored import stored_reports

# PTB warns about its own RetryAfter.retry_after when it builds the error for each 429.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

REFERENCE = "Your reference"


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "")


async def _to_review(sam: Resident, where: tuple[float, float] = ST_ALBANS) -> Message:
    """A fly-tipping report (in St Albans), from /report to the review; the review message."""
    await to_location(
        sam, "Fly tipping", ["+Tyres", "Done", "A car boot load", "Park or open space", "No"]
    )
    await sam.pin(*where, until="When did it happen")
    await sam.tap("Now or just now", until="Describe what you saw")
    await sam.tap("Skip", until="Photos help")
    await sam.tap("No photos", until="Shall we keep you updated?")
    return await sam.tap("Keep me updated here", until="Please check your report")


async def _confirmations(client: EmulatorClient, chat: int) -> list[Message]:
    return [m for m in await client.bot_messages(chat) if REFERENCE in (m.get("text") or "")]


async def test_a_reference_not_yet_sent_at_a_stop_arrives_after_the_restart_once(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Telegram fails every message to the resident from Submit until the bot stops: the report
    is stored and its card delivered, and the restarted bot delivers the reference, once; Submit
    tapped again then shows that reference instead of an "older message" answer."""
    sam = Resident(client, resident)
    config = load(config_path)
    async with running_bot(config):
        review = await _to_review(sam)
        await client.add_fault("server_error", chat_id=resident, methods=["sendMessage"])
        pressed = await client.press(resident, None, "Submit report", review["message_id"])
        card = await client.wait_for_message(WASTE_CHAT, after=pressed.seq)
    await client.clear_faults()
    assert await _confirmations(client, resident) == []
    async with running_bot(config):
        told = await client.wait_for_message(resident, after=pressed.seq, predicate=_has(REFERENCE))
        again = await client.press(resident, None, "Submit report", review["message_id"])
        answer = await client.wait_for_callback_answer(again.callback_query_id, after=again.seq)
        shown = await client.wait_for_message(resident, after=again.seq)
    ref = reference_in(told)
    assert ref in card["text"]
    assert "already sent" in shown["text"]
    assert ref in shown["text"]
    assert "older message" not in (answer.get("text") or "")
    assert len(await _confirmations(client, resident)) == 1
    assert [report.ref for report in await stored_reports(config_path)] == [ref]


async def _conversation_at(config_path: Path, user: int) -> tuple[object, dict[Any, Any]]:
    """The resident's report conversation state and data, as stored."""
    async with await Database.open(load(config_path).storage.database) as db:
        persistence = SqlitePersistence(db, kinds=[Draft])
        state = (await persistence.get_conversations("report"))[(user, user)]
        return state, (await persistence.get_user_data())[user]


async def _put_back(config_path: Path, user: int, state: object, data: dict[Any, Any]) -> None:
    """Store the resident's conversation state and data as they were."""
    async with await Database.open(load(config_path).storage.database) as db:
        persistence = SqlitePersistence(db, kinds=[Draft])
        await persistence.update_conversation("report", (user, user), state)
        await persistence.update_user_data(user, data)


async def test_submit_again_after_a_crash_before_the_conversation_ended_stores_nothing_new(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A bot killed after storing the report but before ending the conversation restarts at
    the review: Submit tapped there again shows the stored report's reference, stores no
    second report, and the confirmation still arrives once."""
    sam = Resident(client, resident)
    config = load(config_path)
    async with running_bot(config):
        review = await _to_review(sam)
    state, data = await _conversation_at(config_path, resident)
    async with running_bot(config):
        ref = reference_in(await sam.tap("Submit report", until=REFERENCE))
    # As such a crash leaves the file: the report and its confirmation stored, the
    # conversation still at the review with its draft.
    await _put_back(config_path, resident, state, data)
    async with running_bot(config):
        again = await client.press(resident, None, "Submit report", review["message_id"])
        shown = await client.wait_for_message(resident, after=again.seq)
        after = await sam.say("/report", until="is anyone in danger")  # the conversation ended
    assert "already sent" in shown["text"]
    assert ref in shown["text"]
    assert after is not None
    assert [report.ref for report in await stored_reports(config_path)] == [ref]
    assert len(await _confirmations(client, resident)) == 1


async def test_429s_on_the_card_and_the_reference_are_retried_by_the_outbox_quietly(
    client: EmulatorClient, config_path: Path, resident: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram answers 429 to the first sends to the agency's chat and to the resident after
    Submit: the card and the reference each arrive once, retried by the outbox alone (the
    rate limiter tries each send once), and nothing is logged above a warning, nor with a
    traceback."""
    sam = Resident(client, resident)
    caplog.set_level(logging.INFO)
    async with running_bot(load(config_path)):
        review = await _to_review(sam)
        for chat in (WASTE_CHAT, resident):
            await client.add_fault(
                "rate_limit", chat_id=chat, methods=["sendMessage"], hits=5, retry_after=0.1
            )
        pressed = await client.press(resident, None, "Submit report", review["message_id"])
        told = await client.wait_for_message(resident, after=pressed.seq, predicate=_has(REFERENCE))
        ref = reference_in(told)
        await client.wait_for_message(WASTE_CHAT, after=pressed.seq, predicate=_has(ref))
    cards = [m for m in await client.bot_messages(WASTE_CHAT) if ref in (m.get("text") or "")]
    assert len(cards) == 1
    assert len(await _confirmations(client, resident)) == 1
    loud = [(r.name, r.getMessage()) for r in caplog.records if r.levelno > logging.WARNING]
    assert loud == []
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    # PTB's limiter neither retried (it logs each retry) nor logged the 429s.
    assert [r.getMessage() for r in caplog.records if r.name == PTB_LIMITER_LOGGER] == []
    retried = [r.getMessage() for r in caplog.records if "flood control (429)" in r.getMessage()]
    assert len(retried) == 10  # five for the card, five for the reference: the outbox's


async def test_a_reference_does_not_wait_behind_the_agencys_queue(
    client: EmulatorClient, tmp_path: Path, server_url_folder: tuple[str, Path]
) -> None:
    """With the waste team's chat paced to one message a minute, the first report's pin waits
    a minute behind its card; a second resident who submits meanwhile still gets the
    reference at once (it is a reply to a resident, sent straight after the commit)."""
    url, folder = server_url_folder
    data = config_data(url)
    data["telegram"]["limits"]["group_messages_per_minute"] = 1
    config = load(write_config_data(folder, data))
    first = Resident(client, await client.create_user("Sam"))
    second = Resident(client, await client.create_user("Alex"))
    async with running_bot(config):
        await _to_review(first)
        review = await _to_review(second, HARPENDEN)  # far enough: not offered as the same
        ref = reference_in(await first.tap("Submit report", until=REFERENCE))
        await client.wait_for_message(WASTE_CHAT, predicate=_has(ref))  # its pin now waits
        pressed = await client.press(second.id, None, "Submit report", review["message_id"])
        told = await client.wait_for_message(
            second.id, after=pressed.seq, predicate=_has(REFERENCE), timeout=10
        )
    assert reference_in(told) != ref
