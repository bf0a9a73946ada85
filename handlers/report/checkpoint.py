"""Helpers shared by the conversation flows."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext


async def checkpoint(update: Update, context: BotContext, conversation: str, state: object) -> None:
    """Saves a conversation's next state and the resident's data before the bot asks its question.

    PTB stores a conversation's new state only after the step returns, that is after the bot has
    replied. A step that calls this first guarantees that once the resident sees the question,
    a restarted bot (even after SIGKILL) resumes at that question. The key is the one
    ConversationHandler uses by default (per chat and per user).
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    ended = state == ConversationHandler.END
    await context.services.persistence.checkpoint(
        conversation,
        (chat.id, user.id),
        None if ended else state,
        user=None if context.user_data is None else (user.id, context.user_data),
        chat=None if context.chat_data is None else (chat.id, context.chat_data),
    )
