"""The Application: built in one place, with its handlers added in one visible order.

Handlers reach the configuration, the database and the services through
``context.services`` (typed), never through string keys in ``bot_data``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pydantic import SecretStr
from telegram.ext import ApplicationBuilder, BaseHandler, ContextTypes

from bot.context import BotContext, SafetyApplication, Services
from bot.outbox.telegram.limiter import RateLimiter
from bot.telegram.request import AiohttpRequest
from bot.telegram.updates import PerChatUpdateProcessor
from handlers import (
    admin,
    broadcast,
    clusters,
    digest,
    errors,
    myreports,
    news,
    officer,
    privacy,
    report,
    start,
    stats,
)

logger = logging.getLogger(__name__)

# How long one getUpdates long poll waits at Telegram before returning empty.
POLL_TIMEOUT_SECONDS = 10
# How many updates (of different chats) are handled at the same time.
CONCURRENT_UPDATES = 64


def build_application(
    services: Services,
    token: SecretStr,
    *,
    extra_handlers: Sequence[BaseHandler[Any, BotContext, Any]] = (),
) -> SafetyApplication:
    """The bot, ready to initialise: its services, persistence, limits and handlers.

    ``extra_handlers`` come first, before the product's own; tests use it to add flows.
    """
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
        .rate_limiter(RateLimiter(config.telegram.limits))
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
    application.add_handlers(news.handlers())  # before start: it takes /start news
    application.add_handlers(broadcast.handlers())
    application.add_handlers(digest.handlers())
    application.add_handlers(privacy.handlers())
    application.add_handlers(stats.handlers())
    application.add_handlers(clusters.handlers())
    application.add_handlers(start.handlers())
    application.add_handlers(start.fallback_handlers())  # last: answers what nothing else took
    application.add_error_handler(errors.on_error)
    return application
