"""The weekly picture's job: last week's picture for the admins' chat, through the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.context import BotContext
from bot.insight.weekly import WeeklyService

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WeeklyJob:
    """The job's callback, reading the time from the bot's clock (tests move it by hand)."""

    clock: Callable[[], datetime]

    async def __call__(self, context: BotContext) -> None:
        """Hand last week's picture to the outbox for the admins, then wake the dispatcher;
        for a week already handed over (the job run again, or after a restart) nothing more
        is written."""
        services = context.services
        week = await WeeklyService(services.config, services.db).send(self.clock())
        services.wake_outbox()
        logger.info("The weekly picture of the week from %s is with the outbox", week.first)
