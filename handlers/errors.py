"""The one error handler: log the failure, tell the admins without personal data, and make
sure a resident whose message failed is not left without an answer."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext

logger = logging.getLogger(__name__)


def _where(update: object) -> str:
    if not isinstance(update, Update):
        return texts.failure_place(None, None)
    kind = "callback query" if update.callback_query else "message" if update.message else "update"
    chat = update.effective_chat
    return texts.failure_place(kind, chat.type if chat else None)


async def on_error(update: object, context: BotContext) -> None:
    """Logs the failure, tells the admins' chat, and apologises to a resident."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    where = _where(update)
    logger.error("Failed handling update %s (%s)", update_id, where, exc_info=error)
    admins = context.services.config.admins
    targets = [admins.chat_id] if admins.chat_id is not None else list(admins.user_ids)
    note = texts.error_report(update_id, where, type(error).__name__)
    for chat_id in targets:
        try:
            await context.bot.send_message(chat_id, note, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            logger.warning("Could not tell admin chat about the failure: %s", exc)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is not None and chat.type == ChatType.PRIVATE:
        try:
            await context.bot.send_message(
                chat.id, texts.something_went_wrong(), parse_mode=ParseMode.HTML
            )
        except TelegramError as exc:
            logger.warning("Could not apologise for a failure: %s", exc)
