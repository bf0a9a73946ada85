"""The weekly picture: the partnership's own early-warning digest, for the admins' chat every
week (``[weekly]``) and for ``safetybot weekly``.

One week, Monday to Sunday in the partnership's time zone: its reports by category against the
usual (the mean of the same category over the 8 weeks before it), each agency's open and
overdue reports at the week's end, the clusters found (the caller's lines, already in words),
and how many reports were resolved in the week. Small counts of sensitive categories are
hidden as /stats hides them from anyone beyond the agency that handles them (see
:mod:`bot.insight.suppress`): the week's counts as one column with its total, the 8 weeks'
counts as another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from bot.config import Config, Weekly
from bot.insight import suppress
from bot.insight.change import Noun, change_words, number
from bot.insight.periods import Period
from bot.insight.suppress import Shown
from bot.outbox.items import MESSAGE, admin_targets
from storage.clusters import ClusterRepository
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.stats import StatsRepository
from storage.weekly import WeeklyRepository

USUAL_WEEKS = 8
"""The usual: the mean of this many weeks before the week."""
MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text."""
NOT_SHOWN = "not shown"
KEY_PREFIX = "weekly:"
"""The outbox's dedupe keys of the picture: ``weekly:<the week's Monday>:<chat>[:<part>]``."""


def week_of(day: date) -> Period:
    """The week, Monday to Sunday, that holds ``day``."""
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def last_whole_week(today: date) -> Period:
    """The last week, Monday to Sunday, that has ended before ``today``."""
    return week_of(today - timedelta(days=7))


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One category (or all of them) in the week, against the usual: the week's count and
    the count of the weeks before it, as they may be seen."""

    key: str
    name: str
    week: Shown
    before: Shown  # the count of the USUAL_WEEKS weeks before
    weeks: int
    noun: Noun

    @property
    def usual(self) -> float | None:
        """The mean a week over the weeks before, or None when their count is not shown."""
        shown = self.before.value()
        return None if shown is None else shown / self.weeks

    def usual_words(self, threshold: int) -> str:
        """``usual: 12 a week``, ``usual: fewer than 5 in 8 weeks``, ``usual: withheld``."""
        usual = self.usual
        if usual is None:
            if self.before.hidden == "small":
                return f"usual: fewer than {threshold} in {self.weeks} weeks"
            return "usual: withheld"
        return f"usual: {per_week(usual)} a week"

    @property
    def change(self) -> str:
        """``3 more reports than usual``, ``as usual``, or ``not shown``."""
        usual = self.usual
        if usual is None or self.week.hidden is not None:
            return NOT_SHOWN
        words = change_words(int(usual + 0.5), self.week.count, self.noun)
        return "as usual" if words == "no change" else f"{words} than usual"


def per_week(mean: float) -> str:
    """A mean a week as it is read: whole from 10 up (``12``), else to a tenth (``2.5``,
    ``3``, ``0.1``)."""
    if mean >= 10:
        return number(int(mean + 0.5))
    return f"{mean:.1f}".removesuffix(".0")


@dataclass(frozen=True, slots=True)
class AgencyWeek:
    """An agency's routings open at the end of the week, and how many were overdue then."""

    agency_id: str
    name: str
    open: int
    overdue: int


@dataclass(frozen=True, slots=True)
class WeeklyPicture:
    """Everything the weekly picture says, for one week."""

    partnership: str
    week: Period
    threshold: int
    categories: tuple[WeekRow, ...]  # the categories with reports in the week or before
    total: WeekRow
    agencies: tuple[AgencyWeek, ...]
    resolved: int
    clusters: tuple[str, ...] = ()  # each cluster found, in words (filled by the caller)


class WeeklyService:
    """Builds the weekly picture from storage, and hands it to the outbox for the admins."""

    def __init__(self, config: Config, db: Database) -> None:
        """Use the configuration and the open database."""
        self._config = config
        self._db = db
        self._stats = StatsRepository(db)
        self._weekly = WeeklyRepository(db)
        self._outbox = OutboxRepository(db)
        self._clusters = ClusterRepository(db)
        self._zone = ZoneInfo(config.partnership.timezone)

    @property
    def zone(self) -> ZoneInfo:
        """The partnership's time zone, whose days make the weeks."""
        return self._zone

    def last_week(self, now: datetime) -> Period:
        """The last whole week before the local day of ``now``."""
        return last_whole_week(now.astimezone(self._zone).date())

    async def picture(
        self, week: Period, *, clusters: Sequence[str] | None = None
    ) -> WeeklyPicture:
        """The picture of ``week`` (Monday to Sunday); the clusters' lines are those given, or
        (None) those of the clusters first found in the week."""
        start, end = week.bounds(self._zone)
        if clusters is None:
            clusters = await self._cluster_lines(start, end)
        earlier = Period(
            week.first - timedelta(days=7 * USUAL_WEEKS), week.first - timedelta(days=1)
        )
        now_counts = await self._stats.counts("category", start, end)
        before_counts = await self._stats.counts("category", *earlier.bounds(self._zone))
        rows, total = self._rows(now_counts, before_counts)
        loads = {load.agency_id: load for load in await self._weekly.open_by_agency(end)}
        names = {a.id: a.name for a in self._config.agencies}
        agencies = tuple(
            AgencyWeek(
                agency_id,
                names.get(agency_id, agency_id),
                loads[agency_id].open if agency_id in loads else 0,
                loads[agency_id].overdue if agency_id in loads else 0,
            )
            for agency_id in [*names, *sorted(set(loads) - set(names))]
        )
        return WeeklyPicture(
            partnership=self._config.partnership.name,
            week=week,
            threshold=self._config.disclosure.small_count_threshold,
            categories=rows,
            total=total,
            agencies=agencies,
            resolved=await self._weekly.resolved_between(start, end),
            clusters=tuple(clusters),
        )

    def _rows(
        self, week: dict[str | None, int], before: dict[str | None, int]
    ) -> tuple[tuple[WeekRow, ...], WeekRow]:
        """One row per configured category (then any no longer configured), each column
        hidden as /stats hides it, keeping the rows with reports in either."""
        categories = self._config.categories
        ids = [c.id for c in categories]
        ids += sorted(c for c in {*week, *before} - set(ids) if c is not None)
        names = {c.id: c.name for c in categories}
        flags = [c.sensitive for c in categories] + [False] * (len(ids) - len(categories))
        threshold = self._config.disclosure.small_count_threshold
        cells_week, total_week = suppress.column(
            [week.get(i, 0) for i in ids], flags, threshold=threshold, suppress=True
        )
        cells_before, total_before = suppress.column(
            [before.get(i, 0) for i in ids], flags, threshold=threshold, suppress=True
        )
        insight = self._config.insight
        noun = Noun(insight.noun, insight.noun_singular)
        rows = tuple(
            WeekRow(i, names.get(i, i), w, b, USUAL_WEEKS, noun)
            for i, w, b in zip(ids, cells_week, cells_before, strict=True)
            if w.count or b.count
        )
        total = WeekRow("all", insight.total_name, total_week, total_before, USUAL_WEEKS, noun)
        return rows, total

    async def _cluster_lines(self, start: datetime, end: datetime) -> list[str]:
        """The clusters first found in the week, in words: a sensitive category's only counted
        (their details are their agency's), the others with their place and size."""
        areas = {a.id: a.name for a in self._config.areas}
        lines: list[str] = []
        sensitive: dict[str, int] = {}
        for cluster in await self._clusters.found_between(start, end):
            category = self._config.category(cluster.category)
            name = category.name if category else cluster.category
            if category is not None and category.sensitive:
                sensitive[name] = sensitive.get(name, 0) + 1
                continue
            area = areas.get(cluster.area_id or "")
            place = f"in {area}" if area else "outside the areas"
            spot = f"within {cluster.radius_m} m, " if cluster.scope == "spot" else ""
            local = cluster.found_at.astimezone(self._zone)
            lines.append(
                f"{name}: {cluster.count} reports {place} ({spot}about"
                f" {cluster.expected:.1f} usual), found {local:%a} {local.day} {local:%b}"
                + (" (muted)" if cluster.muted else "")
            )
        for name, count in sensitive.items():
            noun = "cluster" if count == 1 else "clusters"
            lines.append(f"{name}: {count} {noun}, told to the agency that handles them")
        return lines

    async def send(self, now: datetime, *, clusters: Sequence[str] | None = None) -> Period:
        """Write last week's picture to the outbox for the admins' chat (or each admin when
        there is none), once a week: the dedupe keys name the week, so running it again (after
        a restart, say) sends nothing more. Returns the week."""
        week = self.last_week(now)
        parts = html_messages(await self.picture(week, clusters=clusters))
        async with self._db.transaction():
            for target in admin_targets(self._config):
                for index, text in enumerate(parts):
                    suffix = "" if index == 0 else f":{index + 1}"
                    await self._outbox.enqueue(
                        MESSAGE,
                        target,
                        {"text": text, "parse_mode": "HTML"},
                        dedupe_key=f"{KEY_PREFIX}{week.first.isoformat()}:{target}{suffix}",
                        now=now,
                    )
        return week


# -- the picture in words


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _blocks(picture: WeeklyPicture) -> list[tuple[str, list[str]]]:
    """The picture as titled blocks of lines, in plain text (not yet escaped)."""
    threshold = picture.threshold
    heading = [f"{_day(picture.week.first)} to {_day(picture.week.last)}"]
    heading.append(
        f"In sensitive categories, counts below {threshold} are shown as "
        f'"fewer than {threshold}", and a count that would give one away is withheld.'
    )
    by_category = [
        f"{row.name}: {row.week.text(threshold)} ({row.usual_words(threshold)}), {row.change}"
        for row in (*picture.categories, picture.total)
    ]
    agencies = [
        f"{a.name}: {number(a.open)} open, {number(a.overdue)} overdue" for a in picture.agencies
    ] or ["No agencies are configured."]
    clusters = list(picture.clusters)
    noun = picture.total.noun
    return [
        (f"{picture.partnership}: the weekly picture", heading),
        (
            f"The week by category, against the usual (a week, the last "
            f"{USUAL_WEEKS} weeks' average)",
            by_category,
        ),
        ("Open and overdue at the end of the week, by agency", agencies),
        ("Clusters found: none" if not clusters else "Clusters found", clusters),
        (f"Resolved in the week: {number(picture.resolved)} {noun.of(picture.resolved)}", []),
    ]


def as_text(picture: WeeklyPicture) -> str:
    """The picture as plain text, for the command line."""
    out = []
    for title, lines in _blocks(picture):
        out.append("\n".join([title, *(f"  {line}" for line in lines)]))
    return "\n\n".join(out) + "\n"


def html_messages(picture: WeeklyPicture, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The picture as Telegram HTML (every name escaped), in as few messages of at most
    ``limit`` characters as its blocks fit (a block longer than that is cut at its lines; a
    line longer than a message could ever hold escaped is cut short before it is escaped)."""
    longest = limit // 6 - 7  # a line escaped at worst (every character "&quot;"), in bold
    pieces: list[str] = []
    for title, lines in _blocks(picture):
        pieces.append(f"<b>{escape(title[:longest])}</b>")
        pieces.extend(escape(line[:longest]) for line in lines)
        pieces.append("")
    messages: list[str] = []
    current = ""
    for piece in pieces[:-1]:
        candidate = piece if not current else f"{current}\n{piece}"
        if len(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            messages.append(current.strip("\n"))
        current = piece
    if current.strip():
        messages.append(current.strip("\n"))
    return messages


def missed_today(weekly: Weekly, now: datetime, zone: ZoneInfo) -> bool:
    """Whether ``now`` is the picture's day, past its time: a bot started then sends it at
    once rather than a week late."""
    local = now.astimezone(zone)
    return local.weekday() == weekly.weekday_index and local.time() >= weekly.at
