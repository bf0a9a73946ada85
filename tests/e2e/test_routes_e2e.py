"""Every default route, end to end: a report made through the bot reaches exactly the agencies
the configuration routes it to, through the outbox and the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import default_config_text, parse_config
from bot.emulator import EmulatorClient
from tests.support.flows import HARPENDEN, to_location
from tests.support.harness import load, running_bot
from tests.support.residents import Resident

CONFIG = parse_config(default_config_text(), base_dir=Path("."))
CHATS = {a.id: a.chat_id for a in CONFIG.agencies}

ROUTES = [
    (
        "Fly tipping",
        ["+Tyres", "Done", "A car boot load", "Road, pavement or verge", "No"],
        ["sadc-waste"],
    ),
    (
        "Fly tipping",
        ["+Tyres", "Done", "A car boot load", "Railway land", "No"],
        ["network-rail", "btp"],
    ),
    ("Graffiti", ["No", "Council property", "Smaller than an A4 sheet"], ["sadc-cleansing"]),
    ("Graffiti", ["No", "Railway bridge or station", "Smaller than an A4 sheet"], ["network-rail"]),
    (
        "Graffiti",
        ["Yes, racist", "Private property (home, shop, wall)", "Up to the size of a door"],
        ["sadc-cleansing", "herts-police-hate"],
    ),
    (
        "Hate incident",
        ["+Physical attack", "Done", "+Race or ethnicity", "Done", "I am the victim", "No"],
        ["herts-police-hate"],
    ),
    ("Anti-social behaviour", ["+Noise", "Done", "It happened once"], ["sadc-envhealth"]),
    (
        "Anti-social behaviour",
        ["+Drug use or dealing", "+Rowdy or nuisance behaviour", "Done", "It happened once"],
        ["herts-police-snt", "sadc-asb"],
    ),
    (
        "Rogue traders and bogus callers",
        ["+Work done badly or overcharged", "Done", "No", "Me"],
        ["herts-trading-standards"],
    ),
    (
        "Drug dealing",
        ["+Dealing in the street", "Done", "Yes, the first time", "Skip"],
        ["herts-police-snt"],
    ),
]


@pytest.mark.parametrize(("category", "answers", "agencies"), ROUTES)
async def test_default_route(
    client: EmulatorClient,
    config_path: Path,
    resident: int,
    category: str,
    answers: list[str],
    agencies: list[str],
) -> None:
    """The report's card arrives in each routed agency's chat, once, and in no other."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, category, answers)
        await sam.pin(*HARPENDEN, until="When did it happen")
        await sam.tap("Now or just now", until="Describe")
        await sam.tap("Skip", until="Photos help")
        await sam.tap("No photos", until="keep you updated")
        await sam.tap("Report anonymously", until="Please check your report")
        done = await sam.tap("Submit report", until="Your reference")
        ref = done["text"].split("Your reference: ")[1].split(" ")[0]
        for agency in agencies:
            await client.wait_for_message(
                CHATS[agency], predicate=lambda m: ref in (m.get("text") or "")
            )
    for agency, chat in CHATS.items():
        cards = [m for m in await client.bot_messages(chat) if ref in (m.get("text") or "")]
        assert len(cards) == (1 if agency in agencies else 0), agency
