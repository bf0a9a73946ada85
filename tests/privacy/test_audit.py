"""The audit log: officers' and admins' actions recorded as they happen, and listed by
``safetybot audit --from --to``."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.emulator import EmulatorClient
from tests.support.flows import WASTE_CHAT, fly_tipping
from tests.support.harness import load, running_bot
from tests.support.residents import Resident

WASTE_OFFICER = 910001
ADMIN = 900001


async def test_officer_and_admin_actions_are_audited_and_listed(
    client: EmulatorClient,
    config_path: Path,
    resident: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Acknowledging a report and issuing an enrolment code each make an audit entry naming
    who did it, the action and the report; the command lists them for today and nothing for a
    day before, and the resident's id is in none of them."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        ref, card = await fly_tipping(client, sam)
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Acknowledge", card["message_id"])
        await client.wait_for_message(sam.id, after=pressed.seq)
        asked = await client.send_command(ADMIN, "enrolcode", "sadc-waste")
        await client.wait_for_message(ADMIN, after=asked.seq)
    today = date.today()
    days = [str(today - timedelta(days=1)), str(today + timedelta(days=1))]
    listing = ["audit", "--from", days[0], "--to", days[1], "--config", str(config_path)]
    assert await asyncio.to_thread(main, listing) == 0
    listed = capsys.readouterr().out.splitlines()
    yesterday = str(today - timedelta(days=2))
    before = ["audit", "--from", yesterday, "--to", yesterday, "--config", str(config_path)]
    assert await asyncio.to_thread(main, before) == 0
    empty = capsys.readouterr().out
    acknowledged = [line.split("\t") for line in listed if "\tacknowledged\t" in line]
    assert [(row[1], row[3]) for row in acknowledged] == [(f"officer:{WASTE_OFFICER}", ref)]
    assert '"agency": "sadc-waste"' in acknowledged[0][4]
    assert any(f"admin:{ADMIN}\tenrol_code\t-" in line for line in listed)
    assert all(str(resident) not in line for line in listed)
    assert "No audited actions" in empty


def test_audit_refuses_dates_the_wrong_way_round(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--to before --from is a usage error, said plainly."""
    args = ["audit", "--from", "2026-05-02", "--to", "2026-05-01", "--config", str(config_path)]
    assert main(args) == 2
    assert "--to is before --from" in capsys.readouterr().err
