"""The St Albans default decides in-or-out exactly from the boundaries it ships: through the real
bot, a pin just over each border is refused naming that council, one just inside is taken, and
the officers see the ward as it is today."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from tests.support.border import Crossing, border_crossings
from tests.support.configs import default_config
from tests.support.flows import WASTE_CHAT, finish, to_location
from tests.support.harness import load, running_bot, write_config
from tests.support.residents import Resident
from tests.support.stored import stored_reports

OUTSIDE_M = 450.0
INSIDE_M = 300.0
# Sandridge village: its own ward until 2022, part of Sandridge & Wheathampstead since.
SANDRIDGE = (51.7810, -0.3040)
NEIGHBOURS = {
    "Welwyn Hatfield": "Welwyn Hatfield Borough Council",
    "Dacorum": "Dacorum Borough Council",
    "Hertsmere": "Hertsmere Borough Council",
    "Central Bedfordshire": "Central Bedfordshire Council",
}


@pytest.fixture(scope="module")
def crossings() -> dict[str, Crossing]:
    """Each neighbour's crossing of the border, from the boundary files the default names."""
    return border_crossings(default_config().geography, OUTSIDE_M, INSIDE_M)


@pytest.mark.parametrize("neighbour", sorted(NEIGHBOURS))
async def test_a_pin_over_the_border_names_that_council_and_one_inside_is_taken(
    client: EmulatorClient,
    config_path: Path,
    resident: int,
    crossings: dict[str, Crossing],
    neighbour: str,
) -> None:
    """Graffiti 450 m into the neighbour is refused with its council named and nothing stored;
    300 m inside the district, across the same stretch of border, the report carries on."""
    crossing = crossings[neighbour]
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
        refused = await sam.pin(*crossing.outside)
        accepted = await sam.pin(*crossing.inside, until="When did it happen")
    assert "outside our area" in refused["text"]
    assert NEIGHBOURS[neighbour] in refused["text"]
    assert "When did it happen" in accepted["text"]
    assert await stored_reports(config_path) == []


async def test_the_officers_card_shows_the_current_ward(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Fly tipping in Sandridge reaches the waste team with the ward it is in today, and the
    report is stored with it."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(
            sam, "Fly tipping", ["+Tyres", "Done", "A car boot load", "Park or open space", "No"]
        )
        await sam.pin(*SANDRIDGE, until="When did it happen")
        ref = await finish(sam)
        card = await client.wait_for_message(
            WASTE_CHAT, predicate=lambda m: ref in (m.get("text") or "")
        )
    assert "Sandridge & Wheathampstead" in card["text"]
    stored = await stored_reports(config_path)
    assert [(r.ref, r.ward, r.outside_district) for r in stored] == [
        (ref, "Sandridge & Wheathampstead", 0)
    ]


async def test_with_the_boundaries_switched_off_the_approximation_takes_it_to_confirm(
    client: EmulatorClient,
    server_url_folder: tuple[str, Path],
    resident: int,
    crossings: dict[str, Crossing],
) -> None:
    """A partnership without boundary files gets the approximation: the same pin 450 m into
    Dacorum is not refused (the approximation cannot be sure), but taken near the edge and
    marked for the agency to confirm, on its card too."""
    url, folder = server_url_folder
    config_path = write_config(folder, url, approximate=True)
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(
            sam, "Fly tipping", ["+Tyres", "Done", "A car boot load", "Park or open space", "No"]
        )
        taken = await sam.pin(*crossings["Dacorum"].outside, until="near the edge of our area")
        ref = await finish(sam)
        card = await client.wait_for_message(
            WASTE_CHAT, predicate=lambda m: ref in (m.get("text") or "")
        )
    assert "Location:" in taken["text"]
    assert "please confirm it is ours" in card["text"]
    stored = await stored_reports(config_path)
    assert [(r.ref, r.ward, r.needs_location_check) for r in stored] == [(ref, None, 1)]
