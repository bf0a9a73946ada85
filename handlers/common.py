"""Helpers shared by the conversation flows."""

from __future__ import annotations

from telegram import Update

from bot.app import BotContext


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
    persistence = context.services.persistence
    await persistence.save_conversation_state(conversation, (chat.id, user.id), state)
    if context.user_data is not None:
        await persistence.update_user_data(user.id, context.user_data)
    if context.chat_data is not None:
        await persistence.update_chat_data(chat.id, context.chat_data)
