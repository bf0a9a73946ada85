"""``safetybot broadcast --standalone``: send an item from the command itself, when no bot runs
on the database, with the same engine, sender and rate limiter the running bot uses.

While it sends, the command writes the bot's heartbeat, so that another ``--standalone`` (or a
command handing news to "the running bot") sees that something sends from this database; the
caller has already made sure no bot was running. The token comes from ``SAFETYBOT_TOKEN``.
"""

from __future__ import annotations

import asyncio
import secrets
import sys

from telegram.error import InvalidToken, TelegramError
from telegram.ext import ExtBot

from bot.config import TOKEN_ENV, Config, read_token
from bot.exits import EXIT_FAILURE, EXIT_USAGE
from bot.news.broadcasts import BroadcastRefused, BroadcastService, Item
from bot.news.engine import BroadcastEngine
from bot.news.heartbeat import Heartbeat
from bot.news_command.progress import follow
from bot.outbox.telegram.limiter import RateLimiter, Retries
from bot.outbox.telegram.news import TelegramNewsSender
from bot.telegram.request import AiohttpRequest
from storage.db import Database


async def send_standalone(
    config: Config, db: Database, service: BroadcastService, item: Item
) -> int:
    """Queue the item and send it from here, following its progress; the exit status."""
    token = read_token()
    if token is None:
        print(
            f"--standalone sends with the bot's token: set {TOKEN_ENV}, or start the bot "
            "(safetybot run) and hand the item to it.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    api_url = config.telegram.api_url
    bot: ExtBot[Retries] = ExtBot(
        token.get_secret_value(),
        base_url=f"{api_url}/bot",
        base_file_url=f"{api_url}/file/bot",
        request=AiohttpRequest(connection_pool_size=8),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
        rate_limiter=RateLimiter(config.telegram.limits),
    )
    try:
        await bot.initialize()  # getMe: is the token good?
    except InvalidToken:
        print(f"Telegram did not accept the token in {TOKEN_ENV}.", file=sys.stderr)
        return EXIT_USAGE
    except TelegramError as exc:
        said = str(exc).replace(token.get_secret_value(), "<token>")
        print(f"Could not reach the Bot API at {api_url}: {said}", file=sys.stderr)
        return EXIT_FAILURE
    heartbeat = Heartbeat(db)
    wakeup = asyncio.Event()
    engine = BroadcastEngine(service, TelegramNewsSender(bot), wakeup=wakeup)
    try:
        await heartbeat.start()
        try:
            broadcast = await service.queue(item, token=secrets.token_hex(16))
        except BroadcastRefused as exc:
            print(exc, file=sys.stderr)
            return EXIT_USAGE
        reach = await service.count_recipients(item.topics, item.target)
        print(f"Broadcast {broadcast.id} is sending from this command ({reach} subscribers).")
        engine.start()
        wakeup.set()
        return await follow(db, service, broadcast.id)
    finally:
        await engine.stop()
        await heartbeat.stop()
        await bot.shutdown()
