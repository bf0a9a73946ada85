"""/news, the menu's "News and alerts", the buttons that change a choice, and /stop.

Each press reads the chat's choice, changes one thing through the subscriptions service, and
edits the message in place to say what the chat will now receive. A button that names what
the configuration no longer has (or forged data) is answered kindly with the choice as it is.
"""

from __future__ import annotations

import logging
from typing import TypeVar

from telegram import CallbackQuery, Update
from telegram.constants import ChatType, ParseMode

from bot import buttons
from bot.context import BotContext
from bot.news import describe
from handlers.news.screens import edit_screen, send_screen
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)

_B = TypeVar("_B", bound=buttons.Button)


def private_chat(update: Update) -> int | None:
    """The private chat's id, or None for any other chat."""
    chat = update.effective_chat
    return chat.id if chat is not None and chat.type == ChatType.PRIVATE else None


async def refuse_in_group(update: Update, context: BotContext) -> None:
    """News is chosen privately: in a group, a link to the private chat."""
    if update.callback_query is not None:
        await update.callback_query.answer(
            describe.private_chat_only(context.bot.username), show_alert=True
        )
        return
    if update.effective_message is not None:
        await update.effective_message.reply_text(describe.private_chat_only(context.bot.username))


async def show_news(update: Update, context: BotContext) -> None:
    """/news or /start news: the topics screen with what the chat receives now."""
    await send_news(update, context)


async def send_news(update: Update, context: BotContext) -> None:
    """The topics screen, as a new message (a menu press is answered by the menu)."""
    chat_id = private_chat(update)
    if chat_id is None:  # a message, even for a menu press: the menu answered the press
        if update.effective_message is not None:
            await update.effective_message.reply_text(
                describe.private_chat_only(context.bot.username)
            )
        return
    await send_screen(chat_id, context, "topics")


async def _pressed(
    update: Update, context: BotContext, kind: type[_B]
) -> tuple[int, _B, CallbackQuery] | None:
    """The private chat, the button pressed and its query; None, answered, for a press in a
    group or data that does not read as this kind."""
    query = update.callback_query
    chat_id = private_chat(update)
    if query is None or chat_id is None:
        await refuse_in_group(update, context)
        return None
    found = buttons.decode(query.data)
    if not isinstance(found, kind):
        await _stale(update, context, chat_id)
        return None
    return chat_id, found, query


async def _stale(update: Update, context: BotContext, chat_id: int) -> None:
    """A button naming a topic, area or option that is not offered: the choice as it is."""
    query = update.callback_query
    assert query is not None
    await query.answer(describe.STALE_CHOICE)
    choice = await context.services.subscriptions.current(chat_id)
    await edit_screen(update, context, "topics", choice, changed=False)


async def screen_chosen(update: Update, context: BotContext) -> None:
    """Shows the topics, areas or quiet-hours screen in place."""
    found = await _pressed(update, context, buttons.NewsScreen)
    if found is None:
        return
    chat_id, pressed, query = found
    await query.answer()
    choice = await context.services.subscriptions.current(chat_id)
    await edit_screen(update, context, pressed.screen, choice, changed=False)


async def topic_toggled(update: Update, context: BotContext) -> None:
    """Turns a topic on or off; confirms what the chat will now receive."""
    found = await _pressed(update, context, buttons.NewsTopic)
    if found is None:
        return
    chat_id, pressed, query = found
    subscriptions = context.services.subscriptions
    if not subscriptions.is_topic(pressed.topic):
        await _stale(update, context, chat_id)
        return
    await query.answer()
    choice = await subscriptions.toggle_topic(chat_id, pressed.topic, now=utc_now())
    await edit_screen(update, context, "topics", choice, changed=True)


async def area_toggled(update: Update, context: BotContext) -> None:
    """Adds or removes an area; confirms what the chat will now receive."""
    found = await _pressed(update, context, buttons.NewsArea)
    if found is None:
        return
    chat_id, pressed, query = found
    subscriptions = context.services.subscriptions
    if not subscriptions.is_area(pressed.area):
        await _stale(update, context, chat_id)
        return
    await query.answer()
    choice = await subscriptions.toggle_area(chat_id, pressed.area, now=utc_now())
    await edit_screen(update, context, "areas", choice, changed=True)


async def whole_district_chosen(update: Update, context: BotContext) -> None:
    """News for every area; confirms what the chat will now receive."""
    found = await _pressed(update, context, buttons.NewsWholeDistrict)
    if found is None:
        return
    chat_id, _, query = found
    await query.answer()
    choice = await context.services.subscriptions.whole_district(chat_id, now=utc_now())
    await edit_screen(update, context, "areas", choice, changed=True)


async def radius_chosen(update: Update, context: BotContext) -> None:
    """News within the radius pressed around the place the button carries."""
    found = await _pressed(update, context, buttons.NewsRadius)
    if found is None:
        return
    chat_id, pressed, query = found
    subscriptions = context.services.subscriptions
    point = buttons.near_point(pressed)
    if point is None or pressed.radius_m not in subscriptions.radii:
        await _stale(update, context, chat_id)
        return
    await query.answer()
    latitude, longitude = point
    choice = await subscriptions.near_me(
        chat_id, latitude, longitude, pressed.radius_m, now=utc_now()
    )
    if choice is None:
        current = await subscriptions.current(chat_id)
        lead = describe.OUTSIDE_AREAS
        await edit_screen(update, context, "areas", current, changed=False, lead=lead)
        return
    await edit_screen(update, context, "areas", choice, changed=True)


async def quiet_chosen(update: Update, context: BotContext) -> None:
    """Sets the quiet hours pressed; confirms what the chat will now receive."""
    found = await _pressed(update, context, buttons.NewsQuiet)
    if found is None:
        return
    chat_id, pressed, query = found
    choice = await context.services.subscriptions.set_quiet_hours(
        chat_id, pressed.option, now=utc_now()
    )
    if choice is None:
        await _stale(update, context, chat_id)
        return
    await query.answer()
    await edit_screen(update, context, "quiet", choice, changed=True)


async def stop_pressed(update: Update, context: BotContext) -> None:
    """The "Stop all news" button: deletes the subscriber and says so in place of the buttons."""
    found = await _pressed(update, context, buttons.NewsStop)
    if found is None:
        return
    chat_id, _, query = found
    await query.answer()
    had_news = await context.services.subscriptions.stop(chat_id)
    await query.edit_message_text(describe.stopped(had_news), parse_mode=ParseMode.HTML)


async def stop_command(update: Update, context: BotContext) -> None:
    """/stop: deletes the subscriber and confirms it in words."""
    chat_id = private_chat(update)
    message = update.effective_message
    if chat_id is None or message is None:
        await refuse_in_group(update, context)
        return
    had_news = await context.services.subscriptions.stop(chat_id)
    await message.reply_text(describe.stopped(had_news), parse_mode=ParseMode.HTML)
