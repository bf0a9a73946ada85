"""The change from one period's count to the next, in words and in percent, as the
partnership's plan writes it: "343 fewer crimes", "89 more crimes", "down 4.8%", "up 25.5%"."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Noun:
    """What is counted, in the plural and the singular ("reports", "report")."""

    plural: str
    singular: str

    def of(self, count: int) -> str:
        """The noun for this many."""
        return self.singular if abs(count) == 1 else self.plural


def number(count: int) -> str:
    """A count as the plan prints it: ``7,215``."""
    return f"{count:,}"


def change_words(before: int, after: int, noun: Noun) -> str:
    """``343 fewer crimes``, ``89 more crimes``, ``1 fewer crime`` or ``no change`` ("fewer",
    never the plan's "1 less crime": these are things counted)."""
    difference = after - before
    if difference == 0:
        return "no change"
    word = "more" if difference > 0 else "fewer"
    return f"{number(abs(difference))} {word} {noun.of(difference)}"


def change_percent(before: int, after: int) -> str:
    """``down 4.8%``, ``up 25.5%``, ``no change``, or ``new`` where there were none before."""
    if before == after:
        return "no change"
    if before == 0:
        return "new"
    share = (after - before) / before * 100
    rounded = f"{abs(share):.1f}"
    return f"{'up' if share > 0 else 'down'} {rounded}%"
