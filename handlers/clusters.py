"""Emerging clusters: the scan after each report and the daily one, and the buttons under an
announcement (acknowledge, mute, list), each checked against who pressed it."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import buttons
from bot.context import BotContext, Services
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


async def look_for_clusters(services: Services, category: str) -> None:
    """After a report is stored: its category's clusters, announced or updated. A failure here
    is logged and never reaches the resident (the daily scan looks again)."""
    try:
        if await services.clusters.scan(utc_now(), (category,)):
            services.wake_outbox()
    except Exception:
        logger.exception("the cluster scan after a report failed")


async def cluster_job(context: BotContext) -> None:
    """The daily scan of every watched category."""
    services = context.services
    if await services.clusters.scan(utc_now()):
        services.wake_outbox()


async def cluster_pressed(update: Update, context: BotContext) -> None:
    """A button under an announcement, by an admin or an officer of the cluster's agencies."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    pressed = buttons.decode(query.data)
    if not isinstance(pressed, buttons.ClusterAction):
        await query.answer()
        return
    services = context.services
    answer = await services.clusters.press(
        pressed.cluster_id,
        pressed.action,
        pressed.days,
        name=user.full_name,
        is_admin=services.officers.is_admin(user.id),
        agencies=await services.officers.agencies_of(user.id),
        now=utc_now(),
    )
    await query.answer(answer.toast)
    message = query.message
    if answer.text is not None and message is not None:
        markup = InlineKeyboardMarkup.de_json(answer.markup, context.bot) if answer.markup else None
        try:
            await query.edit_message_text(
                answer.text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except BadRequest as error:  # unchanged, or too old to edit: the toast has said it
            logger.info("the cluster announcement was not edited: %s", error.message)
    if answer.reply is not None and message is not None:
        await context.bot.send_message(message.chat.id, answer.reply, parse_mode=ParseMode.HTML)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The announcement's buttons."""
    return [
        CallbackQueryHandler(cluster_pressed, pattern=buttons.pattern(buttons.ClusterAction)),
    ]
