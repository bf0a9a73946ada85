"""Through the real bot: a fly-tipping report reaches the waste team's e-mail and webhook."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.emulator import EmulatorClient, EmulatorServer
from tests.support.configs import agency_data, write_config_data
from tests.support.flows import fly_tipping
from tests.support.harness import config_data, load, running_bot
from tests.support.receivers import SECRET, SECRET_ENV, MailBox, Receiver, eventually
from tests.support.residents import Resident


async def test_fly_tipping_reaches_email_and_webhook_once(
    tmp_path: Path,
    server: EmulatorServer,
    client: EmulatorClient,
    resident: int,
    smtp: tuple[MailBox, int],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Besides the Telegram card, the SMTP server gets one e-mail and the receiver one signed
    Open311 request, each naming the reference."""
    box, port = smtp
    monkeypatch.setenv(SECRET_ENV, SECRET)
    data = config_data(server.url)
    agency_data(data, "sadc-waste").update(
        email="waste@example.org", webhook_url=receiver.url, webhook_secret_env=SECRET_ENV
    )
    data["smtp"] = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "sender": "safetybot@example.org",
    }
    path = write_config_data(tmp_path, data)
    sam = Resident(client, resident)
    async with running_bot(load(path)):
        ref, _ = await fly_tipping(client, sam)
        await eventually(lambda: bool(box.messages), box.changed, "the e-mail")
        await eventually(lambda: bool(receiver.calls), receiver.changed, "the webhook call")
    assert len(box.messages) == 1
    assert box.recipients == [["waste@example.org"]]
    assert ref in str(box.messages[0]["Subject"])
    assert "Tyres" in box.messages[0].get_content()
    assert len(receiver.calls) == 1
    call = receiver.calls[0]
    assert call.signed
    assert call.body["service_request_id"] == ref
    assert call.body["service_code"] == "fly-tipping"
