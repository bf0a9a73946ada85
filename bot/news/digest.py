""" "You said, we did": a news item drafted from a period's resolved reports, for an admin to
read, edit and send as any broadcast.

What it may say, and what it never says:

- counts of resolved reports by category and area, in the plan's plain words ("14 fly tips
  cleared in Sopwell (8) and London Colney (6)");
- a count below the partnership's ``small_count_threshold`` is left out altogether (a few
  reports in one place can point at the people involved); a category's total is the sum of
  the counts it shows, so nothing hidden can be worked out by subtraction;
- sensitive categories (hate incidents, anything the config marks sensitive) never appear,
  neither as counts nor as notes, and nor does a category the config no longer has;
- officers' resolution notes only where the officer chose "may be published (no names or
  addresses)", each with its category and its area (the area only where that area's count is
  shown, else "the district");
- no reference, description, street or point: nothing finer than the area.

The draft is Telegram HTML (``b``, ``i``, ``blockquote``), every stored word escaped.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

from bot.config import Category, Config
from storage.db import Database
from storage.resolutions import PublishableNote, ResolutionRepository, ResolvedCount


def small_count_threshold(config: Config) -> int:
    """The partnership's ``[disclosure] small_count_threshold``: smaller counts are left out."""
    return config.disclosure.small_count_threshold


@dataclass(frozen=True, slots=True)
class Period:
    """Local calendar days from ``first`` to ``last``, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends on or after the day it starts")

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        """The period from two dates written ``YYYY-MM-DD``; ValueError says what is wrong."""
        days = []
        for text in (first, last):
            try:
                days.append(date.fromisoformat(text))
            except ValueError:
                raise ValueError(f"{text!r} is not a date written like 2026-11-30") from None
        return cls(days[0], days[1])

    @classmethod
    def last_full_month(cls, now: datetime, timezone: str) -> Period:
        """The last whole calendar month before ``now``, in the partnership's time zone."""
        today = now.astimezone(ZoneInfo(timezone)).date()
        last = today.replace(day=1) - timedelta(days=1)
        return cls(last.replace(day=1), last)

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The period as UTC instants: from its first local midnight (included) to the
        midnight after its last day (excluded); the clock change is the zone's business."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.first, time(0), tzinfo=zone)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def words(self) -> str:
        """The period as a heading says it: "November 2026", "1 to 15 November 2026",
        "28 October to 3 November 2026", "1 December 2025 to 31 January 2026"."""
        first, last = self.first, self.last
        whole_month = (
            first.day == 1
            and (first.year, first.month) == (last.year, last.month)
            and last.day == calendar.monthrange(last.year, last.month)[1]
        )
        if whole_month:
            return f"{first:%B %Y}"
        if first == last:
            return f"{first.day} {first:%B %Y}"
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day} to {last.day} {last:%B %Y}"
        if first.year == last.year:
            return f"{first.day} {first:%B} to {last.day} {last:%B %Y}"
        return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


@dataclass(frozen=True, slots=True)
class CountLine:
    """One category's resolved reports: the areas shown, each with its count (an area None is
    the district as a whole: reports whose area is not known)."""

    category: Category
    areas: tuple[tuple[str | None, int], ...]

    @property
    def total(self) -> int:
        """The sum of the counts shown (and only those)."""
        return sum(count for _, count in self.areas)


@dataclass(frozen=True, slots=True)
class ChosenNote:
    """A resolution note the officer allowed to be published, with what the draft says of its
    report: the category's name and the area's (None: the district)."""

    category: str
    area: str | None
    text: str
    resolved_on: date


@dataclass(frozen=True, slots=True)
class Digest:
    """The drafted item: its period, the counts shown, the chosen notes, and the threshold
    below which counts were left out."""

    period: Period
    lines: tuple[CountLine, ...]
    notes: tuple[ChosenNote, ...]
    threshold: int

    @property
    def empty(self) -> bool:
        """Whether there is nothing to tell: no count to show and no note."""
        return not self.lines and not self.notes

    def html(self) -> str:
        """The draft as Telegram HTML, paragraphs separated by a blank line."""
        parts = [f"<b>You said, we did: {escape(self.period.words())}</b>"]
        if self.lines:
            bullets = "\n".join(f"• {escape(_count_sentence(line))}" for line in self.lines)
            parts.append(
                "Thank you for telling us what you see. Here is what the partnership's teams "
                f"did about it in {escape(self.period.words())}:\n{bullets}"
            )
        else:
            parts.append(
                "Thank you for telling us what you see. Too few reports were resolved in "
                f"{escape(self.period.words())} to share figures without pointing at anyone."
            )
        if self.notes:
            parts.append("<b>What the officers said</b>")
            for note in self.notes:
                where = note.area or "the district"
                parts.append(
                    f"<blockquote>{escape(note.text)}</blockquote>\n"
                    f"<i>{escape(note.category)}, {escape(where)}</i>"
                )
        parts.append("Keep telling us: every report helps the partnership act where it matters.")
        return "\n\n".join(parts)

    def notes_html(self) -> str:
        """The chosen notes as a list for the admin to check before sending (Telegram HTML)."""
        if not self.notes:
            return "No officer chose to allow a note to be published in this period."
        lines = [f"<b>Notes officers allowed to be published ({len(self.notes)})</b>"]
        for note in self.notes:
            where = note.area or "the district"
            lines.append(
                f"• {note.resolved_on.day} {note.resolved_on:%b}, {escape(note.category)}, "
                f"{escape(where)}: {escape(note.text)}"
            )
        return "\n".join(lines)


def _count_sentence(line: CountLine) -> str:
    """ "14 fly tips cleared in Sopwell (8) and London Colney (6)" (plain text)."""
    category = line.category
    noun = category.plural_noun
    head = f"{line.total} {noun} {category.resolved_as}"
    named = [(area, count) for area, count in line.areas if area is not None]
    rest = [count for area, count in line.areas if area is None]
    if not named:
        return f"{head} across the district"
    if len(named) == 1 and not rest:
        return f"{head} in {named[0][0]}"
    places = [f"{area} ({count})" for area, count in named]
    if rest:
        places.append(f"elsewhere in the district ({rest[0]})")
    return f"{head} in {_join(places)}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class DigestDrafter:
    """Drafts "You said, we did" from the stored resolutions."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration and the open database."""
        self._config = config
        self._resolutions = ResolutionRepository(db)

    async def draft(self, period: Period) -> Digest:
        """The digest of the reports resolved in ``period`` (local days, both included)."""
        start, end = period.bounds(self._config.partnership.timezone)
        threshold = small_count_threshold(self._config)
        counts = await self._resolutions.resolved_counts(start, end)
        lines = count_lines(self._config, counts, threshold)
        notes = chosen_notes(
            self._config, await self._resolutions.publishable_notes(start, end), lines
        )
        return Digest(period, tuple(lines), tuple(notes), threshold)


def count_lines(config: Config, counts: list[ResolvedCount], threshold: int) -> list[CountLine]:
    """Counts by public category (in the config's order) and area (largest first, the
    district's unplaced reports last), each at least ``threshold``; areas the config no longer
    has count as the district."""
    cells: dict[str, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    for count in counts:
        if _public_category(config, count.category) is not None:
            cells[count.category][_area_name(config, count.area_id)] += count.count
    lines = []
    for category in config.categories:
        areas = sorted(
            ((area, n) for area, n in cells.get(category.id, {}).items() if n >= threshold),
            key=lambda item: (item[0] is None, -item[1], item[0] or ""),
        )
        if areas:
            lines.append(CountLine(category, tuple(areas)))
    return lines


def chosen_notes(
    config: Config, notes: list[PublishableNote], lines: list[CountLine]
) -> list[ChosenNote]:
    """The publishable notes of public categories, each naming its area only where the
    digest shows that area's count for its category (else the district)."""
    shown = {(line.category.id, area) for line in lines for area, _ in line.areas}
    zone = ZoneInfo(config.partnership.timezone)
    chosen = []
    for note in notes:
        category = _public_category(config, note.category)
        if category is None:
            continue
        area = _area_name(config, note.area_id)
        chosen.append(
            ChosenNote(
                category=category.name,
                area=area if (category.id, area) in shown else None,
                text=note.note,
                resolved_on=note.resolved_at.astimezone(zone).date(),
            )
        )
    return chosen


def _public_category(config: Config, category_id: str) -> Category | None:
    """The category, unless it is sensitive or no longer configured."""
    category = config.category(category_id)
    return None if category is None or category.sensitive else category


def _area_name(config: Config, area_id: str | None) -> str | None:
    """The configured area's name; None for no area, or one the config no longer has."""
    return next((a.name for a in config.areas if a.id == area_id), None)
