"""/privacy, /mydata and /forgetme: the privacy notice, the resident's data as a file, and
erasure after a confirmation. The retention job's callback is here too."""

from __future__ import annotations

import logging
from io import BytesIO
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import buttons
from bot.context import BotContext
from bot.privacy import texts
from bot.reporting.draft import Draft
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


def _button(text: str, choice: buttons.ForgetMe) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=buttons.encode(choice))


async def show_privacy(update: Update, context: BotContext) -> None:
    """The privacy notice, from the configuration."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(
            chat.id,
            texts.privacy_notice(context.services.config),
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
        )


async def my_data(update: Update, context: BotContext) -> None:
    """Sends the resident everything held about them, as a JSON file."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    drafts = [v for v in (context.user_data or {}).values() if isinstance(v, Draft)]
    held = drafts[0].to_json() if drafts else None  # a report in progress
    document = await context.services.privacy.my_data(user.id, message.chat.id, held, utc_now())
    await message.reply_document(
        InputFile(BytesIO(document), filename="my-data.json", attach=True),
        caption=texts.MYDATA_CAPTION,
    )


async def forget_me(update: Update, context: BotContext) -> None:
    """Says what /forgetme erases and asks to confirm (with the choice for open reports)."""
    message = update.effective_message
    if message is None:
        return
    holding = await context.services.privacy.holding(message.chat.id)
    rows: list[list[InlineKeyboardButton]]
    if holding.open_refs:
        rows = [
            [_button(texts.FORGET_KEEP, buttons.ForgetMe("keep"))],
            [_button(texts.FORGET_WITHDRAW, buttons.ForgetMe("withdraw"))],
        ]
    else:
        rows = [[_button(texts.FORGET_ERASE, buttons.ForgetMe("erase"))]]
    rows.append([_button(texts.FORGET_CANCEL, buttons.ForgetMe("cancel"))])
    await message.reply_text(
        texts.forget_prompt(holding),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def forget_confirmed(update: Update, context: BotContext) -> None:
    """Erases the resident as they chose, and says what was erased and what cannot be."""
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return
    choice = buttons.decode(query.data)
    await query.answer()
    if not isinstance(choice, buttons.ForgetMe) or choice.choice == "cancel":
        await query.edit_message_text(texts.FORGET_CANCELLED)
        return
    services = context.services
    if choice.choice == "erase" and (await services.privacy.holding(chat.id)).open_refs:
        await forget_me(update, context)  # open reports since: ask which way for them
        return
    done = await services.privacy.forget(
        user.id, chat.id, keep_open=choice.choice == "keep", now=utc_now()
    )
    # The running application's copies, then the stored conversation state (checkpointed).
    context.application.drop_user_data(user.id)
    context.application.drop_chat_data(chat.id)
    await services.persistence.purge_user(user.id)
    services.wake_outbox()  # the agencies' cards are rewritten through the outbox
    await query.edit_message_text(texts.erased(services.config, done), parse_mode=ParseMode.HTML)


async def retention_job(context: BotContext) -> None:
    """The daily retention pass of the running bot (stale drafts are removed at start)."""
    await context.services.privacy.apply_retention(utc_now(), drafts=False)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The residents' data commands, in private chats."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("privacy", show_privacy, filters=private),
        CommandHandler("mydata", my_data, filters=private),
        CommandHandler("forgetme", forget_me, filters=private),
        CallbackQueryHandler(forget_confirmed, pattern=buttons.pattern(buttons.ForgetMe)),
    ]
