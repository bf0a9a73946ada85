"""Periods of whole local days, both dates included, and the period each is compared with."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Compare = Literal["previous", "last-year"]
COMPARISONS: tuple[Compare, ...] = ("previous", "last-year")


class PeriodError(ValueError):
    """A period that cannot be read: the message says why, for the person who typed it."""


@dataclass(frozen=True, slots=True)
class Period:
    """From ``first`` to ``last``, both days included, in the partnership's time zone."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def days(self) -> int:
        """How many days it has."""
        return (self.last - self.first).days + 1

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The stored-time range it covers: from local midnight at its start to local
        midnight after its last day, in UTC (``start <= t < end``)."""
        start = datetime.combine(self.first, time(), zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(), zone).astimezone(UTC)
        return start, end

    def previous(self) -> Period:
        """The period of the same length just before it; for whole calendar months, the
        same number of whole months before it (March against February, not 31 days)."""
        months = _whole_months(self)
        if months is not None:
            first = _add_months(self.first, -months)
            return Period(first, self.first - timedelta(days=1))
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def year_before(self) -> Period:
        """The same days a year before (29 February becomes the 28th)."""
        return Period(_year_back(self.first), _year_back(self.last))

    def compared(self, compare: Compare) -> Period:
        """The period to compare it with."""
        return self.previous() if compare == "previous" else self.year_before()

    def label(self) -> str:
        """The period in words: ``1 Apr 2008 to 31 Dec 2008``."""
        return f"{_day(self.first)} to {_day(self.last)}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _whole_months(period: Period) -> int | None:
    """How many whole calendar months the period is, if it is whole months."""
    if period.first.day != 1:
        return None
    last_of_month = calendar.monthrange(period.last.year, period.last.month)[1]
    if period.last.day != last_of_month:
        return None
    return (period.last.year - period.first.year) * 12 + period.last.month - period.first.month + 1


def _add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after the month of ``day`` (day must be a first)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_full_month(today: date) -> Period:
    """The last whole calendar month before today's."""
    first_this = today.replace(day=1)
    last = first_this - timedelta(days=1)
    return Period(last.replace(day=1), last)


def parse_day(text: str) -> date:
    """A date typed as ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"{text!r} is not a date written as YYYY-MM-DD") from None


def parse_period(first: str, last: str) -> Period:
    """A period from two typed dates, both included."""
    return Period(parse_day(first), parse_day(last))


def parse_compare(text: str) -> Compare:
    """``previous`` or ``last-year``."""
    for compare in COMPARISONS:
        if text.strip().lower() == compare:
            return compare
    raise PeriodError(f"compare with 'previous' or 'last-year', not {text!r}")
