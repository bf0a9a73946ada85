"""A database written before the house-plan restructure opens, and what it held carries on.

The fixture ``tests/fixtures/pre_house_plan.*`` was made with commit efcf169 by
``tests/fixtures/make_pre_house_plan_db.py``: a resident stopped mid-report at a question, an
agency card and a status update queued in the outbox while Telegram could not be reached, and
an unacknowledged card in an agency's chat. Its manifest (``pre_house_plan.json``) names the
ids used here. The emulator starts from the world saved with the database, so the old chats,
messages and buttons are there to be pressed.

The fixture's reports are as old as the fixture, so by now they may be overdue: reminders to
the agencies' chats and the admins may come too, and nothing here depends on them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.emulator import EmulatorClient, EmulatorServer
from bot.emulator.client import buttons
from storage.db import Database
from storage.reports import ReportRepository
from storage.routings import RoutingRepository
from tests.support.harness import load, running_bot, write_config
from tests.support.residents import Resident

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANIFEST: dict[str, Any] = json.loads((FIXTURES / "pre_house_plan.json").read_text())
RESIDENT = MANIFEST["resident_mid_report"]
CARD = MANIFEST["unacknowledged_card"]
QUEUED_CARD = MANIFEST["queued_card"]
QUEUED_UPDATE = MANIFEST["queued_status_update"]
HARPENDEN = (51.8160, -0.3560)  # inside the district, far from the fixture's reports
# Queued items may have been given a retry time a few seconds after the fixture was made.
DELIVERY_TIMEOUT = 30.0


def _data(message: dict[str, Any]) -> list[str]:
    """The callback data of a message's inline buttons."""
    markup = message.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]


@pytest.fixture
async def old_world(server: EmulatorServer) -> AsyncIterator[EmulatorClient]:
    """A client of a fresh emulator loaded with the world saved with the fixture (instead of
    the people and chats the ``client`` fixture makes)."""
    snapshot = json.loads((FIXTURES / MANIFEST["emulator_snapshot"]).read_text())
    async with EmulatorClient(server.url) as emulator_client:
        await emulator_client.restore(snapshot)
        yield emulator_client


@pytest.fixture
def old_database(tmp_path: Path, server: EmulatorServer) -> Path:
    """The default config pointed at the emulator, with a copy of the fixture database (and
    its key file beside it) as its database; returns the config's path."""
    config_path = write_config(tmp_path, server.url)
    database = load(config_path).storage.database
    shutil.copyfile(FIXTURES / MANIFEST["database"], database)
    shutil.copyfile(FIXTURES / MANIFEST["key_file"], database.with_name(database.name + ".key"))
    return config_path


async def test_the_resident_carries_on_with_the_report_they_were_making(
    old_world: EmulatorClient, old_database: Path
) -> None:
    """The question the resident was stopped at is asked again when they press its old
    button (whose data named options by their place in the list, which the new version does
    not trust), with the answers given before the upgrade kept; answering it moves the report
    on, and those answers reach the review."""
    client = old_world
    alex = Resident(client, RESIDENT["user_id"])
    question = RESIDENT["question"]
    async with running_bot(load(old_database)):
        pressed = await client.press(
            alex.id, None, question["option"], message_id=question["message_id"]
        )
        again = await client.wait_for_message(RESIDENT["chat_id"], after=pressed.seq)
        assert question["text"] in again["text"]
        assert question["option"] in buttons(again)
        assert question["callback_data"] not in _data(again)
        following = await alex.tap(question["option"], until=RESIDENT["next_question"])
        assert "Park or open space" in buttons(following)
        await alex.tap("Park or open space", until="Did you see it being dumped?")
        await alex.tap("No", until="Share")
        await alex.pin(*HARPENDEN, until="When did it happen")
        await alex.tap("Now or just now", until="Describe what you saw")
        await alex.tap("Skip", until="Photos help")
        await alex.tap("No photos", until="Shall we keep you updated?")
        review = await alex.tap("Keep me updated here", until="Please check your report")
    assert "What has been dumped? Tyres" in review["text"]
    assert f"{question['text']} {question['option']}" in review["text"]


async def test_queued_items_are_delivered_once_and_an_old_card_is_acknowledged(
    old_world: EmulatorClient, old_database: Path
) -> None:
    """The card and the status update that waited in the outbox arrive, once each; pressing
    Acknowledge on the card delivered before the upgrade acknowledges that report."""
    client = old_world
    started = await client.last_seq()
    async with running_bot(load(old_database)):
        card = await client.wait_for_message(
            QUEUED_CARD["chat_id"],
            after=started,
            predicate=lambda m: QUEUED_CARD["callback_data"] in _data(m),
            timeout=DELIVERY_TIMEOUT,
        )
        await client.wait_for_message(
            QUEUED_CARD["chat_id"],
            after=started,
            predicate=lambda m: "location" in m,
            timeout=DELIVERY_TIMEOUT,
        )
        update = await client.wait_for_message(
            QUEUED_UPDATE["chat_id"],
            after=started,
            predicate=lambda m: m.get("text") == QUEUED_UPDATE["text"],
            timeout=DELIVERY_TIMEOUT,
        )

        pressed = await client.press(
            CARD["officer_id"], CARD["chat_id"], CARD["button"], message_id=CARD["message_id"]
        )
        answer = await client.wait_for_callback_answer(pressed.callback_query_id, pressed.seq)
        edited = await client.wait_for_edit(CARD["chat_id"], CARD["message_id"], pressed.seq)
        told = await client.wait_for_message(
            CARD["reporter_chat_id"],
            after=pressed.seq,
            predicate=lambda m: f"report {CARD['ref']}" in (m.get("text") or ""),
        )
    # The bot has stopped: nothing more will be sent.
    cards = [
        m
        for m in await client.bot_messages(QUEUED_CARD["chat_id"])
        if QUEUED_CARD["callback_data"] in _data(m)
    ]
    pins = [m for m in await client.bot_messages(QUEUED_CARD["chat_id"]) if "location" in m]
    updates = [
        m
        for m in await client.bot_messages(QUEUED_UPDATE["chat_id"])
        if m.get("text") == QUEUED_UPDATE["text"]
    ]
    assert QUEUED_CARD["ref"] in card["text"]
    assert [m["message_id"] for m in cards] == [card["message_id"]]
    assert len(pins) == 1
    assert [m["message_id"] for m in updates] == [update["message_id"]]

    assert answer["text"] == "Acknowledged. The reporter has been told."
    assert "Acknowledged by" in edited["text"]
    assert CARD["ref"] in edited["text"]
    assert CARD["button"] not in buttons(edited)
    assert "has picked it up" in told["text"]

    db = await Database.open(load(old_database).storage.database)
    try:
        reports = ReportRepository(db)
        report = await reports.get(CARD["report_id"])
        states = {
            a.agency_id: a.state for a in await RoutingRepository(db).agencies(CARD["report_id"])
        }
    finally:
        await db.close()
    assert report is not None
    assert report.ref == CARD["ref"]
    assert report.status == "acknowledged"
    assert states == {CARD["agency_id"]: "acknowledged"}
