"""The real bot against the emulator: the fifth fly tip within 500 m in a week, reported by a
resident, brings the admins' chat a map and the cluster's announcement (the waste team's chat
too); an admin's press acknowledges it, a resident's forged press changes nothing, and the list
button lists the reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.emulator import EmulatorClient
from storage.bulk import BulkRouting
from storage.db import Database
from tests.insight.conftest import report, store
from tests.support.flows import ST_ALBANS, WASTE_CHAT, fly_tipping
from tests.support.harness import ADMINS_CHAT, load, running_bot
from tests.support.residents import Resident

ADMIN = 900001
# About 300 m north, south, east and west of St Peter's Street: beyond the 250 m in which the
# report flow offers "the same as this one?", inside one 500 m circle with it.
OFFSETS = ((0.0027, 0.0), (-0.0027, 0.0), (0.0, 0.0043), (0.0, -0.0043))


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "")


async def test_the_fifth_report_brings_the_announcement(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    config = load(config_path)
    now = datetime.now(UTC)  # the bot stores the resident's report at its own clock
    async with await Database.open(config.storage.database) as db:
        await store(
            db,
            [
                report(
                    "fly-tipping",
                    now - timedelta(days=1 + i),
                    area="st-albans-city",
                    point=(ST_ALBANS[0] + north, ST_ALBANS[1] + east),
                    routings=[BulkRouting("sadc-waste")],
                )
                for i, (north, east) in enumerate(OFFSETS)
            ],
        )
    async with running_bot(config):
        await fly_tipping(client, Resident(client, resident))
        announced = await client.wait_for_message(
            ADMINS_CHAT, predicate=_has("Emerging cluster: Fly tipping"), timeout=20
        )
        assert "5 reports within 500 m of" in announced["text"]
        admins = await client.bot_messages(ADMINS_CHAT)
        assert any("photo" in m for m in admins)  # the map came first
        await client.wait_for_message(WASTE_CHAT, predicate=_has("Emerging cluster"))
        forged = await client.press(resident, ADMINS_CHAT, "Acknowledge", announced["message_id"])
        answer = await client.wait_for_callback_answer(forged.callback_query_id, after=forged.seq)
        assert "Only the partnership's admins" in str(answer)
        pressed = await client.press(ADMIN, ADMINS_CHAT, "Acknowledge", announced["message_id"])
        edited = await client.wait_for_edit(ADMINS_CHAT, after=pressed.seq)
        assert "Acknowledged by Priya" in edited["text"]
        listed = await client.press(ADMIN, ADMINS_CHAT, "Open the list", announced["message_id"])
        listing = await client.wait_for_message(
            ADMINS_CHAT, after=listed.seq, predicate=_has("5 reports")
        )
        assert listing["text"].count("\n") == 5
