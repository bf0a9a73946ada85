"""The change in words and percent, periods and their comparisons, small-count suppression
and the response times' median and 90th percentile: plain values, computed by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.config import config_from_data, config_warnings, default_config_data
from bot.insight import Period, PeriodError, last_full_month
from bot.insight.change import Noun, change_percent, change_words
from bot.insight.periods import parse_compare, parse_period
from bot.insight.response import duration_words, timing
from bot.insight.suppress import Shown, line
from tests.insight.conftest import LONDON

CRIMES = Noun("crimes", "crime")


@pytest.mark.parametrize(
    ("before", "after", "words", "percent"),
    [
        (7215, 6872, "343 fewer crimes", "down 4.8%"),
        (349, 438, "89 more crimes", "up 25.5%"),
        (66, 65, "1 fewer crime", "down 1.5%"),
        (28, 30, "2 more crimes", "up 7.1%"),
        (10, 10, "no change", "no change"),
        (0, 0, "no change", "no change"),
        (0, 4, "4 more crimes", "new"),
        (3, 0, "3 fewer crimes", "down 100.0%"),
        (1000, 2250, "1,250 more crimes", "up 125.0%"),
    ],
)
def test_change_as_the_plan_writes_it(before: int, after: int, words: str, percent: str) -> None:
    """Words with "fewer" and the noun in number; percent to one place, "new" from zero."""
    assert change_words(before, after, CRIMES) == words
    assert change_percent(before, after) == percent


@pytest.mark.parametrize(
    ("first", "last", "previous", "year_before"),
    [
        # Whole months: the same number of whole months before.
        ("2026-03-01", "2026-03-31", ("2026-02-01", "2026-02-28"), ("2025-03-01", "2025-03-31")),
        ("2026-01-01", "2026-03-31", ("2025-10-01", "2025-12-31"), ("2025-01-01", "2025-03-31")),
        # Any other days: as many days just before.
        ("2026-03-10", "2026-03-16", ("2026-03-03", "2026-03-09"), ("2025-03-10", "2025-03-16")),
        ("2024-02-29", "2024-02-29", ("2024-02-28", "2024-02-28"), ("2023-02-28", "2023-02-28")),
    ],
)
def test_periods_compared(
    first: str, last: str, previous: tuple[str, str], year_before: tuple[str, str]
) -> None:
    """The period before, and the same period a year before."""
    period = parse_period(first, last)
    assert period.previous() == parse_period(*previous)
    assert period.year_before() == parse_period(*year_before)


def test_both_days_are_included_in_local_time() -> None:
    """March 2026 runs from midnight GMT on the 1st to midnight BST after the 31st."""
    start, end = Period(date(2026, 3, 1), date(2026, 3, 31)).bounds(LONDON)
    assert start == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    assert Period(date(2026, 3, 1), date(2026, 3, 31)).days == 31


def test_default_and_mistyped_periods() -> None:
    """The last full month before today's; dates and comparisons that cannot be read."""
    assert last_full_month(date(2026, 1, 15)) == Period(date(2025, 12, 1), date(2025, 12, 31))
    with pytest.raises(PeriodError, match="YYYY-MM-DD"):
        parse_period("1/3/2026", "2026-03-31")
    with pytest.raises(PeriodError, match="before it starts"):
        parse_period("2026-03-31", "2026-03-01")
    with pytest.raises(PeriodError, match="last-year"):
        parse_compare("lastyear")


def _texts(cells: list[Shown], total: Shown | None) -> list[str]:
    return [c.text(5) for c in cells] + ([total.text(5)] if total else [])


@pytest.mark.parametrize(
    ("counts", "sensitive", "expected"),
    [
        # One hidden: the next smallest above 0 (the first of equals) is withheld.
        (
            [40, 3, 0, 7, 7],
            [False, True, False, False, False],
            ["40", "fewer than 5", "0", "withheld", "7", "57"],
        ),
        # Two hidden: they can only be told apart as a sum; nothing more is withheld.
        (
            [40, 3, 2, 7],
            [False, True, True, False],
            ["40", "fewer than 5", "fewer than 5", "7", "52"],
        ),
        # Zero and counts at the threshold are shown.
        ([40, 0, 5], [False, True, True], ["40", "0", "5", "45"]),
        # Nothing else above zero to withhold: the total is withheld.
        ([0, 4], [False, True], ["0", "fewer than 5", "withheld"]),
        # Every part sensitive: the total is a sensitive count itself.
        ([1, 2], [True, True], ["fewer than 5", "fewer than 5", "fewer than 5"]),
    ],
)
def test_secondary_suppression(
    counts: list[int], sensitive: list[bool], expected: list[str]
) -> None:
    """The module's rule, cell by cell."""
    cells, total = line(counts, sensitive, sum(counts), threshold=5, suppress=True)
    assert _texts(cells, total) == expected


def test_nothing_is_hidden_from_the_handling_agency() -> None:
    """Without suppression every count is shown."""
    cells, total = line([40, 3], [False, True], 43, threshold=5, suppress=False)
    assert _texts(cells, total) == ["40", "3", "43"]


def test_median_and_90th_percentile_from_counts_of_minutes() -> None:
    """Times 10, 20, 20, 30 (even: the mean of the middle two) and a long tail."""
    even = timing([(30, 1), (10, 1), (20, 2)], judged=4, within=3)
    assert (even.done, even.median_minutes, even.p90_minutes) == (4, 20, 30)
    assert even.share_within == 0.75
    tail = timing([(5, 9), (600, 1)], judged=0, within=0)
    assert (tail.median_minutes, tail.p90_minutes, tail.share_within) == (5, 5, None)
    assert timing([(5, 8), (600, 2)], judged=0, within=0).p90_minutes == 600
    assert timing([], judged=0, within=0).median_minutes is None


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (None, "none"),
        (45, "45 min"),
        (60, "1 h"),
        (200, "3 h 20 min"),
        (2880, "2 d"),
        (3120, "2 d 4 h"),
    ],
)
def test_durations_in_words(minutes: float | None, words: str) -> None:
    """Times as people say them."""
    assert duration_words(minutes) == words


def test_check_config_warns_of_insight_questions_nobody_asks() -> None:
    """The shipped config asks both questions; a config that names another is warned."""
    data = default_config_data()
    assert not [
        w for w in config_warnings(config_from_data(data, base_dir=Path("."))) if "insight" in w
    ]
    data["insight"] = {"motivation_question": "why"}
    (warning,) = [
        w for w in config_warnings(config_from_data(data, base_dir=Path("."))) if "insight" in w
    ]
    assert "motivation_question = 'why'" in warning
