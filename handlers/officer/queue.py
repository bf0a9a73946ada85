"""/queue: an agency's open reports, in its group chat or privately for its officers."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.officers import texts
from storage.timestamps import utc_now


async def queue(update: Update, context: BotContext) -> None:
    """Lists the agency's open reports: in its group chat, or privately for its officers."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    listed = await context.services.officers.queues(chat.id, user.id, utc_now())
    if listed is None:
        await message.reply_text(texts.QUEUE_NOT_FOR_YOU)
        return
    await message.reply_text(listed, parse_mode=ParseMode.HTML)
