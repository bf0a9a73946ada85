"""Fixtures for the dispatcher: a real SQLite file, the emulated Bot API, and the production
rate-limited bot talking to it over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest
from telegram.ext import ExtBot

from bot.config import Limits
from bot.emulator import EmulatorClient, EmulatorServer
from bot.outbox.dispatcher import Dispatcher, Fallback
from bot.outbox.telegram.limiter import RateLimiter, Retries
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
def limits() -> Limits:
    """The bot's flood limits: Telegram's published ones, as the shipped config has them."""
    return Limits()


@pytest.fixture
def limiter(limits: Limits) -> RateLimiter:
    """The rate limiter, built as the running bot builds it."""
    return RateLimiter(limits)


@pytest.fixture
async def bot(
    server: EmulatorServer, client: EmulatorClient, limiter: RateLimiter
) -> AsyncIterator[ExtBot[Retries]]:
    """The bot as the Application has it (PTB's ExtBot with the production rate limiter), on
    the emulator, with short timeouts."""
    request = AiohttpRequest(read_timeout=0.3, write_timeout=0.1, connect_timeout=1.0)
    base_url = f"{server.url}/bot"
    async with ExtBot(TOKEN, base_url=base_url, request=request, rate_limiter=limiter) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def settlements() -> Settlements:
    """What the dispatchers of a test report."""
    return Settlements()


@pytest.fixture
async def dispatcher_for(
    outbox: OutboxRepository, bot: ExtBot[Retries], settlements: Settlements
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
