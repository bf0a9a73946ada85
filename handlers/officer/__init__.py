"""The officers' side: the buttons on a report's alert card in an agency's group chat
(:mod:`.cards`), the notes and questions officers type in reply and the reporters' answers
relayed back (:mod:`.replies`), and /queue (:mod:`.queue`)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotContext
from handlers.officer import callbacks, cards, replies
from handlers.officer.queue import queue


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The alert card's buttons, the typed notes and questions, the reporter's answers, /queue."""
    return [
        CallbackQueryHandler(cards.acknowledge, pattern=callbacks.ACKNOWLEDGE),
        CallbackQueryHandler(cards.resolve_options, pattern=callbacks.RESOLVE),
        CallbackQueryHandler(cards.resolve_now, pattern=callbacks.RESOLVE_NOW),
        CallbackQueryHandler(replies.note_prompt, pattern=callbacks.RESOLVE_WITH_NOTE),
        CallbackQueryHandler(cards.refer_options, pattern=callbacks.REFER),
        CallbackQueryHandler(cards.refer_to, pattern=callbacks.REFER_TO),
        CallbackQueryHandler(replies.question_prompt, pattern=callbacks.ASK),
        CallbackQueryHandler(cards.details, pattern=callbacks.DETAILS),
        MessageHandler(filters.ChatType.GROUPS & replies.TYPED_REPLY, replies.typed_reply),
        MessageHandler(filters.ChatType.PRIVATE & replies.TYPED_REPLY, replies.reporter_answer),
        CommandHandler("queue", queue),
    ]
