"""The fixtures every test package may use, registered as a pytest plugin by tests/conftest.py:
the emulated Bot API and its client with the people and chats of the St Albans default, a
config pointed at it, a resident, and a real SQLite file with its outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import EmulatorClient, EmulatorServer
from storage.db import Database
from storage.outbox import OutboxRepository

from .configs import default_config
from .harness import ADMINS_CHAT, TOKEN, write_config


@pytest.fixture
async def server() -> AsyncIterator[EmulatorServer]:
    """An emulated Bot API on a free port for one test."""
    async with EmulatorServer(port=0, webhook_backoff=0.02) as emulator:
        yield emulator


@pytest.fixture
async def client(server: EmulatorServer) -> AsyncIterator[EmulatorClient]:
    """A client of the emulator, with the bot registered and the admins' group created."""
    async with EmulatorClient(server.url) as emulator_client:
        bot = await emulator_client.register_bot(TOKEN, username="stalbans_safety_bot")
        admin = await emulator_client.create_user("Priya", user_id=900001)
        await emulator_client.create_group(
            "CSP admins", members=[admin], bots=[int(bot["id"])], chat_id=ADMINS_CHAT
        )
        defaults = default_config()
        for agency in defaults.agencies:
            officers = [
                await emulator_client.create_user(f"Officer {o}", user_id=o)
                for o in agency.officers
            ]
            await emulator_client.create_group(
                agency.name,
                members=officers,
                bots=[int(bot["id"])],
                supergroup=True,
                chat_id=agency.chat_id,
            )
        yield emulator_client


@pytest.fixture
def config_path(tmp_path: Path, server: EmulatorServer) -> Path:
    """The default configuration pointed at the emulator, with its database in tmp_path."""
    return write_config(tmp_path, server.url)


@pytest.fixture
async def resident(client: EmulatorClient) -> int:
    """A resident who has not yet spoken to the bot."""
    return await client.create_user("Sam", username="sam_resident")


@pytest.fixture
def server_url_folder(server: EmulatorServer, tmp_path: Path) -> tuple[str, Path]:
    """The emulator's address and a folder for a test's own config."""
    return server.url, tmp_path


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
