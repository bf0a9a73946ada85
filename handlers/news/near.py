"""News near me: the place first (a location or venue, from the reply keyboard's button or the
attachment menu), then the radius as buttons.

Only the wait for the place is a conversation (named and persistent, so it survives a restart);
the radius buttons carry the place themselves (:func:`bot.buttons.radius_button`).
"""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.news import describe
from handlers.news.choices import private_chat, refuse_in_group, show_news, stop_command
from handlers.news.screens import location_keyboard, radius_keyboard
from handlers.report.checkpoint import checkpoint

CONVERSATION = "news_near_me"
PLACE = "place"
END = ConversationHandler.END


async def ask_place(update: Update, context: BotContext) -> str | int:
    """The "Near me" button:  asks for the place, with a button that shares the location."""
    chat_id = private_chat(update)
    if chat_id is None:
        await refuse_in_group(update, context)
        return END
    if update.callback_query is not None:
        await update.callback_query.answer()
    await checkpoint(update, context, CONVERSATION, PLACE)  # a restart still awaits the place
    await context.bot.send_message(chat_id, describe.ASK_LOCATION, reply_markup=location_keyboard())
    return PLACE


async def place_sent(update: Update, context: BotContext) -> int:
    """Takes the location (a venue carries one) and offers the radii around it."""
    message = update.effective_message
    assert message is not None
    assert message.location is not None
    location = message.location
    await checkpoint(update, context, CONVERSATION, END)
    await message.reply_text(describe.LOCATION_RECEIVED, reply_markup=ReplyKeyboardRemove())
    radii = context.services.subscriptions.radii
    await message.reply_text(
        describe.ASK_RADIUS,
        reply_markup=radius_keyboard(location.latitude, location.longitude, radii),
    )
    return END


async def not_a_place(update: Update, context: BotContext) -> str:
    """Anything but a location: says what is wanted, and keeps waiting."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            describe.NOT_A_LOCATION, reply_markup=location_keyboard()
        )
    return PLACE


async def cancelled(update: Update, context: BotContext) -> int:
    """/cancel or the Cancel key: the choice stays as it was."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            describe.NEAR_ME_CANCELLED, reply_markup=ReplyKeyboardRemove()
        )
    return END


async def news_instead(update: Update, context: BotContext) -> int:
    """/news while a place is awaited: the wait ends, and the choices are shown."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            describe.UNCHANGED,
            reply_markup=ReplyKeyboardRemove(),
        )
    await show_news(update, context)
    return END


async def stop_instead(update: Update, context: BotContext) -> int:
    """/stop while a place is awaited: all news ends."""
    await stop_command(update, context)
    return END


async def timed_out(update: object, context: BotContext) -> None:
    """No place came in time: says so, and takes the location key away."""
    if isinstance(update, Update) and update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id,
            describe.NEAR_ME_TIMED_OUT,
            reply_markup=ReplyKeyboardRemove(),
        )
