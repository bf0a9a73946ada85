"""``safetybot broadcast --standalone``: send an item from the command itself, with the
broadcast engine the running bot uses, when no bot runs on the database."""

from __future__ import annotations

import sys

from bot.config import Config
from bot.news.broadcasts import BroadcastService, Item
from storage.db import Database

EXIT_FAILURE = 1


async def send_standalone(
    config: Config, db: Database, service: BroadcastService, item: Item
) -> int:
    """Queue the item and send it here, following its progress; the exit status."""
    del config, db, service, item
    print("Sending without the bot is not available yet.", file=sys.stderr)
    return EXIT_FAILURE
