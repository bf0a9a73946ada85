"""The link a poster carries: what Telegram's start parameter allows, and usernames."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, config_from_data, default_config_data
from bot.posters.links import (
    START_PARAMETER,
    LinkError,
    bot_username,
    report_link,
    start_parameter,
)
from tests.support.configs import default_config


def test_the_link_without_a_category_asks_which() -> None:
    """Without a category the link starts a report that asks for the category."""
    link = report_link("stalbans_safety_bot")
    assert link.url == "https://t.me/stalbans_safety_bot?start=report"
    assert link.in_words == "t.me/stalbans_safety_bot?start=report"


def test_a_categorys_link_names_it() -> None:
    """A category's link carries report_<id>, as the report conversation's entry reads it."""
    category = default_config().category("hate-incident")
    link = report_link("@stalbans_safety_bot", category)
    assert link.url == "https://t.me/stalbans_safety_bot?start=report_hate-incident"


@pytest.mark.parametrize(
    "given", ["", "@", "bot", "safety bot", "safety.bot", "9safety_bot", "x" * 33, "t.me/abc_bot"]
)
def test_a_name_that_is_no_telegram_username_is_refused(given: str) -> None:
    """A username goes into a link: anything Telegram would not accept is refused by name."""
    with pytest.raises(LinkError, match="is not a Telegram username"):
        bot_username(given)


@pytest.mark.parametrize("category_id", ["fly tipping", "Graffiti!", "asb/noise", "x" * 58, "é"])
def test_a_category_id_that_cannot_go_in_a_start_parameter_is_refused(category_id: str) -> None:
    """Telegram allows A-Z a-z 0-9 _ - and 64 characters: the poster refuses anything else."""
    with pytest.raises(LinkError, match="cannot go in a Telegram link"):
        start_parameter(category_id)


def _with_category(category_id: str) -> dict[str, Any]:
    """The default config as data with one more category, without questions."""
    data = default_config_data()
    data["categories"].append(
        {"id": category_id, "name": "Test", "description": "A test.", "agencies": ["sadc-waste"]}
    )
    return data


@pytest.mark.parametrize("category_id", ["fly tipping", "Graffiti!", "asb.noise", "x" * 33])
def test_check_config_refuses_category_ids_no_link_could_carry(category_id: str) -> None:
    """The config's own rule for ids keeps every category inside a start parameter: such ids
    are refused at check-config, naming the key."""
    data = _with_category(category_id)
    with pytest.raises(ConfigError) as refused:
        config_from_data(data, base_dir=Path("."))
    index = len(data["categories"]) - 1
    assert f'categories[{index}] (id "{category_id}").id: expected an id' in str(refused.value)


def test_the_longest_id_the_config_takes_fits_a_link() -> None:
    """A 32-character id (the config's longest) gives a start parameter Telegram accepts."""
    config = config_from_data(_with_category("g" * 32), base_dir=Path("."))
    link = report_link("stalbans_safety_bot", config.category("g" * 32))
    assert link.start == "report_" + "g" * 32
    assert START_PARAMETER.fullmatch(link.start)
