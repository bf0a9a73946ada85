"""/digest [FROM TO]: "You said, we did" drafted for an admin, in a private chat. The admin
reads the notes officers allowed to be published, then the draft itself, a message of its own
that they may forward, or copy and edit into a broadcast. Nothing is sent to subscribers here.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import BaseHandler, CommandHandler

from bot import texts
from bot.context import BotContext
from bot.news.digest import DigestDrafter, Period
from bot.news.parts import split_html
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

USAGE = (
    "Send /digest for last month, or /digest FROM TO with two dates written like "
    "2026-11-01 2026-11-30 (both days included)."
)
IN_PRIVATE = "Send /digest to me in a private chat: a draft is not for a group."
DRAFT_FOLLOWS = (
    "The draft follows in the next message. To send it to subscribers, send /broadcast and "
    "then forward the draft (or paste it, edited) as the item; the success stories topic "
    "suits it."
)


async def digest(update: Update, context: BotContext) -> None:
    """Sends the admin the period's publishable notes and the drafted item."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    services = context.services
    if not services.officers.is_admin(user.id):
        logger.warning("/digest was refused to a non-admin")
        await message.reply_text(texts.ADMINS_ONLY)
        return
    if chat.type != ChatType.PRIVATE:
        await message.reply_text(IN_PRIVATE)
        return
    args = context.args or []
    timezone = services.config.partnership.timezone
    try:
        if not args:
            period = Period.last_full_month(utc_now(), timezone)
        elif len(args) == 2:
            period = Period.parse(args[0], args[1])
        else:
            raise ValueError("give no dates, or two")
    except ValueError as exc:
        await message.reply_text(f"{exc}.\n\n{USAGE}")
        return
    drafted = await DigestDrafter(services.config, services.db).draft(period)
    for part in split_html(f"{drafted.notes_html()}\n\n{DRAFT_FOLLOWS}"):
        await message.reply_text(part, parse_mode=ParseMode.HTML)
    for part in split_html(drafted.html()):
        await message.reply_text(part, parse_mode=ParseMode.HTML, disable_web_page_preview=True)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """/digest (admins only, answered in a private chat)."""
    return [CommandHandler("digest", digest)]
