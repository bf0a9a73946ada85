"""The subscriber's side of news: /news and the menu entry, the buttons that change topics,
areas and quiet hours, near me (a place, then a radius), and /stop.

The flow's steps are in :mod:`handlers.news.choices` and :mod:`handlers.news.near`; the
screens and keyboards in :mod:`handlers.news.screens`. The choice itself lives in the
database (:mod:`bot.news.subscriptions`), so every button works after a restart.
"""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import buttons
from bot.context import BotContext
from bot.news import describe
from handlers.news import near
from handlers.news.choices import (
    area_toggled,
    quiet_chosen,
    radius_chosen,
    screen_chosen,
    send_news,
    show_news,
    stop_command,
    stop_pressed,
    topic_toggled,
    whole_district_chosen,
)

PLACE_TIMEOUT = timedelta(minutes=15)
"""How long the bot waits for the place of "near me"."""


def _button(kind: type[buttons.Button], callback: Any) -> CallbackQueryHandler[BotContext, Any]:
    return CallbackQueryHandler(callback, pattern=buttons.pattern(kind))


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """News: the near-me conversation first (it takes the place and commands meant for it),
    then the commands and the buttons."""
    cancel_key = filters.Text([describe.CANCEL])
    with warnings.catch_warnings():
        # PTB warns that a conversation entered from a button is tracked per chat, not per
        # message: intended, as the place awaited is the chat's.
        warnings.simplefilter("ignore", PTBUserWarning)
        near_me = ConversationHandler(
            entry_points=[_button(buttons.NewsNearMe, near.ask_place)],
            states={
                near.PLACE: [
                    MessageHandler(filters.LOCATION, near.place_sent),  # venues carry one
                    MessageHandler(cancel_key, near.cancelled),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, near.timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", near.cancelled),
                CommandHandler("news", near.news_instead),
                CommandHandler("stop", near.stop_instead),
                MessageHandler(
                    filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
                    near.not_a_place,
                ),
            ],
            name=near.CONVERSATION,
            persistent=True,
            allow_reentry=True,
            conversation_timeout=PLACE_TIMEOUT,
        )
    return [
        near_me,
        CommandHandler("news", show_news),
        CommandHandler("start", show_news, filters=filters.Regex(r"^/start news\b")),
        CommandHandler("stop", stop_command),
        _button(buttons.NewsScreen, screen_chosen),
        _button(buttons.NewsTopic, topic_toggled),
        _button(buttons.NewsArea, area_toggled),
        _button(buttons.NewsWholeDistrict, whole_district_chosen),
        _button(buttons.NewsRadius, radius_chosen),
        _button(buttons.NewsQuiet, quiet_chosen),
        _button(buttons.NewsStop, stop_pressed),
    ]


__all__ = ["handlers", "send_news", "show_news"]
