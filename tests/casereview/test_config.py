"""The [case_review] table: the shipped St Albans default is the national threshold with the
hate rule off, and each mistake in the table is named by its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, config_from_data, config_warnings, default_config_data


def _problems(**table: Any) -> list[str]:
    """The problems of the default with these [case_review] settings changed."""
    data = default_config_data()
    data["case_review"].update(table)
    with pytest.raises(ConfigError) as raised:
        config_from_data(data, base_dir=Path("."))
    return [str(problem) for problem in raised.value.problems]


def test_the_default_is_the_national_threshold_with_the_hate_rule_off() -> None:
    """Three ASB reports in 183 days, each within 31 days of the incident; no hate rule; how
    to ask names the council's ASB team."""
    rule = config_from_data(default_config_data(), base_dir=Path(".")).case_review
    assert (rule.enabled, rule.count, rule.window_days, rule.report_within_days) == (
        True,
        3,
        183,
        31,
    )
    assert rule.categories == ("asb",)
    assert not rule.hate_rule
    assert "asb@stalbans.gov.uk" in rule.how_to


def test_a_count_below_one_is_named() -> None:
    """``count = 0`` would tell every resident at once: refused, by its key."""
    assert any(p.startswith("case_review.count") for p in _problems(count=0))


def test_a_category_that_is_not_configured_is_named() -> None:
    """A counted category or hate category must be one of the configured categories."""
    problems = _problems(categories=["asb", "noise"], hate_categories=["hate"])
    assert any(p.startswith("case_review.categories[1]") and '"noise"' in p for p in problems)
    assert any(p.startswith("case_review.hate_categories[0]") for p in problems)


def test_an_unknown_key_and_empty_how_to_are_named() -> None:
    """A misspelt key and an empty how-to text are both reported, each by its key."""
    problems = _problems(treshold=3, how_to="")
    assert any("treshold" in p for p in problems)
    assert any(p.startswith("case_review.how_to") for p in problems)


def test_check_config_warns_when_no_counted_category_is_configured() -> None:
    """A partnership without an "asb" category and no [case_review] table is warned that
    nobody would be told; the St Albans default is not."""
    data = default_config_data()
    assert not any(
        "case_review" in w for w in config_warnings(config_from_data(data, base_dir=Path(".")))
    )
    del data["case_review"]
    data["categories"] = [c for c in data["categories"] if c["id"] != "asb"]
    data["routes"] = [r for r in data.get("routes", []) if r.get("category") != "asb"]
    warned = config_warnings(config_from_data(data, base_dir=Path(".")))
    assert any(w.startswith("case_review:") for w in warned)
