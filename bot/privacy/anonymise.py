"""What an anonymised report keeps: the answers chosen from a list (free text goes), and its
times cut to the day, in the partnership's time zone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Config
from storage.reports import Report
from storage.resident_data import Anonymised


def day_of(moment: datetime, zone: ZoneInfo) -> datetime:
    """The start of ``moment``'s local day, in UTC."""
    local = moment.astimezone(zone).date()
    return datetime.combine(local, time(0), tzinfo=zone).astimezone(UTC)


def chosen_answers(config: Config, report: Report) -> Mapping[str, Any]:
    """The report's answers to its category's choice questions; typed answers are dropped."""
    category = config.category(report.category)
    choices = {q.id for q in category.questions if q.kind != "text"} if category else set()
    return {key: value for key, value in report.answers.items() if key in choices}


def anonymised(config: Config, report: Report) -> Anonymised:
    """What ``report`` keeps once anonymised."""
    zone = ZoneInfo(config.partnership.timezone)
    return Anonymised(
        answers=chosen_answers(config, report),
        created_at=day_of(report.created_at, zone),
        occurred_at=None if report.occurred_at is None else day_of(report.occurred_at, zone),
    )
