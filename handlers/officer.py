"""The officers' side in an agency's group chat: the buttons on a report's alert card."""

from __future__ import annotations

import logging
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.app import BotContext
from bot.officers import STATE_WORDS, queue_text
from bot.reporting.service import utc_now

logger = logging.getLogger(__name__)

ACK_PATTERN = r"^v1:o:ack:\d+:[a-z0-9_-]+$"


async def acknowledge(update: Update, context: BotContext) -> None:
    """Marks the report acknowledged by the officer's agency and updates the card in place; a
    press by anyone else, or on a report that has moved on, gets a polite answer."""
    query = update.callback_query
    user = update.effective_user
    if query is None or query.data is None or user is None:
        return
    _, _, _, report_id, agency_id = query.data.split(":")
    services = context.services
    now = utc_now()
    outcome = await services.officers.acknowledge(
        int(report_id), agency_id, user.id, user.first_name, now
    )
    if not outcome.allowed:
        await query.answer(
            "Sorry, only officers of the team this report was sent to can act on it.",
            show_alert=True,
        )
        return
    if not outcome.changed:
        state = STATE_WORDS.get(outcome.state or "", outcome.state or "unknown")
        await query.answer(f"This report is already {state}.", show_alert=True)
        return
    await query.answer("Acknowledged. The reporter has been told.")
    services.wake_outbox()
    message = query.message
    if message is not None and hasattr(message, "text_html"):
        zone = ZoneInfo(services.config.partnership.timezone)
        stamp = f"{now.astimezone(zone):%a %-d %b %H:%M}"
        text = f"{message.text_html}\n\n✔ Acknowledged by {escape(user.first_name)}, {stamp}."
        try:
            await query.edit_message_text(
                text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
            )
        except BadRequest as exc:  # the card was deleted or already shows this
            logger.warning("Could not update an alert card: %s", exc)


async def queue(update: Update, context: BotContext) -> None:
    """Lists the agency's open reports: in its group chat, or privately for its officers."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    officers = context.services.officers
    in_group = officers.agency_of_chat(chat.id)
    agencies = [in_group] if in_group else officers.agencies_of(user.id)
    if not agencies:
        await message.reply_text("/queue is for the teams that receive reports.")
        return
    now = utc_now()
    texts = [
        queue_text(
            context.services.config,
            agency,
            await officers.reports.open_for_agency(agency),
            now,
        )
        for agency in agencies
    ]
    await message.reply_text("\n\n".join(texts), parse_mode=ParseMode.HTML)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The alert card's buttons, and /queue."""
    return [
        CallbackQueryHandler(acknowledge, pattern=ACK_PATTERN),
        CommandHandler("queue", queue),
    ]
