"""After /forgetme the resident is told which copies the bot cannot reach: the e-mail and the
council system an agency was sent, named by agency, and whom to ask."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import EmulatorClient, EmulatorServer
from tests.support.configs import agency_data, write_config_data
from tests.support.flows import fly_tipping
from tests.support.harness import config_data, load, running_bot
from tests.support.receivers import (
    SECRET,
    SECRET_ENV,
    MailBox,
    Receiver,
    eventually,
    smtp_server,
    webhook_receiver,
)
from tests.support.residents import Resident

WASTE = "St Albans District Council, Waste Enforcement"


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[MailBox, int]]:
    """A local SMTP server: what it received, and its port."""
    async with smtp_server() as running:
        yield running


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A local webhook receiver."""
    async with webhook_receiver() as running:
        yield running


async def test_forgetme_names_the_agencies_whose_copies_it_cannot_reach(
    tmp_path: Path,
    server: EmulatorServer,
    client: EmulatorClient,
    resident: int,
    smtp: tuple[MailBox, int],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The waste team was e-mailed and its system called: the erasure says so, names the team
    and the data protection officer to ask."""
    box, port = smtp
    monkeypatch.setenv(SECRET_ENV, SECRET)
    data = config_data(server.url)
    agency_data(data, "sadc-waste").update(
        email="waste@example.org", webhook_url=receiver.url, webhook_secret_env=SECRET_ENV
    )
    data["smtp"] = {"host": "127.0.0.1", "port": port, "starttls": False, "sender": "b@example.org"}
    path = write_config_data(tmp_path, data)
    sam = Resident(client, resident)
    async with running_bot(load(path)):
        ref, _ = await fly_tipping(client, sam)
        await eventually(lambda: bool(box.messages), box.changed, "the e-mail")
        await eventually(lambda: bool(receiver.calls), receiver.changed, "the webhook call")
        prompt = await sam.say("/forgetme", until="Erase your data")
        pressed = await client.press(sam.id, None, "Keep them open anonymously and erase")
        done = await client.wait_for_edit(sam.id, prompt["message_id"], after=pressed.seq)
    assert ref in done["text"]
    assert f"Copies already e-mailed or sent to a council system by: {WASTE}" in done["text"]
    assert "Data Protection Officer" in done["text"]
