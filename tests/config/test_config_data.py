"""Configuration data (a dict as tomllib reads a file) is validated exactly as the file is."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import ConfigError, config_from_data, default_config_data, parse_config

BROKEN = """
[partnership]
name = 1
timezon = "Europe/London"

[telegram]
api_url = "ftp://example.org"

[[agencies]]
id = "Waste Team"
name = "Waste"
chat_id = "not a number"
"""


def test_data_reports_the_same_problems_as_the_text() -> None:
    """Every problem of a broken file is reported for its data too, in the same words."""
    with pytest.raises(ConfigError) as from_text:
        parse_config(BROKEN, base_dir=Path("."))
    with pytest.raises(ConfigError) as from_data:
        config_from_data(tomllib.loads(BROKEN), base_dir=Path("."))
    assert [str(p) for p in from_data.value.problems] == [str(p) for p in from_text.value.problems]
    assert from_data.value.problems


def test_default_data_is_a_fresh_copy_resolved_against_the_folder_given() -> None:
    """Changing the default's data changes nothing for the next caller; relative paths resolve
    against base_dir."""
    data = default_config_data()
    data["storage"]["database"] = "elsewhere.sqlite3"
    assert default_config_data()["storage"]["database"] == "safetybot.sqlite3"
    config = config_from_data(default_config_data(), base_dir=Path("/srv"))
    assert config.storage.database == Path("/srv/safetybot.sqlite3")
