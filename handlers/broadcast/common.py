"""What the /broadcast steps share: the admin check, the draft in user_data, replies and
button presses, and the draft as the service's item."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ConversationHandler

from bot import buttons
from bot.context import BotContext
from bot.news import texts
from bot.news.broadcasts import COMMAND_LINE, Areas, District, Item, Photo, Point, Target

logger = logging.getLogger(__name__)

END = ConversationHandler.END
DRAFT = "broadcast"  # the user_data key of the item being written


async def admin_only(update: Update, context: BotContext) -> bool:
    """Whether the sender is an admin; tells them otherwise (a button press is answered)."""
    user = update.effective_user
    if user is not None and user.id != COMMAND_LINE and context.services.officers.is_admin(user.id):
        return True
    logger.warning("a broadcast action was refused to a non-admin")
    if update.callback_query is not None:
        await update.callback_query.answer(texts.ADMINS_ONLY, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(texts.ADMINS_ONLY)
    return False


def draft_of(context: BotContext) -> dict[str, Any]:
    """The admin's item in progress (made empty if there is none)."""
    user_data = context.user_data
    assert user_data is not None
    draft = user_data.get(DRAFT)
    if not isinstance(draft, dict):
        draft = user_data[DRAFT] = {}
    return draft


async def say(update: Update, text: str, markup: Any = None) -> Message:
    """Reply in the admin's chat (HTML)."""
    message = update.effective_message
    assert message is not None
    return await message.get_bot().send_message(
        message.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def pressed(update: Update) -> buttons.Pressed:
    """The pressed button, decoded, its spinner stopped."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    return buttons.decode(query.data)


def item_of(draft: dict[str, Any], author: int) -> Item:
    """The draft as the service's item."""
    target: Target = District()
    if draft.get("target") == "areas":
        target = Areas(tuple(draft.get("areas", ())))
    elif draft.get("target") == "point":
        target = Point(float(draft["latitude"]), float(draft["longitude"]), int(draft["radius"]))
    photo = Photo(file_id=draft["photo"]) if draft.get("photo") else None
    return Item(
        html=str(draft.get("html", "")),
        topics=tuple(draft.get("topics", ())),
        target=target,
        author=author,
        photo=photo,
        urgent=draft.get("target") == "point",
    )


def forget(context: BotContext) -> None:
    """Drop the admin's draft."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
