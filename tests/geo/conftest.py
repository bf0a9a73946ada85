"""Fixtures for the geography tests: configs, locators and the reference data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Geography, default_config_text, parse_config
from bot.geo import Locator
from tests.geo.reference import DISTRICT_FILE, NEIGHBOURS_FILE, WARDS_FILE, geo_dir
from tests.support.configs import approximating


@pytest.fixture(scope="session")
def geography(tmp_path_factory: pytest.TempPathFactory) -> Geography:
    """The shipped default geography, with the boundary files it ships."""
    base = tmp_path_factory.mktemp("config")
    return parse_config(default_config_text(), base_dir=base).geography


@pytest.fixture(scope="session")
def approximate_geography(geography: Geography) -> Geography:
    """The shipped default geography with its boundary files switched off."""
    return approximating(geography)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """The reference boundary data, or skip when it is absent."""
    folder = geo_dir()
    if not (folder / DISTRICT_FILE).is_file():
        pytest.skip(f"reference geography not found in {folder} (set SAFETYBOT_GEO_DIR)")
    return folder


@pytest.fixture(scope="session")
def default_locator(geography: Geography) -> Locator:
    """A locator of the shipped default: the boundary files it ships decide."""
    return Locator.from_config(geography)


@pytest.fixture(scope="session")
def approximate_locator(approximate_geography: Geography) -> Locator:
    """A locator approximating from the shipped gazetteer, boundary files switched off."""
    return Locator.from_config(approximate_geography)


@pytest.fixture(scope="session")
def exact_locator(approximate_geography: Geography, reference_dir: Path) -> Locator:
    """A locator with the reference district, wards (2013) and neighbours files."""
    return Locator.from_config(
        approximate_geography.model_copy(
            update={
                "district_boundary": reference_dir / DISTRICT_FILE,
                "wards_boundary": reference_dir / WARDS_FILE,
                "ward_name_property": "WD13NM",
                "neighbours_boundary": reference_dir / NEIGHBOURS_FILE,
            }
        )
    )
