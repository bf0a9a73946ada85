"""Fixtures: a local SMTP server, a local webhook receiver and a real SQLite outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database
from storage.outbox import OutboxRepository
from tests.e2e.conftest import client, resident, server  # the emulator, for the end-to-end test

from .support import MailBox, Receiver, smtp_server, webhook_receiver

__all__ = ["client", "outbox", "receiver", "resident", "server", "smtp"]


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[MailBox, int]]:
    """A local SMTP server: what it received, and its port."""
    async with smtp_server() as running:
        yield running


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A local webhook receiver."""
    async with webhook_receiver() as running:
        yield running


@pytest.fixture
async def outbox(tmp_path: Path) -> AsyncIterator[OutboxRepository]:
    """The outbox of a real SQLite file."""
    database = await Database.open(tmp_path / "safetybot.sqlite3")
    try:
        yield OutboxRepository(database)
    finally:
        await database.close()
