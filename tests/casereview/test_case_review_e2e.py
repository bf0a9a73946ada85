"""The ASB Case Review through the real bot and the emulated Bot API: a resident's third ASB
report in six months brings, after its confirmation, a plain notice of their right and how to
use it, and the admins' chat a note holding the three references only; /mydata includes the
notice, and /forgetme erases it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.emulator import EmulatorClient
from bot.emulator.client import buttons
from storage.case_reviews import CaseReviewRepository
from storage.db import Database
from tests.privacy.test_rights_e2e import database_bytes, id_forms
from tests.support.configs import write_config_data
from tests.support.flows import ST_ALBANS, finish, to_location
from tests.support.harness import ADMINS_CHAT, config_data, load, running_bot
from tests.support.residents import Message, Resident

SAM = 777123456790  # an id with no chance of appearing in the file by accident
NOTICE = "You can ask for an ASB Case Review"
REFERENCE = "Your reference"


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "")


async def _asb_report(sam: Resident) -> str:
    """A contactable ASB report (noise, once) at St Peter's Street; its reference."""
    await to_location(sam, "Anti-social behaviour", ["+Noise", "Done", "It happened once"])
    await sam.pin(*ST_ALBANS, until="When did it happen")
    return await finish(sam)


def _texts(messages: list[Message]) -> list[str]:
    return [m.get("text") or "" for m in messages]


async def test_the_third_report_brings_the_notice_and_the_admins_note(
    client: EmulatorClient, server_url_folder: tuple[str, Path]
) -> None:
    """Two reports bring no notice; the third's confirmation is followed by the notice naming
    the three references and how to ask; the admins get the references and nothing of the
    resident. /mydata lists the notice; /forgetme removes it, and the file then holds Sam's id in no
    form."""
    url, folder = server_url_folder
    # The same place each time: the offer of a possibly identical open report is switched off.
    config_path = write_config_data(
        folder, config_data(url, reporting={"duplicate_radius_metres": 0})
    )
    config = load(config_path)
    sam = Resident(client, await client.create_user("Sam", user_id=SAM))
    async with running_bot(config):
        refs = [await _asb_report(sam), await _asb_report(sam)]
        assert not any(NOTICE in t for t in _texts(await client.bot_messages(sam.id)))
        refs.append(await _asb_report(sam))
        notice = await client.wait_for_message(sam.id, predicate=_has(NOTICE))
        note = await client.wait_for_message(ADMINS_CHAT, predicate=_has("Case Review"))
        sent = await client.send_command(sam.id, "mydata")
        reply = await client.wait_for_message(
            sam.id, after=sent.seq, predicate=lambda m: "document" in m
        )
        held = json.loads(await client.file_bytes(reply["document"]["file_id"]))
        prompt = await sam.say("/forgetme", until="Erase your data")
        choice = "Withdraw my open reports and erase"
        assert choice in buttons(prompt)
        pressed = await client.press(sam.id, None, choice, prompt["message_id"])
        await client.wait_for_edit(sam.id, prompt["message_id"], after=pressed.seq)
    to_sam = _texts(await client.bot_messages(sam.id))
    confirmation = max(i for i, t in enumerate(to_sam) if refs[2] in t and REFERENCE in t)
    assert to_sam.index(notice["text"]) > confirmation
    assert [t for t in to_sam if NOTICE in t] == [notice["text"]]
    assert all(ref in notice["text"] for ref in refs)
    assert "asb@stalbans.gov.uk" in notice["text"]
    assert all(ref in note["text"] for ref in refs)
    assert str(sam.id) not in note["text"]
    assert "Sam" not in note["text"]
    assert "Noise" not in note["text"]
    assert held["case_review_notices"] == [
        {"told_at": held["case_review_notices"][0]["told_at"], "references": refs}
    ]
    async with await Database.open(config.storage.database) as db:
        assert await CaseReviewRepository(db).notices(sam.id) == []
    held_bytes = database_bytes(config_path)
    assert not any(form in held_bytes for form in id_forms(SAM))
