"""/queue: an agency's open reports, in its group chat or privately for its officers; every
agency's, privately, for the partnership's admins."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, MessageLimit, ParseMode

from bot.context import BotContext
from bot.officers import texts
from storage.timestamps import utc_now


async def queue(update: Update, context: BotContext) -> None:
    """Lists the open reports this chat and this user may see, in as many messages as needed."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    officers = context.services.officers
    listed = await officers.queues(
        chat.id,
        user.id,
        utc_now(),
        private=chat.type == ChatType.PRIVATE,
        limit=MessageLimit.MAX_TEXT_LENGTH,
    )
    if listed is None:
        admin = officers.is_admin(user.id)
        await message.reply_text(texts.QUEUE_IN_PRIVATE if admin else texts.QUEUE_NOT_FOR_YOU)
        return
    for text in listed:
        await message.reply_text(text, parse_mode=ParseMode.HTML)
