"""The statistics of a period against another: counted by storage, put into rows here, with the
small counts of sensitive categories hidden from anyone beyond the agency that handles them."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Category, Config
from bot.geo.areas import AreaMap
from bot.insight import suppress
from bot.insight.change import Noun
from bot.insight.model import (
    AgencyResponse,
    Breakdown,
    Comparison,
    RepeatSpots,
    Row,
    Statistics,
)
from bot.insight.periods import Compare, Period
from bot.insight.response import timing
from storage.db import Database
from storage.stats import SPOT_SIDE_M, Dimension, StatsRepository

REPEAT_AT_LEAST = 3
"""A spot reported this many times in the period is a repeat location."""
NO_AREA = "No area"
"""The row of reports without a point, or outside every configured area."""
_WARD_VINTAGE = re.compile(r"^WD(\d\d)NM$")


class InsightService:
    """Builds the statistics of /stats and ``safetybot stats``."""

    def __init__(self, config: Config, db: Database, areas: AreaMap) -> None:
        """Use the configuration, the open database and the configured areas."""
        self._config = config
        self._stats = StatsRepository(db)
        self._areas = areas
        self._zone = ZoneInfo(config.partnership.timezone)
        insight = config.insight
        self._noun = Noun(insight.noun, insight.noun_singular)

    @property
    def zone(self) -> ZoneInfo:
        """The partnership's time zone, whose days the periods are made of."""
        return self._zone

    async def statistics(
        self, period: Period, compare: Compare, *, now: datetime, agency: str | None = None
    ) -> Statistics:
        """The period against the one ``compare`` names. With an ``agency``, only the reports
        routed to it, every count shown (it handles them); without, every report, with small
        counts of sensitive categories hidden (the view beyond any one agency)."""
        compared = period.compared(compare)
        hide = agency is None
        # Gathered: the long scans (repeats, response times) run on storage's reading
        # connection while the counts run on the shared one.
        later, earlier, responses, repeats, answers = await asyncio.gather(
            self._counts(period, agency),
            self._counts(compared, agency),
            self._responses(period, now, agency),
            self._repeats(period, agency),
            self._answers(period, agency),
        )
        categories = self._categories(earlier["category"], later["category"], hide)
        audience = "the partnership" if agency is None else self._config.agency(agency).name
        return Statistics(
            audience=audience,
            period=period,
            compared=compared,
            compare=compare,
            threshold=self._config.disclosure.small_count_threshold,
            suppressed=hide,
            categories=categories,
            areas=self._places(
                "By area", earlier["area_id"], later["area_id"], self._area_names(), hide
            ),
            wards=self._wards(earlier["ward"], later["ward"], hide),
            responses=responses,
            repeats=repeats,
            repeat_radius_m=SPOT_SIDE_M,
            repeat_at_least=REPEAT_AT_LEAST,
            breakdowns=self._breakdowns(answers, categories, hide),
        )

    async def _counts(self, period: Period, agency: str | None) -> dict[str, _Counts]:
        """The period's counts by category, area and ward; by area and ward also those of the
        sensitive categories alone."""
        start, end = period.bounds(self._zone)
        sensitive = [c.id for c in self._config.categories if c.sensitive]
        found: dict[str, _Counts] = {}
        dimensions: tuple[Dimension, ...] = ("category", "area_id", "ward")
        for by in dimensions:
            counts = await self._stats.counts(by, start, end, agency=agency)
            only = (
                {}
                if by == "category"
                else await self._stats.counts_in(
                    by, start, end, categories=sensitive, agency=agency
                )
            )
            found[by] = _Counts(counts, only)
        return found

    # -- counts by category, area and ward

    def _sensitive(self, category_id: str) -> bool:
        category = self._config.category(category_id)
        return category is not None and category.sensitive

    def _categories(self, before: _Counts, after: _Counts, hide: bool) -> Comparison:
        """One row per configured category (then any no longer configured), and the total."""
        ids = [c.id for c in self._config.categories]
        ids += sorted(c for c in {*before.all, *after.all} - set(ids) if c is not None)
        names = {c.id: c.name for c in self._config.categories}
        flags = [self._sensitive(i) for i in ids]
        threshold = self._config.disclosure.small_count_threshold
        cells_before, total_before = suppress.column(
            [before.all.get(i, 0) for i in ids], flags, threshold=threshold, suppress=hide
        )
        cells_after, total_after = suppress.column(
            [after.all.get(i, 0) for i in ids], flags, threshold=threshold, suppress=hide
        )
        rows = tuple(
            Row(i, names.get(i, i), b, a, self._noun)
            for i, b, a in zip(ids, cells_before, cells_after, strict=True)
        )
        total_name = self._config.insight.total_name
        total = Row("all", total_name, total_before, total_after, self._noun)
        return Comparison("By category", rows, total)

    def _area_names(self) -> list[tuple[str | None, str]]:
        return [*self._areas.names, (None, NO_AREA)]

    def _places(
        self,
        title: str,
        before: _Counts,
        after: _Counts,
        names: Sequence[tuple[str | None, str]],
        hide: bool,
    ) -> Comparison:
        """Reports of every category by place. A place's count mixes its categories, so it says
        nothing of a sensitive one; but a place whose reports (in a period) are all of
        sensitive categories is a sensitive count itself, and is hidden when small."""
        known = [place for place, _ in names]
        extra = sorted(
            (p for p in {*before.all, *after.all} if p not in known),
            key=lambda p: (p is None, p or ""),
        )
        listed = [*names, *((p, p or NO_AREA) for p in extra)]
        listed = [
            (p, n) for p, n in listed if p is not None or before.all.get(p) or after.all.get(p)
        ]
        threshold = self._config.disclosure.small_count_threshold
        columns = []
        for counts in (before, after):
            values = [counts.all.get(p, 0) for p, _ in listed]
            flags = [counts.only_sensitive(p) for p, _ in listed]
            columns.append(suppress.column(values, flags, threshold=threshold, suppress=hide))
        (cells_before, total_before), (cells_after, total_after) = columns
        rows = tuple(
            Row(place or "", name, b, a, self._noun)
            for (place, name), b, a in zip(listed, cells_before, cells_after, strict=True)
        )
        total = Row("all", self._config.insight.total_name, total_before, total_after, self._noun)
        return Comparison(title, rows, total)

    def _wards(self, before: _Counts, after: _Counts, hide: bool) -> Comparison | None:
        """By ward, where a ward file is configured (the ward a report was given is the one its
        point is in); its title says the wards' vintage where the file's name property does."""
        geography = self._config.geography
        if geography.wards_boundary is None:
            return None
        match = _WARD_VINTAGE.match(geography.ward_name_property)
        title = f"By ward ({'20' + match.group(1) + ' wards' if match else 'configured wards'})"
        wards = sorted(w for w in {*before.all, *after.all} if w is not None)
        names: list[tuple[str | None, str]] = [(w, w) for w in wards]
        names.append((None, "No ward"))
        return self._places(title, before, after, names, hide)

    # -- response, repeats and the sensitive categories' answers

    async def _responses(
        self, period: Period, now: datetime, agency: str | None
    ) -> tuple[AgencyResponse, ...]:
        """Each agency with reports of the period: how soon it answered and resolved them."""
        start, end = period.bounds(self._zone)
        answered, finished, targets = await asyncio.gather(
            self._stats.durations(start, end, finished=False, agency=agency),
            self._stats.durations(start, end, finished=True, agency=agency),
            self._stats.target_tallies(start, end, now=now, agency=agency),
        )
        histograms: list[dict[str, list[tuple[int, int]]]] = []
        for durations in (answered, finished):
            histogram: dict[str, list[tuple[int, int]]] = {}
            for d in durations:
                histogram.setdefault(d.agency_id, []).append((d.minutes, d.count))
            histograms.append(histogram)
        ack_minutes, resolve_minutes = histograms
        tallies = {t.agency_id: t for t in targets}
        names = {a.id: a.name for a in self._config.agencies}
        order = [*names, *sorted(set(tallies) - set(names))]
        found = []
        for agency_id in order:
            tally = tallies.get(agency_id)
            if tally is None:
                continue
            found.append(
                AgencyResponse(
                    agency_id=agency_id,
                    name=names.get(agency_id, agency_id),
                    routed=tally.routed,
                    acknowledge=timing(
                        ack_minutes.get(agency_id, []),
                        judged=tally.ack_judged,
                        within=tally.ack_within,
                    ),
                    resolve=timing(
                        resolve_minutes.get(agency_id, []),
                        judged=tally.resolve_judged,
                        within=tally.resolve_within,
                    ),
                )
            )
        return tuple(found)

    async def _repeats(self, period: Period, agency: str | None) -> tuple[RepeatSpots, ...]:
        """The spots reported again and again, with their area only."""
        spots = await self._stats.repeat_spots(
            *period.bounds(self._zone), at_least=REPEAT_AT_LEAST, agency=agency
        )
        names = dict(self._area_names())
        return tuple(
            RepeatSpots(names.get(s.area_id, NO_AREA), s.spots, s.reports, s.most) for s in spots
        )

    def _asking(self, question_id: str) -> list[Category]:
        """The sensitive categories that ask this question."""
        return [
            c
            for c in self._config.categories
            if c.sensitive and any(q.id == question_id for q in c.questions)
        ]

    def _questions(self) -> tuple[tuple[str, str, bool], ...]:
        """The breakdowns: question, title, and whether its options add up to the categories'
        count (one answer each)."""
        insight = self._config.insight
        return (
            (insight.motivation_question, "Perceived motivation", False),
            (insight.reporter_question, "Who reported", True),
        )

    async def _answers(self, period: Period, agency: str | None) -> dict[str, dict[str, int]]:
        """For each breakdown's question, how many of the period's reports chose each option."""
        found = {}
        for question_id, _title, _adds_up in self._questions():
            asking = self._asking(question_id)
            if not asking:
                continue
            counts = await self._stats.answer_counts(
                *period.bounds(self._zone),
                categories=[c.id for c in asking],
                question=question_id,
                agency=agency,
            )
            found[question_id] = {c.option_id: c.count for c in counts}
        return found

    def _breakdowns(
        self, answers: dict[str, dict[str, int]], categories: Comparison, hide: bool
    ) -> tuple[Breakdown, ...]:
        """For the sensitive categories that ask them, the perceived motivation and who
        reported, each option's count in the period. Who reported adds up to the categories'
        count, shown as the category table shows it (hidden there, hidden here)."""
        threshold = self._config.disclosure.small_count_threshold
        found = []
        for question_id, title, adds_up in self._questions():
            asking = self._asking(question_id)
            by_option = answers.get(question_id)
            if not asking or by_option is None:
                continue
            labels: dict[str, str] = {}
            for category in asking:
                for question in category.questions:
                    if question.id == question_id:
                        labels.update({o.id: o.label for o in question.options})
            options = [*labels, *sorted(set(by_option) - set(labels))]
            ids = {c.id for c in asking}
            parts = [row.after for row in categories.rows if row.key in ids]
            cells, shown_total = suppress.line(
                [by_option.get(o, 0) for o in options],
                [True] * len(options),
                sum(p.count for p in parts) if adds_up else None,
                threshold=threshold,
                suppress=hide,
            )
            hidden = [p.hidden for p in parts if p.hidden]
            if shown_total is not None and hidden and not shown_total.hidden:
                kind: suppress.Hidden = "small" if "small" in hidden else "withheld"
                shown_total = replace(shown_total, hidden=kind)
            rows = tuple((labels.get(o, o), cell) for o, cell in zip(options, cells, strict=True))
            found.append(Breakdown(title, rows, shown_total))
        return tuple(found)


@dataclass(frozen=True, slots=True)
class _Counts:
    """A period's counts by one dimension, and those of the sensitive categories alone."""

    all: dict[str | None, int]
    sensitive: dict[str | None, int]

    def only_sensitive(self, key: str | None) -> bool:
        """Whether every report counted under this key is of a sensitive category."""
        count = self.all.get(key, 0)
        return count > 0 and self.sensitive.get(key, 0) == count
