"""Fixtures for the reminders: a real SQLite file, the default configuration, a hand-moved clock,
and the counted wake-up of the outbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Config, default_config_text, parse_config
from tests.support.clocks import ManualClock

__all__ = ["Wakes"]


class Wakes:
    """Counts the calls of the ``wake`` callable the service is given."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def config() -> Config:
    """The St Albans default configuration."""
    return parse_config(default_config_text(), base_dir=Path("."))


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves by hand."""
    return ManualClock()


@pytest.fixture
def wakes() -> Wakes:
    """The outbox's wake-up, counted."""
    return Wakes()
