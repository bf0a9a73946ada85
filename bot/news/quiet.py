"""Quiet hours: news that arrives at night is delivered silently.

The partnership sets the default hours (``[news] quiet_hours``); each subscriber keeps them,
turns them off, or picks their own (stored as :attr:`storage.subscribers.Recipient.quiet_hours`:
None, ``"off"`` or ``"HH:MM-HH:MM"``). An urgent alert rings even in quiet hours where
``urgent_overrides_quiet_hours`` allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.config import Config

OFF = "off"
"""A subscriber's choice of no quiet hours."""


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local hours from ``start`` up to (not including) ``end``; over midnight when end < start."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """Read ``HH:MM-HH:MM`` (validated by the config model or the subscriber's choice)."""
        first, second = text.split("-")
        return cls(time.fromisoformat(first), time.fromisoformat(second))

    def contains(self, local: time) -> bool:
        """Whether this local time of day falls in the quiet hours."""
        moment = local.replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M} to {self.end:%H:%M}"


def hours_for(choice: str | None, config: Config) -> QuietHours | None:
    """The quiet hours that apply to a subscriber's choice (None: never quiet)."""
    if choice == OFF:
        return None
    text = choice if choice is not None else config.news.quiet_hours
    return QuietHours.parse(text) if text else None


def is_quiet(choice: str | None, config: Config, at: datetime, *, urgent: bool = False) -> bool:
    """Whether an item sent at ``at`` (aware) to this subscriber goes without a sound."""
    if urgent and config.news.urgent_overrides_quiet_hours:
        return False
    hours = hours_for(choice, config)
    if hours is None:
        return False
    local = at.astimezone(ZoneInfo(config.partnership.timezone))
    return hours.contains(local.time())
