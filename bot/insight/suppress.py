"""Small counts in sensitive categories, hidden from anyone beyond the agency that handles them.

The rule, as the ONS and the Home Office apply it to published crime figures:

1. Primary: a count of 1 to ``threshold - 1`` reports in a sensitive category is shown as
   "fewer than N" (a count of 0 is shown: it tells nothing of a victim).
2. Secondary: the cells of a line that add up to a shown total (a period's column of categories
   with its "all" row; the answers to a question of one category against its count) must not
   give a hidden cell away by subtraction. So wherever a line has exactly one hidden cell, the
   next smallest other cell with a count above 0 (the first listed of equals) is withheld too;
   if there is none, the total is withheld instead. Two hidden cells can only be told apart as
   a sum, which is itself below 2N and says nothing of either.
3. A total whose every part is sensitive is a sensitive count itself (rule 1 applies to it).
4. A change (in words or in percent) is shown only between two shown counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot.insight.change import number

Hidden = Literal["small", "withheld"]


@dataclass(frozen=True, slots=True)
class Shown:
    """A count as it may be seen: the count, or why it is not shown."""

    count: int
    hidden: Hidden | None = None

    def text(self, threshold: int) -> str:
        """``7,215``, ``fewer than 5``, or ``withheld``."""
        if self.hidden == "small":
            return f"fewer than {threshold}"
        if self.hidden == "withheld":
            return "withheld"
        return number(self.count)

    def value(self) -> int | None:
        """The count, or None when it is not shown."""
        return None if self.hidden else self.count


def primary(count: int, *, sensitive: bool, threshold: int, suppress: bool) -> Shown:
    """One count, hidden when it is a small count of a sensitive category."""
    if suppress and sensitive and 0 < count < threshold:
        return Shown(count, "small")
    return Shown(count)


def line(
    counts: Sequence[int],
    sensitive: Sequence[bool],
    total: int | None,
    *,
    threshold: int,
    suppress: bool,
) -> tuple[list[Shown], Shown | None]:
    """The cells of a line that adds up to ``total`` (None: a line with no total shown), and
    the total, with the primary and the secondary suppression of the module's rule."""
    cells = [
        primary(count, sensitive=flag, threshold=threshold, suppress=suppress)
        for count, flag in zip(counts, sensitive, strict=True)
    ]
    shown_total = None
    if total is not None:
        every_part_sensitive = bool(sensitive) and all(sensitive)
        shown_total = primary(
            total, sensitive=every_part_sensitive, threshold=threshold, suppress=suppress
        )
    if not suppress or total is None or shown_total is None or shown_total.hidden:
        return cells, shown_total
    hidden = [i for i, cell in enumerate(cells) if cell.hidden]
    if len(hidden) != 1:
        return cells, shown_total
    candidates = [i for i, cell in enumerate(cells) if not cell.hidden and cell.count > 0]
    if not candidates:
        return cells, replace(shown_total, hidden="withheld")
    smallest = min(candidates, key=lambda i: (cells[i].count, i))
    cells[smallest] = replace(cells[smallest], hidden="withheld")
    return cells, shown_total


def column(
    counts: Sequence[int], sensitive: Sequence[bool], *, threshold: int, suppress: bool
) -> tuple[list[Shown], Shown]:
    """A line with its total shown (the sum of its counts), as :func:`line` hides them."""
    cells, total = line(counts, sensitive, sum(counts), threshold=threshold, suppress=suppress)
    assert total is not None
    return cells, total
