"""Fixtures for the dispatcher: a real SQLite file, the emulated Bot API and a bot talking to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest
from telegram import Bot

from bot.emulator import EmulatorClient, EmulatorServer
from bot.outbox.dispatcher import Dispatcher, Fallback
from bot.outbox.telegram.sender import TelegramSender
from bot.telegram.request import AiohttpRequest
from storage.outbox import OutboxRepository
from storage.timestamps import utc_now
from tests.support.clocks import ManualClock
from tests.support.harness import TOKEN
from tests.support.settlements import FAST_BACKOFF, DispatcherFactory, Settlements


@pytest.fixture
async def client(server: EmulatorServer) -> AsyncIterator[EmulatorClient]:
    """A client of the emulator with the bot registered."""
    async with EmulatorClient(server.url) as emulator_client:
        await emulator_client.register_bot(TOKEN, username="stalbans_safety_bot")
        yield emulator_client


@pytest.fixture
async def bot(server: EmulatorServer, client: EmulatorClient) -> AsyncIterator[Bot]:
    """A PTB bot on the emulator, without a rate limiter, with short timeouts."""
    request = AiohttpRequest(read_timeout=0.3, write_timeout=0.1, connect_timeout=1.0)
    async with Bot(TOKEN, base_url=f"{server.url}/bot", request=request) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def settlements() -> Settlements:
    """What the dispatchers of a test report."""
    return Settlements()


@pytest.fixture
async def dispatcher_for(
    outbox: OutboxRepository, bot: Bot, settlements: Settlements
) -> AsyncIterator[DispatcherFactory]:
    """Make started dispatchers over the test's outbox and bot; stop them after the test."""
    made: list[Dispatcher] = []

    def make(
        *,
        fallback: Fallback | None = None,
        clock: Callable[[], datetime] | None = None,
        wakeup: asyncio.Event | None = None,
    ) -> Dispatcher:
        dispatcher = Dispatcher(
            outbox,
            TelegramSender(bot),
            fallback=fallback,
            clock=utc_now if clock is None else clock,
            backoff=FAST_BACKOFF,
            observer=settlements,
            wakeup=wakeup,
        )
        made.append(dispatcher)
        dispatcher.start()
        return dispatcher

    yield make
    for dispatcher in made:
        await dispatcher.stop()


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves by hand."""
    return ManualClock()
