"""/broadcasts: the recent items with their figures, and buttons to cancel one not yet sent,
or to withdraw one sent (asked twice). Correcting is a step of the conversation."""

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
from handlers.broadcast.compose import admin_only, pressed, say

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
