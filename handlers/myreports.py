"""/myreports and /status: a resident follows what happened to their reports."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot import buttons
from bot.context import BotContext
from bot.reporting import texts
from bot.reporting.reference import normalise


async def my_reports(update: Update, context: BotContext) -> None:
    """Lists the resident's reports (made or followed) with their state."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    assert chat is not None
    config = context.services.config
    zone = ZoneInfo(config.partnership.timezone)
    reports = await context.services.reports.reports_of_chat(chat.id)
    if not reports:
        text = texts.NO_REPORTS
    else:
        lines = [texts.YOUR_REPORTS]
        for report in reports:
            category = config.category(report.category)
            name = category.name if category else report.category
            state = texts.STATE_WORDS.get(report.status, report.status)
            lines.append(texts.status_line(report.ref, name, state, report.created_at, zone))
        lines.append(texts.STATUS_OF_ONE)
        text = "\n".join(lines)
    await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)


async def status(update: Update, context: BotContext) -> None:
    """Shows one report: everything to its reporter, only its state to anyone else."""
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None
    assert chat is not None
    typed = " ".join(context.args or [])
    ref = normalise(typed) if typed else None
    if ref is None:
        await message.reply_text(texts.STATUS_HOW)
        return
    service = context.services.reports
    report = await service.report_by_ref(ref)
    if report is None:
        await message.reply_text(texts.no_such_report(ref))
        return
    state = texts.STATE_WORDS.get(report.status, report.status)
    if not await service.is_followed_in(report, chat.id):
        await message.reply_text(texts.state_only(ref, state))
        return
    config = context.services.config
    category = config.category(report.category)
    zone = ZoneInfo(config.partnership.timezone)
    await message.reply_text(
        texts.status_line(
            report.ref,
            category.name if category else report.category,
            state,
            report.created_at,
            zone,
        )
        + (texts.where_line(report.location_text) if report.location_text else ""),
        parse_mode=ParseMode.HTML,
    )


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """/myreports, the menu's My reports, and /status."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("myreports", my_reports, filters=private),
        CallbackQueryHandler(my_reports, pattern=buttons.exactly(buttons.Menu("myreports"))),
        CommandHandler("status", status, filters=private),
    ]
