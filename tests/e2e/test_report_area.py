"""A submitted report is stored with its area, through the real bot and emulator: from the
shipped wards by default, and from the gazetteer's places with the boundary files off."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from tests.support.flows import HARPENDEN, finish, to_location
from tests.support.harness import load, running_bot, write_config
from tests.support.residents import Resident
from tests.support.stored import stored_reports


@pytest.mark.parametrize("approximate", [False, True], ids=["wards", "places"])
async def test_a_report_in_harpenden_is_stored_in_the_harpenden_area(
    client: EmulatorClient,
    server_url_folder: tuple[str, Path],
    resident: int,
    approximate: bool,
) -> None:
    """A graffiti report pinned in Harpenden has the area "harpenden" in its stored row."""
    url, folder = server_url_folder
    config_path = write_config(folder, url, approximate=approximate)
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
        await sam.pin(*HARPENDEN, until="When did it happen")
        ref = await finish(sam)
    stored = await stored_reports(config_path)
    assert [(r.ref, r.area_id) for r in stored] == [(ref, "harpenden")]
