"""/stats [FROM TO [last-year]]: the partnership's statistics for its admins (small counts of
sensitive categories hidden), and for an officer those of their agency's reports (all shown);
the table as HTML, then the bar chart and the map."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import BotContext
from bot.insight import Compare, Period, PeriodError, last_full_month
from bot.insight.charts import area_map, bar_chart
from bot.insight.periods import parse_compare, parse_period
from bot.insight.texts import BAR_CAPTION, MAP_CAPTION, STATS_REFUSED, stats_messages, stats_usage
from storage.timestamps import utc_now

logger = logging.getLogger(__name__)


def _asked(args: list[str], today: Any) -> tuple[Period, Compare]:
    """The period and comparison typed after /stats (none: last month against the one
    before)."""
    if not args:
        return last_full_month(today), "previous"
    if len(args) not in (2, 3):
        raise PeriodError("give the first and the last day, as YYYY-MM-DD")
    compare = parse_compare(args[2]) if len(args) == 3 else "previous"
    return parse_period(args[0], args[1]), compare


async def stats(update: Update, context: BotContext) -> None:
    """Checks who asks, reads the period, and sends the table and the two pictures."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    services = context.services
    agency: str | None = None
    if not services.officers.is_admin(user.id):
        agencies = await services.officers.agencies_of(user.id)
        if not agencies:
            logger.info("/stats refused to someone who is neither admin nor officer")
            await message.reply_text(STATS_REFUSED)
            return
        agency = agencies[0]
    now = utc_now()
    try:
        period, compare = _asked(list(context.args or []), now.astimezone(services.insight.zone))
    except PeriodError as exc:
        await message.reply_text(stats_usage(str(exc)), parse_mode=ParseMode.HTML)
        return
    figures = await services.insight.statistics(period, compare, now=now, agency=agency)
    for text in stats_messages(figures, services.config.partnership.name):
        await message.reply_text(text, parse_mode=ParseMode.HTML)
    bars = await asyncio.to_thread(bar_chart, figures)
    await message.reply_photo(bars, caption=BAR_CAPTION)
    drawn = await asyncio.to_thread(area_map, figures, services.areas)
    await message.reply_photo(drawn, caption=MAP_CAPTION)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """/stats, in a private chat."""
    return [CommandHandler("stats", stats, filters=filters.ChatType.PRIVATE)]
