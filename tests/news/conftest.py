"""What the broadcast tests share: the bot's config from the harness's file, its database
opened as the command line opens it, a clock moved by hand, and the service over them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.news.broadcasts import BroadcastService
from storage.db import Database
from tests.support.clocks import ManualClock
from tests.support.harness import load
from tests.support.news import open_db


@pytest.fixture
def config(config_path: Path) -> Config:
    return load(config_path)


@pytest.fixture
async def cli_db(config: Config) -> AsyncIterator[Database]:
    """The bot's database, opened as the command line opens it."""
    db = await open_db(config)
    yield db
    await db.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()  # Wednesday 1 May 2024, 10:00 in London: not quiet hours


@pytest.fixture
def service(config: Config, cli_db: Database, clock: ManualClock) -> BroadcastService:
    return BroadcastService(config, cli_db, clock=clock)
