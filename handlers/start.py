"""/start, /help and the main menu; and the answers for anything no other flow took."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import buttons, texts
from bot.context import BotContext
from handlers import news, privacy

logger = logging.getLogger(__name__)

_NOT_YET: dict[buttons.MenuChoice, str] = {
    "report": texts.MENU_REPORT,
    "myreports": texts.MENU_MY_REPORTS,
}


def _entry(text: str, choice: buttons.MenuChoice) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=buttons.encode(buttons.Menu(choice)))


def main_menu() -> InlineKeyboardMarkup:
    """The menu under the greeting and help."""
    return InlineKeyboardMarkup(
        [
            [_entry(texts.MENU_REPORT, "report")],
            [_entry(texts.MENU_MY_REPORTS, "myreports"), _entry(texts.MENU_NEWS, "news")],
            [_entry(texts.MENU_PRIVACY, "privacy"), _entry(texts.MENU_HELP, "help")],
        ]
    )


async def start(update: Update, context: BotContext) -> None:
    """Greets the resident and shows the menu; in a group, points to a private chat."""
    message = update.effective_message
    if message is None:
        return
    if message.chat.type != ChatType.PRIVATE:
        await message.reply_text(texts.private_chat_only(context.bot.username))
        return
    user = update.effective_user
    welcome = texts.welcome(context.services.config, user.first_name if user else None)
    await message.reply_text(welcome, parse_mode=ParseMode.HTML, reply_markup=main_menu())


async def show_help(update: Update, context: BotContext) -> None:
    """Explains what the bot does and lists the commands."""
    message = update.effective_message
    if message is None:
        return
    private = message.chat.type == ChatType.PRIVATE
    await message.reply_text(
        texts.help_text(context.services.config),
        parse_mode=ParseMode.HTML,
        reply_markup=main_menu() if private else None,
        disable_web_page_preview=True,
    )


async def menu_choice(update: Update, context: BotContext) -> None:
    """Answers a tap on the main menu (once: data that is no menu entry is a stale button)."""
    query = update.callback_query
    if query is None:
        return
    entry = buttons.decode(query.data)
    if not isinstance(entry, buttons.Menu):  # the pattern let it through (a trailing newline)
        await stale_button(update, context)
        return
    await query.answer()
    choice = entry.choice
    if choice == "help":
        await show_help(update, context)
    elif choice == "privacy":
        await privacy.show_privacy(update, context)
    elif choice == "news":
        await news.send_news(update, context)
    elif choice in _NOT_YET and update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id,
            texts.not_yet_available(_NOT_YET[choice]),
            parse_mode=ParseMode.HTML,
        )


async def stale_button(update: Update, context: BotContext) -> None:
    """Answers a button no flow recognises (an old message) and shows the menu again."""
    query = update.callback_query
    if query is None:
        return
    await query.answer(texts.stale_button())
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        await context.bot.send_message(chat.id, texts.stale_button(), reply_markup=main_menu())


async def not_understood(update: Update, context: BotContext) -> None:
    """Answers a private message that nothing else handled, so the bot never falls silent."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(texts.not_understood(), reply_markup=main_menu())


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The greeting, help and menu."""
    return [
        CommandHandler("start", start),
        CommandHandler("help", show_help),
        CallbackQueryHandler(menu_choice, pattern=buttons.pattern(buttons.Menu)),
    ]


def fallback_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Last in line: stale buttons anywhere, and anything unexpected in a private chat."""
    return [
        CallbackQueryHandler(stale_button),
        MessageHandler(filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL, not_understood),
    ]
