"""Fixtures: the emulator, its client, the people and chats of the St Albans default."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import default_config_text, parse_config
from bot.emulator import EmulatorClient, EmulatorServer

from .harness import ADMINS_CHAT, TOKEN, write_config


@pytest.fixture
async def client(server: EmulatorServer) -> AsyncIterator[EmulatorClient]:
    """A client of the emulator, with the bot registered and the admins' group created."""
    async with EmulatorClient(server.url) as emulator_client:
        bot = await emulator_client.register_bot(TOKEN, username="stalbans_safety_bot")
        admin = await emulator_client.create_user("Priya", user_id=900001)
        await emulator_client.create_group(
            "CSP admins", members=[admin], bots=[int(bot["id"])], chat_id=ADMINS_CHAT
        )
        defaults = parse_config(default_config_text(), base_dir=Path("."))
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
