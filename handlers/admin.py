"""Enrolling officers: an admin issues a one-time code, the officer sends it, an admin revokes."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import texts
from bot.context import BotContext
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


async def _admin(update: Update, context: BotContext) -> bool:
    """Whether the sender is an admin; tells them otherwise."""
    user, message = update.effective_user, update.effective_message
    if user is not None and context.services.officers.is_admin(user.id):
        return True
    if message is not None:
        await message.reply_text(texts.ADMINS_ONLY)
    logger.warning("An admin command was refused to a non-admin")
    return False


async def enrol_code(update: Update, context: BotContext) -> None:
    """/enrolcode AGENCY: a one-time code that makes whoever sends it an officer of AGENCY."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not await _admin(update, context):
        return
    agency = (context.args or [""])[0]
    code = await context.services.officers.issue_code(user.id, agency, utc_now())
    if code is None:
        await message.reply_text(texts.enrol_code_usage(context.services.config))
        return
    name = context.services.config.agency(agency).name
    await message.reply_text(texts.one_time_code(name, code))


async def enrol(update: Update, context: BotContext) -> None:
    """/enrol CODE: the sender becomes an officer of the code's agency."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    code = " ".join(context.args or [])
    agency = await context.services.officers.enrol(user.id, code, utc_now()) if code else None
    if agency is None:
        await message.reply_text(texts.CODE_REFUSED)
        return
    name = context.services.config.agency(agency).name
    await message.reply_text(texts.enrolled(name))


async def revoke(update: Update, context: BotContext) -> None:
    """/revoke AGENCY USER_ID: an enrolled officer loses their rights at once."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not await _admin(update, context):
        return
    args = context.args or []
    if len(args) != 2 or not args[1].isdigit():
        await message.reply_text(texts.revoke_usage(context.services.config))
        return
    count = await context.services.officers.revoke(user.id, int(args[1]), args[0], utc_now())
    await message.reply_text(texts.revoked(count))


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Enrolment commands, in private chats only (codes must not be seen by a group)."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("enrolcode", enrol_code, filters=private),
        CommandHandler("enrol", enrol, filters=private),
        CommandHandler("revoke", revoke, filters=private),
    ]
