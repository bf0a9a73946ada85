"""Fixtures for the reminders: a real SQLite file, the default configuration, a hand-moved clock,
and the counted wake-up of the outbox."""

from __future__ import annotations

import pytest

from bot.config import Config
from tests.support.clocks import ManualClock, Wakes
from tests.support.configs import default_config


@pytest.fixture
def config() -> Config:
    """The St Albans default configuration."""
    return default_config()


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves by hand."""
    return ManualClock()


@pytest.fixture
def wakes() -> Wakes:
    """The outbox's wake-up, counted."""
    return Wakes()
