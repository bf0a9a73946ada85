"""/broadcasts: the recent items with their figures, and buttons to cancel one not yet sent,
or to withdraw one sent (asked twice), or to correct one (the conversation's last step)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ParseMode

from bot import buttons
from bot.context import BotContext
from bot.news import texts
from bot.news.broadcasts import BroadcastRefused
from handlers.broadcast import keyboards
from handlers.broadcast.common import DRAFT, END, admin_only, draft_of, forget, pressed, say
from handlers.broadcast.compose import CORRECT

logger = logging.getLogger(__name__)

LISTED = 10


async def list_broadcasts(update: Update, context: BotContext) -> None:
    """/broadcasts: each recent item with its figures and what can be done to it."""
    if not await admin_only(update, context):
        return
    overviews = await context.services.broadcasts.list(limit=LISTED)
    if not overviews:
        await say(update, texts.NO_BROADCASTS)
        return
    zone = ZoneInfo(context.services.config.partnership.timezone)
    await say(update, texts.LIST_HEAD)
    for overview in reversed(overviews):  # oldest first, so the newest is nearest the input
        await say(
            update,
            texts.list_line(overview.broadcast, overview.summary, timezone=zone),
            keyboards.manage(overview.broadcast),
        )


async def manage_pressed(update: Update, context: BotContext) -> None:
    """Cancel, withdraw (asks first) or confirm a withdrawal; the service decides if allowed."""
    if not await admin_only(update, context):
        return
    button = await pressed(update)
    user = update.effective_user
    assert user is not None
    if not isinstance(button, buttons.BroadcastManage):
        return
    service = context.services.broadcasts
    try:
        if button.action == "withdraw":
            await say(
                update,
                texts.WITHDRAW_SURE.format(id=button.broadcast_id),
                keyboards.withdraw_sure(button.broadcast_id),
            )
        elif button.action == "sure":
            await service.withdraw(button.broadcast_id, actor=user.id)
            await say(update, texts.withdrawn(button.broadcast_id))
        elif button.action == "cancel":
            await service.cancel(button.broadcast_id, actor=user.id)
            await say(update, texts.cancelled_item(button.broadcast_id))
    except BroadcastRefused as refusal:
        message = update.effective_message
        assert message is not None
        await message.reply_text(texts.refused(str(refusal)), parse_mode=ParseMode.HTML)


async def correction_asked(update: Update, context: BotContext) -> str | int:
    """From /broadcasts' Correct: remembers which item; asks for the corrected text."""
    if not await admin_only(update, context):
        return END
    button = await pressed(update)
    if not isinstance(button, buttons.BroadcastManage):
        return END
    user_data = context.user_data
    assert user_data is not None
    user_data[DRAFT] = {"correct": button.broadcast_id}
    await say(update, texts.ASK_CORRECTION)
    return CORRECT


async def correction_sent(update: Update, context: BotContext) -> str | int:
    """Corrects the item to the new text (or caption), if the service allows."""
    if not await admin_only(update, context):
        return END
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    html = message.text_html if message.text else message.caption_html
    if not html:
        await say(update, texts.NOT_A_MESSAGE)
        return CORRECT
    broadcast_id = int(draft_of(context).get("correct", 0))
    try:
        await context.services.broadcasts.correct(broadcast_id, html, actor=user.id)
    except BroadcastRefused as refusal:
        await say(update, texts.refused(str(refusal)))
        return CORRECT
    forget(context)
    await say(update, texts.corrected(broadcast_id))
    return END
