"""The [clusters] table: a mistake in it is named by its key, and the watched categories must
be configured ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, config_from_data, default_config_data


def _problems(**table: Any) -> list[str]:
    """The problems of the default with these [clusters] settings changed."""
    data = default_config_data()
    data["clusters"].update(table)
    with pytest.raises(ConfigError) as raised:
        config_from_data(data, base_dir=Path("."))
    return [str(problem) for problem in raised.value.problems]


def test_a_watched_category_that_is_not_configured_is_named() -> None:
    """A typo in the watched categories is named by its place in the list, with the ids known."""
    problems = _problems(categories=["fly-tipping", "fly-tiping"])
    assert len(problems) == 1
    assert problems[0].startswith("clusters.categories[1]")
    assert '"fly-tiping"' in problems[0]
    assert "fly-tipping" in problems[0]


def test_a_watched_list_of_configured_categories_is_taken() -> None:
    """Configured ids are taken as they are written."""
    data = default_config_data()
    data["clusters"]["categories"] = ["fly-tipping", "asb"]
    config = config_from_data(data, base_dir=Path("."))
    assert config.clusters.categories == ("fly-tipping", "asb")


def test_baseline_longer_than_history_is_refused() -> None:
    """The district's rate cannot be used for longer than the history a place is judged on."""
    assert any(
        p.startswith("clusters") and "baseline_weeks" in p
        for p in _problems(baseline_weeks=60, history_weeks=52)
    )
