"""/broadcast (compose, preview, send now or later) and /broadcasts (list, cancel, correct,
withdraw), in private chats, admins only: the handler table."""

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
from handlers.broadcast import compose
from handlers.broadcast.manage import (
    correction_asked,
    correction_sent,
    list_broadcasts,
    manage_pressed,
)

CONVERSATION = "broadcast"
TIMEOUT = timedelta(minutes=30)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The /broadcast conversation, /broadcasts and its buttons."""
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND

    def button(kind: type[buttons.Button], callback: Any, **fixed: str) -> Any:
        return CallbackQueryHandler(callback, pattern=buttons.pattern(kind, **fixed))

    with warnings.catch_warnings():
        # Buttons are tracked per chat, not per message: intended, as each is checked
        # against the step the admin is at.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation: ConversationHandler[BotContext] = ConversationHandler(
            conversation_timeout=TIMEOUT,
            entry_points=[
                CommandHandler("broadcast", compose.begin, filters=private),
                button(buttons.BroadcastManage, correction_asked, action="correct"),
            ],
            states={
                compose.COMPOSE: [
                    MessageHandler((text | filters.PHOTO) & private, compose.item_sent),
                    MessageHandler(filters.Document.ALL, compose.photo_as_file),
                    MessageHandler(
                        ~filters.COMMAND & ~filters.StatusUpdate.ALL, compose.not_an_item
                    ),
                ],
                compose.TOPICS: [
                    button(buttons.BroadcastTopic, compose.topic_toggled),
                    button(buttons.BroadcastChosen, compose.topics_done, what="topics"),
                ],
                compose.TARGET: [button(buttons.BroadcastTarget, compose.target_chosen)],
                compose.AREAS: [
                    button(buttons.BroadcastArea, compose.area_toggled),
                    button(buttons.BroadcastChosen, compose.areas_done, what="areas"),
                ],
                compose.POINT: [
                    MessageHandler(filters.LOCATION, compose.point_sent),
                    MessageHandler(
                        ~filters.COMMAND & ~filters.StatusUpdate.ALL, compose.not_a_point
                    ),
                ],
                compose.RADIUS: [button(buttons.BroadcastRadius, compose.radius_chosen)],
                compose.DECIDE: [button(buttons.BroadcastDecision, compose.decided)],
                compose.SCHEDULE: [MessageHandler(text, compose.time_typed)],
                compose.CORRECT: [
                    MessageHandler((text | filters.CAPTION) & private, correction_sent)
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, compose.timed_out)],
            },
            fallbacks=[
                CommandHandler("cancel", compose.cancel),
                CommandHandler("broadcast", compose.begin, filters=private),
                CallbackQueryHandler(compose.stale, pattern=r"^v2:b:"),
            ],
            name=CONVERSATION,
            persistent=True,
        )
    return [
        conversation,
        CommandHandler("broadcasts", list_broadcasts, filters=private),
        button(buttons.BroadcastManage, manage_pressed),
        CallbackQueryHandler(compose.stale, pattern=r"^v2:b:"),
    ]
