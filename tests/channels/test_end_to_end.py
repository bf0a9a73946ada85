"""Through the real bot: a fly-tipping report reaches the waste team's e-mail and webhook, and
a report referred to another team reaches that team's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.emulator import EmulatorClient, EmulatorServer
from tests.support.configs import agency_data, write_config_data
from tests.support.flows import WASTE_CHAT, fly_tipping
from tests.support.harness import config_data, load, running_bot
from tests.support.receivers import SECRET, SECRET_ENV, MailBox, Receiver, eventually
from tests.support.residents import Resident

WASTE_OFFICER = 910001
ASB = "St Albans District Council, Community Protection (ASB)"
ASB_CHAT = -1001000000003


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
    path = _with_email_and_webhook(
        tmp_path, server, "sadc-waste", "waste@example.org", port, receiver
    )
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


async def test_a_referral_reaches_the_other_agencys_email_and_webhook(
    tmp_path: Path,
    server: EmulatorServer,
    client: EmulatorClient,
    resident: int,
    smtp: tuple[MailBox, int],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The waste team refers a report to the ASB team, which has an e-mail address and a
    webhook besides its chat: each receives the report once, saying who referred it."""
    box, port = smtp
    monkeypatch.setenv(SECRET_ENV, SECRET)
    path = _with_email_and_webhook(tmp_path, server, "sadc-asb", "asb@example.org", port, receiver)
    sam = Resident(client, resident)
    async with running_bot(load(path)):
        ref, card = await fly_tipping(client, sam)
        assert not box.messages  # the waste team has its chat only
        pressed = await client.press(WASTE_OFFICER, WASTE_CHAT, "Refer", card["message_id"])
        await client.wait_for_message(
            WASTE_CHAT,
            after=pressed.seq,
            predicate=lambda m: "Pass this report" in (m.get("text") or ""),
        )
        await client.press(WASTE_OFFICER, WASTE_CHAT, ASB)
        await client.wait_for_message(ASB_CHAT, predicate=lambda m: ref in (m.get("text") or ""))
        await eventually(lambda: bool(box.messages), box.changed, "the e-mail")
        await eventually(lambda: bool(receiver.calls), receiver.changed, "the webhook call")
    waste = "St Albans District Council, Waste Enforcement"
    assert box.recipients == [["asb@example.org"]]
    assert str(box.messages[0]["Subject"]).endswith(f"{ref} referred by {waste}")
    assert box.messages[0].get_content().startswith(f"{waste} has referred this report to you.")
    assert len(receiver.calls) == 1
    call = receiver.calls[0]
    assert call.signed
    assert call.body["service_request_id"] == ref
    assert call.body["agency_responsible"] == ASB
    assert call.body["status_notes"] == f"Referred by {waste}."


def _with_email_and_webhook(
    folder: Path, server: EmulatorServer, agency: str, email: str, port: int, receiver: Receiver
) -> Path:
    """A config in which ``agency`` has an e-mail address (on the local SMTP server at
    ``port``) and a signed webhook to ``receiver`` besides its chat."""
    data = config_data(server.url)
    agency_data(data, agency).update(
        email=email, webhook_url=receiver.url, webhook_secret_env=SECRET_ENV
    )
    data["smtp"] = {
        "host": "127.0.0.1",
        "port": port,
        "starttls": False,
        "sender": "safetybot@example.org",
    }
    return write_config_data(folder, data)
