"""Configurations built as data: the shipped default read with tomllib, its tables changed by
key, then validated directly or written with a TOML writer for a bot to read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from bot.config import Config, Geography, config_from_data, default_config_data

BOUNDARY_FILES = ("district_boundary", "wards_boundary", "neighbours_boundary")
"""The [geography] keys naming boundary files; without them the bot approximates."""


def default_config() -> Config:
    """The St Albans default, validated, with relative paths against the current folder."""
    return config_from_data(default_config_data(), base_dir=Path("."))


def without_boundaries(data: dict[str, Any]) -> dict[str, Any]:
    """Configuration data with its boundary files switched off (changed in place, and
    returned): the bot then approximates from its gazetteer, as for a partnership that names
    no boundary files."""
    for key in BOUNDARY_FILES:
        data["geography"].pop(key, None)
    return data


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
