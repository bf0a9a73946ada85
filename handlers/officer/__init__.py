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


def _button(callback: callbacks.Callback, pattern: str) -> CallbackQueryHandler[BotContext, None]:
    """A handler of one of the officers' buttons; a press naming a report or an agency that no
    longer exists is answered as stale."""
    return CallbackQueryHandler(callbacks.checked(callback), pattern=pattern)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The alert card's buttons, the typed notes and questions, the reporter's answers, /queue."""
    return [
        _button(cards.acknowledge, callbacks.ACKNOWLEDGE),
        _button(cards.resolve_options, callbacks.RESOLVE),
        _button(cards.resolve_now, callbacks.RESOLVE_NOW),
        CallbackQueryHandler(
            callbacks.checked(replies.note_prompt), pattern=callbacks.RESOLVE_WITH_NOTE
        ),
        _button(cards.refer_options, callbacks.REFER),
        _button(cards.refer_to, callbacks.REFER_TO),
        _button(replies.question_prompt, callbacks.ASK),
        _button(cards.details, callbacks.DETAILS),
        MessageHandler(filters.ChatType.GROUPS & replies.TYPED_REPLY, replies.typed_reply),
        MessageHandler(filters.ChatType.PRIVATE & replies.TYPED_REPLY, replies.reporter_answer),
        CommandHandler("queue", queue),
    ]
