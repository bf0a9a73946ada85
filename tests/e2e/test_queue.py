"""/queue: an agency's officers see its open reports in its chat; the partnership's admins see
every agency's in a private chat, grouped by agency, with a sensitive report shown by its
reference, area and priority only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.emulator import EmulatorClient
from bot.officers import texts
from bot.outbox.facts import priority_in_sentence
from tests.support.flows import WASTE_CHAT, anonymous_hate_incident, fly_tipping
from tests.support.harness import ADMINS_CHAT, load, running_bot
from tests.support.residents import Resident
from tests.support.stored import stored_reports

ADMIN, WASTE_OFFICER = 900001, 910001
SECRET = "A detail only the police may read"


def _has(text: str) -> Any:
    return lambda m: text in (m.get("text") or "")


async def test_an_admin_sees_every_agencys_queue_without_sensitive_details(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """An admin who is no agency's officer gets every agency's open reports privately, under
    the agencies' names in the configuration's order; the hate incident shows its reference,
    ward and priority and nothing else. In the admins' group chat they are asked to write
    privately; the waste team's chat still gets its own queue."""
    sam = Resident(client, resident)
    config = load(config_path)
    async with running_bot(config):
        tipping_ref, _ = await fly_tipping(client, sam)
        hate_ref = await anonymous_hate_incident(sam, SECRET)
        asked = await client.send_command(ADMIN, "queue")
        listed = await client.wait_for_message(ADMIN, after=asked.seq)
        in_group = await client.send_command(ADMIN, "queue", chat_id=ADMINS_CHAT)
        hint = await client.wait_for_message(ADMINS_CHAT, after=in_group.seq)
        in_team = await client.send_command(WASTE_OFFICER, "queue", chat_id=WASTE_CHAT)
        team = await client.wait_for_message(WASTE_CHAT, after=in_team.seq)
    hate = next(r for r in await stored_reports(config_path) if r.ref == hate_ref)
    text = listed["text"]
    names = [agency.name for agency in config.agencies]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    waste = text.split(names[0])[1].split(names[1])[0]
    assert ": 1 open, oldest first" in waste
    assert f"{tipping_ref}: Fly tipping, " in waste
    (hate_line,) = [line for line in text.splitlines() if hate_ref in line]
    area, priority = hate.ward or "area not known", priority_in_sentence(hate.priority)
    assert hate_line == f"• {hate_ref}: sensitive, {area}, {priority} priority"
    assert "Hate incident" not in text
    assert SECRET not in text
    assert hint["text"] == texts.QUEUE_IN_PRIVATE
    assert "Waste Enforcement: 1 open, oldest first" in team["text"]
    assert tipping_ref in team["text"]
    assert hate_ref not in team["text"]
