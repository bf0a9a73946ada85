"""Configurations built as data: the shipped default read with tomllib, its tables changed by
key, then validated directly or written with a TOML writer for a bot to read."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from bot.config import Config, Geography, config_from_data, default_config_data
from bot.geo import Locator
from bot.geo.areas import AreaMap

BOUNDARY_FILES = ("district_boundary", "wards_boundary", "neighbours_boundary")
"""The [geography] keys naming boundary files; without them the bot approximates."""


def default_config() -> Config:
    """The St Albans default, validated, with relative paths against the current folder."""
    return config_from_data(default_config_data(), base_dir=Path("."))


def without_boundaries(data: dict[str, Any]) -> dict[str, Any]:
    """Configuration data with its boundary files switched off (changed in place, and
    returned): the bot then approximates from its gazetteer, as for a partnership that names
    no boundary files, and its areas are made of places (see :func:`areas_by_places`)."""
    for key in BOUNDARY_FILES:
        data["geography"].pop(key, None)
    return areas_by_places(data)


def areas_by_places(data: dict[str, Any]) -> dict[str, Any]:
    """Configuration data whose default ward-made areas are given instead by the gazetteer
    places inside them (changed in place, and returned): what a partnership without a wards
    file, or with another vintage of wards, would configure."""
    places = default_areas_places()
    for area in data.get("areas", []):
        if "wards" in area:
            del area["wards"]
            area["places"] = list(places[area["id"]])
    return data


@functools.cache
def default_areas_places() -> dict[str, tuple[str, ...]]:
    """The gazetteer places in each of the default's areas, placed on the shipped wards."""
    config = default_config()
    return AreaMap.from_config(config.areas, Locator.from_config(config.geography)).places_in()


def approximating(geography: Geography) -> Geography:
    """The geography with its boundary files switched off."""
    return geography.model_copy(update=dict.fromkeys(BOUNDARY_FILES))


def agency_data(data: Mapping[str, Any], agency_id: str) -> dict[str, Any]:
    """The [[agencies]] table with this id, to change in place."""
    found: list[dict[str, Any]] = [a for a in data["agencies"] if a["id"] == agency_id]
    assert len(found) == 1, agency_id
    return found[0]


def category_data(data: Mapping[str, Any], category_id: str) -> dict[str, Any]:
    """The [[categories]] table with this id, to change in place."""
    found: list[dict[str, Any]] = [c for c in data["categories"] if c["id"] == category_id]
    assert len(found) == 1, category_id
    return found[0]


def option_data(category: Mapping[str, Any], question_id: str, option_id: str) -> dict[str, Any]:
    """One option of one of a category's questions, to change in place."""
    found: list[dict[str, Any]] = [
        option
        for question in category["questions"]
        if question["id"] == question_id
        for option in question.get("options", [])
        if option["id"] == option_id
    ]
    assert len(found) == 1, (question_id, option_id)
    return found[0]


def write_config_data(folder: Path, data: Mapping[str, Any]) -> Path:
    """Write configuration data as the folder's config.toml, for a bot to read."""
    path = folder / "config.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path
