"""The St Albans routing rules, as plain parametrised tests."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, config_from_data, default_config_data
from bot.config.questions import Answer
from bot.routing.rules import route

CONFIG = config_from_data(default_config_data(), base_dir=Path("."))
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("category", "answers", "agencies", "priority"),
    [
        ("fly-tipping", {"land": "road", "waste": ["garden"]}, ("sadc-waste",), "normal"),
        ("fly-tipping", {"land": "railway", "waste": ["tyres"]}, ("network-rail", "btp"), "normal"),
        ("fly-tipping", {"land": "park", "waste": ["hazardous"]}, ("sadc-waste",), "urgent"),
        ("graffiti", {"offensive": "no", "property": "council"}, ("sadc-cleansing",), "normal"),
        (
            "graffiti",
            {"offensive": "racist", "property": "private"},
            ("sadc-cleansing", "herts-police-hate"),
            "urgent",
        ),
        ("graffiti", {"offensive": "no", "property": "railway"}, ("network-rail",), "normal"),
        ("hate-incident", {"what": ["verbal"]}, ("herts-police-hate",), "high"),
        ("asb", {"kind": ["noise"]}, ("sadc-envhealth",), "normal"),
        ("asb", {"kind": ["drugs", "rowdy"]}, ("herts-police-snt", "sadc-asb"), "normal"),
        ("asb", {"kind": ["vandalism"]}, ("sadc-asb",), "normal"),
        ("rogue-traders", {"still-there": "no"}, ("herts-trading-standards",), "normal"),
        ("drug-dealing", {"seen": ["street"]}, ("herts-police-snt",), "normal"),
    ],
)
def test_default_routes(
    category: str, answers: dict[str, Answer], agencies: tuple[str, ...], priority: str
) -> None:
    """Each kind of report reaches the agencies the partnership's plan gives it."""
    found = CONFIG.category(category)
    assert found is not None
    routing = route(CONFIG, found, answers, None, NOW)
    assert routing.agencies == agencies
    assert routing.priority == priority


def test_offensive_graffiti_is_to_be_removed_within_a_day() -> None:
    """Offensive graffiti tightens the resolve target to 24 hours."""
    graffiti = CONFIG.category("graffiti")
    assert graffiti is not None
    offensive = route(CONFIG, graffiti, {"offensive": "racist"}, None, NOW)
    plain = route(CONFIG, graffiti, {"offensive": "no"}, None, NOW)
    assert offensive.resolve_by == NOW + timedelta(hours=24)
    assert plain.resolve_by == NOW + timedelta(days=graffiti.resolve_within_days)
    assert offensive.acknowledge_by == NOW + timedelta(hours=graffiti.acknowledge_within_hours)


def test_routes_are_validated() -> None:
    """A rule naming an unknown category, agency, question or option is reported."""
    data = default_config_data()
    data["routes"] += tomllib.loads(
        '\n[[routes]]\ncategory = "litter"\nagencies = ["nobody"]\n'
        '\n[[routes]]\ncategory = "asb"\nagencies = ["sadc-asb"]\nwhen = { kind = ["loud"], '
        'colour = ["red"] }\n'
    )["routes"]
    with pytest.raises(ConfigError) as caught:
        config_from_data(data, base_dir=Path("."))
    problems = [str(p) for p in caught.value.problems]
    assert any('category: no category has id "litter"' in p for p in problems)
    assert any('agencies[0]: no agency has id "nobody"' in p for p in problems)
    assert any('when.kind: question "kind" has no option "loud"' in p for p in problems)
    assert any("when.colour: names no question of its category" in p for p in problems)
