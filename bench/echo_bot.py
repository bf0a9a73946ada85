"""A bare python-telegram-bot echo bot: the baseline the benchmarks compare safetybot with.

Run as ``python bench/echo_bot.py API_URL`` with the token in SAFETYBOT_TOKEN.
"""

from __future__ import annotations

import os
import sys

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the text back."""
    if update.message and update.message.text:
        await update.message.reply_text(update.message.text)


def main() -> None:
    """Poll the given Bot API server and echo every text message."""
    api_url = sys.argv[1]
    application = (
        ApplicationBuilder()
        .token(os.environ["SAFETYBOT_TOKEN"])
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(timeout=10)


if __name__ == "__main__":
    main()
