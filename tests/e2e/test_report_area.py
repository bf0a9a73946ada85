"""A submitted report is stored with its area, through the real bot and emulator: from the
shipped wards by default, and from the gazetteer's places with the boundary files off; and the
reports of an older database get theirs when the bot starts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from tests.support.flows import HARPENDEN, finish, to_location
from tests.support.harness import load, running_bot, write_config
from tests.support.residents import Resident
from tests.support.stored import stored_reports

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MANIFEST = json.loads((FIXTURES / "pre_house_plan.json").read_text())


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


async def test_the_bot_gives_reports_stored_before_the_areas_their_area_when_it_starts(
    server_url_folder: tuple[str, Path],
) -> None:
    """The database of the pre-house-plan fixture holds three reports in the city centre with
    no area; once the bot has started, each has the city's."""
    url, folder = server_url_folder
    config_path = write_config(folder, url)
    database = load(config_path).storage.database
    shutil.copyfile(FIXTURES / MANIFEST["database"], database)
    shutil.copyfile(FIXTURES / MANIFEST["key_file"], database.with_name(database.name + ".key"))
    async with running_bot(load(config_path)):
        pass
    stored = await stored_reports(config_path)
    assert [r.area_id for r in stored] == ["st-albans-city"] * 3
