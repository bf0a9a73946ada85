"""The link printed on a poster, read back from its QR code, starts the report it promises
when a resident opens it: Telegram sends the bot `/start <parameter>`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.emulator import EmulatorClient
from bot.emulator.client import buttons
from bot.posters.content import poster_for
from bot.posters.layout import render
from bot.posters.links import report_link
from tests.posters.reading import qr_links
from tests.support.harness import load, running_bot
from tests.support.residents import Resident


def _start_parameter_on_poster(config_path: Path, category_id: str | None) -> str:
    """Make the poster, scan its code, and take the start parameter out of the link."""
    config = load(config_path)
    category = None if category_id is None else config.category(category_id)
    png = render(poster_for(config, report_link("stalbans_safety_bot", category), category), "png")
    [link] = qr_links(png)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "t.me", "/stalbans_safety_bot")
    [parameter] = parse_qs(parts.query)["start"]
    return parameter


@pytest.mark.parametrize(
    ("category_id", "first_question"),
    [
        ("fly-tipping", "What has been dumped?"),
        ("hate-incident", None),
        ("asb", None),
    ],
)
async def test_a_categorys_poster_starts_that_categorys_report(
    client: EmulatorClient,
    config_path: Path,
    resident: int,
    category_id: str,
    first_question: str | None,
) -> None:
    """After the danger question the resident is in the poster's category, not asked which."""
    config = load(config_path)
    category = config.category(category_id)
    assert category is not None
    expected = first_question or category.questions[0].text
    parameter = _start_parameter_on_poster(config_path, category_id)
    sam = Resident(client, resident)
    async with running_bot(config):
        await sam.say(f"/start {parameter}", until="is anyone in danger")
        await sam.tap("No, nobody is in danger", until=expected)
        said = [m.get("text") or "" for m in await client.bot_messages(resident)]
    assert not [text for text in said if "What would you like to report?" in text]


async def test_the_poster_for_every_category_asks_which(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The general poster's link starts a report that asks for the category."""
    parameter = _start_parameter_on_poster(config_path, None)
    assert parameter == "report"
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await sam.say(f"/start {parameter}", until="is anyone in danger")
        asked = await sam.tap("No, nobody is in danger", until="What would you like to report?")
    offered = buttons(asked)
    for category in load(config_path).categories:
        assert category.name in offered
