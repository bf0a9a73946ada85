"""The statistics of a period against another, as values the texts, tables and charts read."""

from __future__ import annotations

from dataclasses import dataclass

from bot.insight.change import Noun, change_percent, change_words
from bot.insight.periods import Compare, Period
from bot.insight.response import Timing
from bot.insight.suppress import Shown

NOT_SHOWN = "not shown"
"""A change where either count is hidden."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a comparison: a name, the earlier and the later count as they may be seen,
    and the change between them."""

    key: str
    name: str
    before: Shown
    after: Shown
    noun: Noun

    @property
    def comparable(self) -> bool:
        """Whether both counts are shown, and so the change."""
        return self.before.hidden is None and self.after.hidden is None

    @property
    def words(self) -> str:
        """``343 fewer crimes``, or ``not shown``."""
        if not self.comparable:
            return NOT_SHOWN
        return change_words(self.before.count, self.after.count, self.noun)

    @property
    def percent(self) -> str:
        """``down 4.8%``, or ``not shown``."""
        if not self.comparable:
            return NOT_SHOWN
        return change_percent(self.before.count, self.after.count)


@dataclass(frozen=True, slots=True)
class Comparison:
    """Rows and their total (None where the rows do not add up to one)."""

    title: str
    rows: tuple[Row, ...]
    total: Row | None = None


@dataclass(frozen=True, slots=True)
class AgencyResponse:
    """How one agency answered and resolved the period's reports routed to it."""

    agency_id: str
    name: str
    routed: int
    acknowledge: Timing
    resolve: Timing


@dataclass(frozen=True, slots=True)
class RepeatSpots:
    """The spots of one area reported again and again in the period: how many, how many
    reports at them, the most at one (never the street or the point)."""

    area: str
    spots: int
    reports: int
    most: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    """The answers to one question of the sensitive categories in the later period."""

    title: str
    rows: tuple[tuple[str, Shown], ...]
    total: Shown | None


@dataclass(frozen=True, slots=True)
class Statistics:
    """Everything /stats and ``safetybot stats`` show for a period against another."""

    audience: str  # "the partnership" or an agency's name
    period: Period
    compared: Period
    compare: Compare
    threshold: int
    suppressed: bool  # whether small counts are hidden (beyond the handling agency)
    categories: Comparison
    areas: Comparison
    wards: Comparison | None
    responses: tuple[AgencyResponse, ...]
    repeats: tuple[RepeatSpots, ...]
    repeat_radius_m: int
    repeat_at_least: int
    breakdowns: tuple[Breakdown, ...]
