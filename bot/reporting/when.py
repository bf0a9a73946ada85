"""When it happened: the quick choices, and typed dates checked against the calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DATE = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})(?:[/.\- ](\d{2}|\d{4}))?\s*$")


@dataclass(frozen=True, slots=True)
class When:
    """A moment in UTC and how to say it back to the resident."""

    at: datetime
    label: str


class DateProblem(ValueError):
    """A typed date that cannot be used; the message says why, for the resident."""


def quick(choice: str, now: datetime, zone: ZoneInfo) -> When:
    """One of the buttons: now, earlier today, yesterday."""
    local = now.astimezone(zone)
    if choice == "now":
        return When(now.astimezone(UTC), "Now or just now")
    if choice == "today":
        return When(now.astimezone(UTC), f"Earlier today ({local:%A %-d %B})")
    if choice == "yesterday":
        day = local.date() - timedelta(days=1)
        return When(_noon(day, zone), f"Yesterday ({day:%A %-d %B})")
    raise ValueError(f"unknown choice {choice!r}")


def parse_date(text: str, now: datetime, zone: ZoneInfo, max_age_days: int) -> When:
    """A typed day such as 24/11/2026, 24/11/26 or 24/11 (this year); not in the future, not
    older than ``max_age_days``."""
    match = _DATE.match(text)
    if match is None:
        raise DateProblem("Please type the date as day/month/year, for example 24/11/2026.")
    day, month, year_text = match.groups()
    today = now.astimezone(zone).date()
    year = today.year if year_text is None else int(year_text)
    if year < 100:
        year += 2000
    try:
        typed = date(year, int(month), int(day))
    except ValueError:
        raise DateProblem(
            f"There is no {day}/{month}/{year} in the calendar. Please check the date."
        ) from None
    if typed > today:
        raise DateProblem("That date is in the future. Please type the day it happened.")
    if (today - typed).days > max_age_days:
        raise DateProblem(
            f"We can only take reports of things from the last {max_age_days} days. For older "
            "matters please call 101."
        )
    return When(_noon(typed, zone), f"{typed:%A %-d %B %Y}")


def _noon(day: date, zone: ZoneInfo) -> datetime:
    """A day without a time is stored as its local midday, so it stays on that day in UTC."""
    return datetime.combine(day, time(12), tzinfo=zone).astimezone(UTC)
