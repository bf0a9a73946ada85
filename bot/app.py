"""The Application: built in one place, with its handlers added in one visible order.

Handlers reach the configuration, the database and the services through
``context.services`` (typed), never through string keys in ``bot_data``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackContext,
    ContextTypes,
    ExtBot,
    JobQueue,
    PersistenceInput,
)

from bot.config import Config
from bot.geo import Geocoder, Locator
from bot.http import AiohttpRequest
from bot.keyring import key_path, load_or_create_key
from bot.officers import OfficerService
from bot.reporting.service import ReportService
from bot.updates import PerChatUpdateProcessor
from storage.db import Database
from storage.outbox import OutboxRepository  # outbox dispatcher wiring
from storage.persistence import SqlitePersistence

logger = logging.getLogger(__name__)

# How long one getUpdates long poll waits at Telegram before returning empty.
POLL_TIMEOUT_SECONDS = 10
# How many updates (of different chats) are handled at the same time.
CONCURRENT_UPDATES = 64


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers may use: the configuration, storage, geography and the domain services."""

    config: Config
    db: Database
    persistence: SqlitePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]
    reports: ReportService
    officers: OfficerService
    locator: Locator
    geocoder: Geocoder
    outbox: OutboxRepository  # outbox dispatcher wiring: what must leave the bot
    # Set after a commit that wrote to the outbox: the dispatcher waits on it.
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)

    def wake_outbox(self) -> None:
        """Tell the outbox dispatcher that something was committed for it to send."""
        self.outbox_ready.set()

    @classmethod
    def create(cls, config: Config, db: Database) -> Services:
        """Everything the handlers use, over an open database (geography files are read here)."""
        persistence: SqlitePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]
        # Conversations and user_data carry the flows; nothing uses chat_data or bot_data yet,
        # and not storing them saves a copy and a write per update.
        stored = PersistenceInput(bot_data=False, chat_data=False, callback_data=False)
        persistence = SqlitePersistence(db, store_data=stored)
        secret = load_or_create_key(key_path(db.path))
        locator = Locator.from_config(config.geography)
        geocoder = Geocoder(config.geography.geocoding, locator.gazetteer, locator.bounds)
        return cls(
            config=config,
            db=db,
            persistence=persistence,
            reports=ReportService(config, db, secret),
            officers=OfficerService(config, db),
            locator=locator,
            geocoder=geocoder,
            outbox=OutboxRepository(db),  # outbox dispatcher wiring
        )

    async def close(self) -> None:
        """Release what the services hold open (the database is closed by its opener)."""
        await self.geocoder.aclose()


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context, with typed access to the services."""

    @property
    def services(self) -> Services:
        """The services of the running application."""
        application = self.application
        assert isinstance(application, SafetyApplication)
        return application.services


class SafetyApplication(
    Application[
        ExtBot[None],
        BotContext,
        dict[Any, Any],
        dict[Any, Any],
        dict[Any, Any],
        JobQueue[BotContext],
    ]
):
    """PTB's Application that writes its persistence through after every update."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.requests: tuple[AiohttpRequest, ...] = ()

    async def initialize(self) -> None:
        """Initialise as PTB does; if that fails (Telegram unreachable, a rejected token), close
        the HTTP sessions it opened, which PTB leaves open when the bot never initialised."""
        try:
            await super().initialize()
        except BaseException:
            await asyncio.gather(*(request.shutdown() for request in self.requests))
            raise

    async def process_update(self, update: object) -> None:
        """Handle the update, then store conversation states and data at once."""
        try:
            await super().process_update(update)
        finally:
            await self.update_persistence()


def build_application(
    services: Services,
    token: SecretStr,
    *,
    extra_handlers: Sequence[BaseHandler[Any, BotContext, Any]] = (),
) -> SafetyApplication:
    """The bot, ready to initialise: its services, persistence, limits and handlers.

    ``extra_handlers`` come first, before the product's own; tests use it to add flows.
    """
    # Imported here so that the handler modules can import BotContext from this module.
    from handlers import admin, errors, myreports, officer, report, start

    config = services.config
    api_url = config.telegram.api_url
    calls = AiohttpRequest(connection_pool_size=CONCURRENT_UPDATES)
    updates = AiohttpRequest(connection_pool_size=1, read_timeout=POLL_TIMEOUT_SECONDS + 5)
    application = (
        ApplicationBuilder()
        .token(token.get_secret_value())
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .application_class(SafetyApplication, kwargs={"services": services})
        .context_types(ContextTypes(context=BotContext))
        .persistence(services.persistence)
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=config.telegram.limits.messages_per_second,
                group_max_rate=config.telegram.limits.group_messages_per_minute,
                max_retries=3,
            )
        )
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
        .request(calls)
        .get_updates_request(updates)
        .build()
    )
    assert isinstance(application, SafetyApplication)
    application.requests = (calls, updates)
    application.add_handlers(list(extra_handlers))
    # The product's flows, in order: the first handler that matches an update takes it.
    application.add_handlers(report.handlers(config.reporting.timeout_minutes))
    application.add_handlers(myreports.handlers())
    application.add_handlers(officer.handlers())
    application.add_handlers(admin.handlers())
    application.add_handlers(start.handlers())
    application.add_handlers(start.fallback_handlers())  # last: answers what nothing else took
    application.add_error_handler(errors.on_error)
    return application
