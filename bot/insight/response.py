"""How quickly each agency answers and resolves its reports: the median and the 90th percentile
of the times, from counts of whole minutes, and the share done within the routing's target."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timing:
    """One measure (to acknowledge, or to resolve) of one agency over a period."""

    done: int  # how many were done at all
    median_minutes: float | None
    p90_minutes: int | None
    judged: int  # with a target, and done or past it
    within: int  # done within the target

    @property
    def share_within(self) -> float | None:
        """The share of judged routings done within their target (0 to 1), if any."""
        return self.within / self.judged if self.judged else None


def _at_rank(histogram: Sequence[tuple[int, int]], rank: int) -> int:
    """The value at a 1-based rank of the sorted values a histogram counts."""
    seen = 0
    for value, count in histogram:
        seen += count
        if seen >= rank:
            return value
    raise ValueError("rank beyond the histogram")


def timing(histogram: Sequence[tuple[int, int]], *, judged: int, within: int) -> Timing:
    """A measure from (minutes, how many) pairs: the median (the middle value, or the mean of
    the two middle values) and the 90th percentile by nearest rank (the smallest value that
    at least 90% of the times do not exceed)."""
    ordered = sorted((value, count) for value, count in histogram if count > 0)
    done = sum(count for _, count in ordered)
    if done == 0:
        return Timing(0, None, None, judged, within)
    if done % 2:
        median: float = _at_rank(ordered, done // 2 + 1)
    else:
        median = (_at_rank(ordered, done // 2) + _at_rank(ordered, done // 2 + 1)) / 2
    p90 = _at_rank(ordered, math.ceil(0.9 * done))
    return Timing(done, median, p90, judged, within)


def duration_words(minutes: float | None) -> str:
    """A time as people say it: ``45 min``, ``3 h 20 min``, ``2 d 4 h``; ``none`` if absent."""
    if minutes is None:
        return "none"
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    hours, rest = divmod(whole, 60)
    if hours < 24:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def share_words(share: float | None) -> str:
    """``87%``, or ``none`` when nothing was judged yet."""
    return "none" if share is None else f"{share:.0%}"
