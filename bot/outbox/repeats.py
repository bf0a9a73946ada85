"""A repeat location in words, for the agency card: "Third report here since March (resolved
before)". Domain code (no Telegram): the reporting feature finds the earlier reports at
submit; the card says it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_ORDINALS: tuple[str, ...] = (
    "First",
    "Second",
    "Third",
    "Fourth",
    "Fifth",
    "Sixth",
    "Seventh",
    "Eighth",
    "Ninth",
    "Tenth",
)


@dataclass(frozen=True, slots=True)
class Repeat:
    """A new report at a spot where ``earlier`` reports (at least one) were resolved before it
    came, the earliest of them made on ``since`` (a local day)."""

    earlier: int
    since: date


def ordinal(n: int) -> str:
    """``Second`` to ``Tenth`` in words, then ``11th``, ``12th``, ``21st``, ``22nd``, ``23rd``."""
    if 1 <= n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    if n % 100 in (11, 12, 13):
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def repeat_line(repeat: Repeat, today: date) -> str:
    """``Third report here since March (resolved before)``; the year is named when the
    earliest report was not made this year (``since November 2025``)."""
    month = f"{repeat.since:%B}"
    if repeat.since.year != today.year:
        month += f" {repeat.since.year}"
    return f"{ordinal(repeat.earlier + 1)} report here since {month} (resolved before)"
