"""Fixtures shared across the test packages: the emulated Bot API and a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import EmulatorServer
from storage.db import Database
from storage.outbox import OutboxRepository


@pytest.fixture
async def server() -> AsyncIterator[EmulatorServer]:
    """An emulated Bot API on a free port for one test."""
    async with EmulatorServer(port=0, webhook_backoff=0.02) as emulator:
        yield emulator


@pytest.fixture
def database_path(tmp_path: Path) -> Path:
    """Where the test's SQLite file lives."""
    return tmp_path / "safetybot.sqlite3"


@pytest.fixture
async def db(database_path: Path) -> AsyncIterator[Database]:
    """A real SQLite file with the schema applied, closed after the test."""
    database = await Database.open(database_path)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def outbox(db: Database) -> OutboxRepository:
    """The outbox of the test's SQLite file."""
    return OutboxRepository(db)
