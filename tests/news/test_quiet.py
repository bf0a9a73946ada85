"""Quiet hours: the partnership's default, a subscriber's own, none, and urgent alerts."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, config_from_data, default_config_data
from bot.news.quiet import OFF, QuietHours, hours_for, is_quiet


def _config(**news: object) -> Config:
    data = default_config_data()
    data["news"] = {**data.get("news", {}), **news}
    return config_from_data(data, base_dir=Path.cwd())


@pytest.mark.parametrize(
    ("hours", "moment", "quiet"),
    [
        ("21:00-07:00", time(23, 30), True),
        ("21:00-07:00", time(6, 59), True),
        ("21:00-07:00", time(7, 0), False),
        ("21:00-07:00", time(20, 59), False),
        ("21:00-07:00", time(21, 0), True),
        ("13:00-14:00", time(13, 30), True),
        ("13:00-14:00", time(14, 0), False),
    ],
)
def test_hours_over_and_within_a_day(hours: str, moment: time, quiet: bool) -> None:
    """Hours run from the start up to the end, over midnight when the end comes first."""
    assert QuietHours.parse(hours).contains(moment) is quiet


def test_london_time_decides_not_utc() -> None:
    """21:30 in London in summer is 20:30 UTC: quiet by London's clock."""
    config = _config()
    summer_evening = datetime(2026, 7, 1, 20, 30, tzinfo=UTC)
    winter_evening = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # 20:30 in London: not yet
    assert is_quiet(None, config, summer_evening)
    assert not is_quiet(None, config, winter_evening)


def test_a_subscriber_may_turn_them_off_or_choose_their_own() -> None:
    """'off' is never quiet; own hours replace the partnership's."""
    config = _config()
    night = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    lunch = datetime(2026, 12, 1, 13, 30, tzinfo=UTC)
    assert not is_quiet(OFF, config, night)
    assert is_quiet("13:00-14:00", config, lunch)
    assert not is_quiet("13:00-14:00", config, night)
    assert hours_for(OFF, config) is None


def test_urgent_alerts_ring_only_where_config_allows() -> None:
    """An urgent alert overrides quiet hours unless the partnership says it may not."""
    night = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert not is_quiet(None, _config(), night, urgent=True)
    assert is_quiet(None, _config(urgent_overrides_quiet_hours=False), night, urgent=True)


def test_no_default_hours_means_never_quiet_unless_chosen() -> None:
    """With no partnership hours only a subscriber's own hours make news silent."""
    config = _config(quiet_hours=None)
    night = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert not is_quiet(None, config, night)
    assert is_quiet("22:00-06:00", config, night)


def test_a_mistyped_quiet_hours_is_a_config_problem() -> None:
    """'9pm-7am' is refused with the expected form."""
    with pytest.raises(ConfigError, match="quiet_hours"):
        _config(quiet_hours="9pm-7am")
