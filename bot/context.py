"""What handlers may reach: the typed services, and the callback context that carries them.

Handlers import this module, never :mod:`bot.app`, which builds the Application from them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue, PersistenceInput

from bot.config import Config
from bot.geo import Geocoder, Locator
from bot.geo.areas import AreaMap
from bot.insight import InsightService
from bot.insight.clusters import ClusterService
from bot.news.broadcasts import BroadcastService, Clock
from bot.news.subscriptions import SubscriptionService
from bot.officers.service import OfficerService
from bot.outbox.telegram.limiter import Retries
from bot.privacy.service import PrivacyService
from bot.reporting.draft import Draft
from bot.reporting.service import ReportService
from bot.telegram.request import AiohttpRequest
from storage.db import Database
from storage.keyring import key_path, load_or_create_key
from storage.outbox import OutboxRepository
from storage.persistence import SqlitePersistence
from storage.timestamps import utc_now


@dataclass(frozen=True, slots=True)
class Services:
    """What handlers may use: the configuration, storage, geography and the domain services."""

    config: Config
    db: Database
    persistence: SqlitePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]
    reports: ReportService
    officers: OfficerService
    insight: InsightService  # the statistics of /stats
    locator: Locator
    areas: AreaMap  # the configured areas, placed on the locator's geography
    geocoder: Geocoder
    subscriptions: SubscriptionService  # a chat's choice of news topics, areas, quiet hours
    outbox: OutboxRepository  # outbox dispatcher wiring: what must leave the bot
    broadcasts: BroadcastService  # news: compose, queue, correct, withdraw
    privacy: PrivacyService  # residents' data: /mydata, /forgetme, retention
    clusters: ClusterService  # emerging clusters: found, kept, announced, their buttons
    # Set after a commit that wrote to the outbox: the dispatcher waits on it.
    outbox_ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Set when a broadcast was queued, corrected or withdrawn: the broadcast engine waits on it.
    broadcasts_ready: asyncio.Event = field(default_factory=asyncio.Event)

    def wake_outbox(self) -> None:
        """Tell the outbox dispatcher that something was committed for it to send."""
        self.outbox_ready.set()

    @classmethod
    def create(cls, config: Config, db: Database, *, clock: Clock = utc_now) -> Services:
        """Everything the handlers use, over an open database (geography files are read here);
        ``clock`` (tests move it by hand) is what scheduled news goes by."""
        persistence: SqlitePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]
        # Conversations and user_data carry the flows; nothing uses chat_data or bot_data yet,
        # and not storing them saves a copy and a write per update.
        stored = PersistenceInput(bot_data=False, chat_data=False, callback_data=False)
        persistence = SqlitePersistence(db, store_data=stored, kinds=[Draft])  # drafts as JSON
        secret = load_or_create_key(key_path(db.path))
        locator = Locator.from_config(config.geography)
        areas = AreaMap.from_config(config.areas, locator)
        geocoder = Geocoder(config.geography.geocoding, locator.gazetteer, locator.bounds)
        broadcasts_ready = asyncio.Event()
        return cls(
            config=config,
            db=db,
            persistence=persistence,
            reports=ReportService(config, db, secret, areas),
            officers=OfficerService(config, db),
            insight=InsightService(config, db, areas),
            locator=locator,
            areas=areas,
            geocoder=geocoder,
            subscriptions=SubscriptionService(config, db, areas),
            outbox=OutboxRepository(db),  # outbox dispatcher wiring
            broadcasts=BroadcastService(
                config,
                db,
                wake=broadcasts_ready.set,
                areas_meeting=areas.areas_meeting,
                clock=clock,
            ),
            broadcasts_ready=broadcasts_ready,
            privacy=PrivacyService(config, db, secret),
            clusters=ClusterService(config, db, areas),
        )

    async def close(self) -> None:
        """Release what the services hold open (the database is closed by its opener)."""
        await self.geocoder.aclose()


class BotContext(CallbackContext[ExtBot[Retries], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context, with typed access to the services (the bot is rate-limited:
    see :mod:`bot.outbox.telegram.limiter`)."""

    @property
    def services(self) -> Services:
        """The services of the running application."""
        application = self.application
        assert isinstance(application, SafetyApplication)
        return application.services


class SafetyApplication(
    Application[
        ExtBot[Retries],
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
