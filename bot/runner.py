"""Running the bot: open the database, build the Application, poll or listen, stop cleanly.

This is the one place that opens and closes the bot's resources, in order.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from telegram import BotCommand, Update
from telegram.ext import BaseHandler, ExtBot

from bot import texts
from bot.app import POLL_TIMEOUT_SECONDS, build_application
from bot.config import Config, read_webhook_secret
from bot.context import BotContext, SafetyApplication, Services
from bot.insight.weekly import missed_today  # the weekly picture
from bot.news.broadcasts import Clock  # broadcast engine wiring
from bot.news.engine import BroadcastEngine, EngineTiming  # broadcast engine wiring
from bot.news.heartbeat import Heartbeat
from bot.outbox.dispatcher import AdminNotice, Dispatcher  # outbox dispatcher wiring
from bot.outbox.items import admin_targets  # outbox dispatcher wiring
from bot.outbox.reminders import Reminders, ReminderTiming  # reminder wiring
from bot.outbox.senders import CompositeSender  # outbox dispatcher wiring
from bot.outbox.telegram.limiter import Retries  # outbox dispatcher wiring
from bot.outbox.telegram.news import TelegramNewsSender  # broadcast engine wiring
from bot.outbox.telegram.sender import TelegramSender  # outbox dispatcher wiring
from bot.reporting.areas import place_reports
from handlers.clusters import cluster_job
from handlers.privacy import retention_job
from handlers.weekly import WeeklyJob  # the weekly picture
from storage.db import Database
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


async def serve(
    config: Config,
    token: SecretStr,
    stop: asyncio.Event,
    *,
    extra_handlers: Sequence[BaseHandler[Any, BotContext, Any]] = (),
    ready: asyncio.Event | None = None,
    reminder_timing: ReminderTiming | None = None,
    engine_timing: EngineTiming | None = None,
    clock: Clock = utc_now,
) -> None:
    """Run the bot until ``stop`` is set: by long polling, or as a webhook listener.

    ``ready`` is set once updates are being received; ``reminder_timing`` (tests shorten it)
    says how often overdue reports are looked for; ``engine_timing`` (tests shorten it) how
    the broadcast engine paces itself; ``clock`` (tests move it by hand) is what scheduled
    news goes by.
    """
    db = await Database.open(config.storage.database)
    services = None
    dispatcher: Dispatcher | None = None  # outbox dispatcher wiring
    reminders: Reminders | None = None  # reminder wiring
    engine: BroadcastEngine | None = None  # broadcast engine wiring
    heartbeat = Heartbeat(db)  # the command line's sign that a bot runs on this database
    try:
        services = Services.create(config, db, clock=clock)
        await place_reports(db, services.areas)  # reports stored before, or before areas changed
        # Retention at start, stale drafts included: before the Application loads them.
        await services.privacy.apply_retention(utc_now(), drafts=True)
        application = build_application(services, token, extra_handlers=extra_handlers)
        async with application:  # initialize() and, on leaving, shutdown()
            await application.bot.set_my_commands(
                [BotCommand(name, description) for name, description in texts.COMMANDS]
            )
            await application.start()
            _schedule_retention(application)
            _schedule_clusters(application)
            _schedule_weekly(application, config, clock)
            # Outbox dispatcher wiring: sending starts before updates come in.
            dispatcher = _outbox_dispatcher(services, application.bot)
            dispatcher.start()
            # Reminder wiring: overdue reports are looked for once the dispatcher can send.
            timing = reminder_timing or ReminderTiming()
            reminders = Reminders(
                config,
                db,
                services.wake_outbox,
                interval=timing.interval,
                escalate_after=timing.escalate_after,
            )
            reminders.start()
            # Broadcast engine wiring: news goes out with what replies leave of the budget.
            engine = BroadcastEngine(
                services.broadcasts,
                TelegramNewsSender(application.bot),
                wakeup=services.broadcasts_ready,
                timing=engine_timing,
                clock=clock,
            )
            engine.start()
            updater = application.updater
            assert updater is not None
            if config.telegram.mode == "webhook":
                hook = config.telegram.webhook
                assert hook.public_url is not None  # checked by check-config
                secret = read_webhook_secret() or SecretStr(secrets.token_urlsafe(32))
                await updater.start_webhook(
                    listen=hook.listen,
                    port=hook.port,
                    url_path=hook.url_path,
                    webhook_url=f"{hook.public_url.rstrip('/')}/{hook.url_path}",
                    secret_token=secret.get_secret_value(),
                    allowed_updates=Update.ALL_TYPES,
                )
                logger.info("Listening for webhook calls on %s:%s", hook.listen, hook.port)
            else:
                await updater.start_polling(
                    timeout=POLL_TIMEOUT_SECONDS, allowed_updates=Update.ALL_TYPES
                )
                logger.info("Polling %s for updates", config.telegram.api_url)
            await heartbeat.start()
            if ready is not None:
                ready.set()
            await stop.wait()
            logger.info("Stopping")
            await heartbeat.stop()
            await updater.stop()
            await reminders.stop()  # reminder wiring: before the dispatcher stops
            await engine.stop()  # broadcast engine wiring: before the application stops
            await dispatcher.stop()  # outbox dispatcher wiring: before the application stops
            await application.stop()
    finally:
        await heartbeat.stop()  # when start-up failed after the first beat
        if reminders is not None:  # reminder wiring: when start-up failed
            await reminders.stop()
        if engine is not None:  # broadcast engine wiring: when start-up failed
            await engine.stop()
        if dispatcher is not None:  # outbox dispatcher wiring: when start-up failed
            await dispatcher.stop()
        if services is not None:
            await services.close()
        await db.close()


def _schedule_retention(application: SafetyApplication) -> None:
    """The retention job, daily while the bot runs (its first pass ran at start)."""
    jobs = application.job_queue
    assert jobs is not None, "PTB's job queue is installed with the bot"
    day = timedelta(days=1)
    jobs.run_repeating(retention_job, interval=day, first=day, name="retention")


def _schedule_clusters(application: SafetyApplication) -> None:
    """The cluster scan of every watched category, daily while the bot runs (and after each
    report, from the report's submit)."""
    jobs = application.job_queue
    assert jobs is not None, "PTB's job queue is installed with the bot"
    day = timedelta(days=1)
    jobs.run_repeating(cluster_job, interval=day, first=timedelta(minutes=5), name="clusters")


def _schedule_weekly(application: SafetyApplication, config: Config, clock: Clock) -> None:
    """The weekly picture, on its day at its local time ([weekly]); started later that day,
    at once (its dedupe keys name the week, so it is never sent twice)."""
    weekly = config.weekly
    if not weekly.enabled:
        return
    jobs = application.job_queue
    assert jobs is not None, "PTB's job queue is installed with the bot"
    zone = ZoneInfo(config.partnership.timezone)
    job = WeeklyJob(clock)
    # PTB counts the days of the week from Sunday (0) to Saturday (6).
    day = (weekly.weekday_index + 1) % 7
    jobs.run_daily(job, time=weekly.at.replace(tzinfo=zone), days=(day,), name="weekly")
    if missed_today(weekly, clock(), zone):
        jobs.run_once(job, when=0, name="weekly-missed")


# -- outbox dispatcher wiring


def _outbox_dispatcher(services: Services, bot: ExtBot[Retries]) -> Dispatcher:
    """The dispatcher of the outbox, sending with the Application's (rate-limited) bot, and
    e-mails and webhook calls through their own senders.

    It is woken by ``services.wake_outbox()``; an undeliverable item becomes a note (reason
    only) to the admins' chat, or to each admin when there is no admins' chat.
    """
    notice = AdminNotice(services.outbox, admin_targets(services.config), services.wake_outbox)
    sender = CompositeSender.for_config(services.config, TelegramSender(bot))
    return Dispatcher(services.outbox, sender, fallback=notice, wakeup=services.outbox_ready)
