"""check-config refuses ids whose buttons would not fit Telegram's 64 bytes, naming the key."""

from __future__ import annotations

import tomllib
from typing import Any

from bot.config import default_config_text
from bot.config.checks import cross_check


def _default() -> dict[str, Any]:
    return tomllib.loads(default_config_text())


def _length_problems(raw: dict[str, Any]) -> list[str]:
    return [str(p) for p in cross_check(raw) if "too long for a button" in p.message]


def test_the_shipped_default_fits() -> None:
    """Every button of the St Albans default fits."""
    assert _length_problems(_default()) == []


def test_an_option_whose_button_is_too_long_is_named() -> None:
    """Category, question and option ids together over the limit: the option's key is named,
    with the size its button would need."""
    raw = _default()
    category = raw["categories"][0]
    category["id"] = "c" * 30
    question = category["questions"][0]
    question["id"] = "q" * 20
    for index, option in enumerate(question["options"]):
        option["id"] = f"o{index}"
    question["options"][1]["id"] = "o" * 6  # 7 + 30 + 1 + 20 + 1 + 6 = 65 bytes
    assert _length_problems(raw) == [
        f'categories[0] (id "{"c" * 30}").questions[0] (id "{"q" * 20}").options[1] '
        f"(id \"{'o' * 6}\").id: too long for a button: with its question's and category's "
        "ids, the option's button would need 65 bytes, and Telegram allows 64; shorten one "
        "of these ids"
    ]
    question["options"][1]["id"] = "o" * 5  # exactly 64 bytes
    assert _length_problems(raw) == []


def test_a_skippable_question_whose_button_is_too_long_is_named() -> None:
    """An optional text question has no options, but its Skip button carries two ids."""
    raw = _default()
    category = raw["categories"][0]
    category["id"] = "c" * 32
    category["questions"] = [{"id": "q" * 32, "text": "Anything else?", "kind": "text"}]
    category["questions"][0]["optional"] = True
    problems = _length_problems(raw)
    assert len(problems) == 1
    assert problems[0].startswith(
        f'categories[0] (id "{"c" * 32}").questions[0] (id "{"q" * 32}").id: too long for a '
        "button: with its category's id, its Skip or Done button would need 72 bytes"
    )


def test_agencies_whose_referral_button_is_too_long_are_named() -> None:
    """A referral button carries two agency ids: each agency too long together with the
    longest other one is named (here the trading standards' 23 characters with 22 are too),
    and the others are not."""
    raw = _default()
    raw["agencies"][0]["id"] = "a" * 22
    raw["agencies"][1]["id"] = "b" * 22
    problems = _length_problems(raw)
    assert [p.split(":")[0] for p in problems] == [
        f'agencies[0] (id "{"a" * 22}").id',
        f'agencies[1] (id "{"b" * 22}").id',
        'agencies[8] (id "herts-trading-standards").id',
    ]
    assert (
        'passing a report from it to "herts-trading-standards" would need 68 bytes' in problems[0]
    )


def test_a_topic_or_area_whose_news_button_is_too_long_is_named() -> None:
    """A topic's or an area's id that would not fit its /news button is named."""
    raw = _default()
    raw["topics"][1]["id"] = "t" * 58  # "v2:n:t:" and 58 bytes: 65
    raw["areas"][0]["id"] = "a" * 57  # "v2:n:a:" and 57 bytes: 64, which fits
    problems = _length_problems(raw)
    assert problems == [
        f'topics[1] (id "{"t" * 58}").id: too long for a button: its /news button would need '
        "65 bytes, and Telegram allows 64; shorten the id"
    ]
