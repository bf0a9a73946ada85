"""Fixtures: a real emulator on a free port, its client, and a raw Bot API HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.emulator import EmulatorClient, EmulatorServer

from .helpers import TOKEN, BotApi


@pytest.fixture
async def client(server: EmulatorServer) -> AsyncIterator[EmulatorClient]:
    """Return a client of the test's emulator, with the test bot registered."""
    async with EmulatorClient(server.url) as emulator_client:
        await emulator_client.register_bot(TOKEN, username="safety_test_bot")
        yield emulator_client


@pytest.fixture
async def http(server: EmulatorServer) -> AsyncIterator[httpx.AsyncClient]:
    """Return a raw HTTP client of the emulator."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30.0) as raw_client:
        yield raw_client


@pytest.fixture
def api(http: httpx.AsyncClient, client: EmulatorClient) -> BotApi:
    """Return the Bot API as the test bot sees it."""
    del client  # registers the bot
    return BotApi(http)


@pytest.fixture
async def alice(client: EmulatorClient) -> int:
    """Return a user who has started the test bot (so it may write to her)."""
    user = await client.create_user("Alice", username="alice")
    await client.send_command(user, "start")
    return user
