"""The statistics of a period against another: counted by storage, put into rows here, with the
small counts of sensitive categories hidden from anyone beyond the agency that handles them."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.geo.areas import AreaMap
from bot.geo.metric import METRES_PER_DEGREE
from bot.insight import suppress
from bot.insight.change import Noun
from bot.insight.model import (
    AgencyResponse,
    Breakdown,
    Comparison,
    RepeatSpot,
    Row,
    Statistics,
)
from bot.insight.periods import Compare, Period
from bot.insight.response import timing
from storage.db import Database
from storage.stats import CountRow, StatsRepository

REPEAT_RADIUS_M = 50
"""Reports within about this distance of each other are at the same spot: the map is cut into
squares of this side and a square is a spot."""
REPEAT_AT_LEAST = 3
"""A spot reported this many times in the period is a repeat location."""
NO_AREA = "No area"
"""The row of reports without a point, or outside every configured area."""
_WARD_VINTAGE = re.compile(r"^WD(\d\d)NM$")
_Key = Callable[[CountRow], str | None]


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
        after = await self._stats.counts(*period.bounds(self._zone), agency=agency)
        before = await self._stats.counts(*compared.bounds(self._zone), agency=agency)
        categories = self._categories(before, after, hide)
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
                "By area", before, after, lambda r: r.area_id, self._area_names(), hide
            ),
            wards=self._wards(before, after, hide),
            responses=await self._responses(period, now, agency),
            repeats=await self._repeats(period, agency),
            repeat_radius_m=REPEAT_RADIUS_M,
            repeat_at_least=REPEAT_AT_LEAST,
            breakdowns=await self._breakdowns(period, categories, agency, hide),
        )

    # -- counts by category, area and ward

    def _sensitive(self, category_id: str) -> bool:
        category = self._config.category(category_id)
        return category is not None and category.sensitive

    def _categories(
        self, before: Sequence[CountRow], after: Sequence[CountRow], hide: bool
    ) -> Comparison:
        """One row per configured category (then any no longer configured), and the total."""
        earlier = _sum_by(before, lambda r: r.category)
        later = _sum_by(after, lambda r: r.category)
        ids = [c.id for c in self._config.categories]
        ids += sorted(c for c in {*earlier, *later} - set(ids) if c is not None)
        names = {c.id: c.name for c in self._config.categories}
        flags = [self._sensitive(i) for i in ids]
        threshold = self._config.disclosure.small_count_threshold
        cells_before, total_before = suppress.column(
            [earlier.get(i, 0) for i in ids], flags, threshold=threshold, suppress=hide
        )
        cells_after, total_after = suppress.column(
            [later.get(i, 0) for i in ids], flags, threshold=threshold, suppress=hide
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
        before: Sequence[CountRow],
        after: Sequence[CountRow],
        key: _Key,
        names: Sequence[tuple[str | None, str]],
        hide: bool,
    ) -> Comparison:
        """Reports of every category by place. A place's count mixes its categories, so it says
        nothing of a sensitive one; but a place whose reports are all of sensitive categories
        is a sensitive count itself, and is hidden when small."""
        earlier = _sum_by(before, key)
        later = _sum_by(after, key)
        only_sensitive = _only_sensitive([*before, *after], key, self._sensitive)
        known = [place for place, _ in names]
        extra = sorted(
            (p for p in {*earlier, *later} if p not in known), key=lambda p: (p is None, p or "")
        )
        listed = [*names, *((p, p or NO_AREA) for p in extra)]
        listed = [(p, n) for p, n in listed if earlier.get(p) or later.get(p) or p is not None]
        threshold = self._config.disclosure.small_count_threshold
        flags = [p in only_sensitive for p, _ in listed]
        cells_before, total_before = suppress.column(
            [earlier.get(p, 0) for p, _ in listed], flags, threshold=threshold, suppress=hide
        )
        cells_after, total_after = suppress.column(
            [later.get(p, 0) for p, _ in listed], flags, threshold=threshold, suppress=hide
        )
        rows = tuple(
            Row(place or "", name, b, a, self._noun)
            for (place, name), b, a in zip(listed, cells_before, cells_after, strict=True)
        )
        total = Row("all", self._config.insight.total_name, total_before, total_after, self._noun)
        return Comparison(title, rows, total)

    def _wards(
        self, before: Sequence[CountRow], after: Sequence[CountRow], hide: bool
    ) -> Comparison | None:
        """By ward, where a ward file is configured (the ward a report was given is the one its
        point is in); its title says the wards' vintage where the file's name property does."""
        geography = self._config.geography
        if geography.wards_boundary is None:
            return None
        match = _WARD_VINTAGE.match(geography.ward_name_property)
        title = f"By ward ({'20' + match.group(1) + ' wards' if match else 'configured wards'})"
        wards = sorted({r.ward for r in (*before, *after) if r.ward is not None})
        names: list[tuple[str | None, str]] = [(w, w) for w in wards]
        names.append((None, "No ward"))
        return self._places(title, before, after, lambda r: r.ward, names, hide)

    # -- response, repeats and the sensitive categories' answers

    async def _responses(
        self, period: Period, now: datetime, agency: str | None
    ) -> tuple[AgencyResponse, ...]:
        """Each agency with reports of the period: how soon it answered and resolved them."""
        start, end = period.bounds(self._zone)
        found = []
        measures = []
        for finished in (False, True):
            histogram: dict[str, list[tuple[int, int]]] = {}
            for d in await self._stats.durations(start, end, finished=finished, agency=agency):
                histogram.setdefault(d.agency_id, []).append((d.minutes, d.count))
            tallies = await self._stats.target_tallies(
                start, end, finished=finished, now=now, agency=agency
            )
            measures.append((histogram, {t.agency_id: t for t in tallies}))
        (ack_minutes, ack_tallies), (resolve_minutes, resolve_tallies) = measures
        configured = [a.id for a in self._config.agencies]
        for agency_id in [*configured, *sorted(set(ack_tallies) - set(configured))]:
            ack = ack_tallies.get(agency_id)
            resolve = resolve_tallies.get(agency_id)
            if ack is None or resolve is None:
                continue
            name = next((a.name for a in self._config.agencies if a.id == agency_id), agency_id)
            found.append(
                AgencyResponse(
                    agency_id=agency_id,
                    name=name,
                    routed=ack.routed,
                    acknowledge=timing(
                        ack_minutes.get(agency_id, []), judged=ack.judged, within=ack.within
                    ),
                    resolve=timing(
                        resolve_minutes.get(agency_id, []),
                        judged=resolve.judged,
                        within=resolve.within,
                    ),
                )
            )
        return tuple(found)

    async def _repeats(self, period: Period, agency: str | None) -> tuple[RepeatSpot, ...]:
        """The spots reported again and again, with their area only."""
        latitude = self._areas.projection.origin_latitude
        cell = (
            REPEAT_RADIUS_M / METRES_PER_DEGREE,
            REPEAT_RADIUS_M / (METRES_PER_DEGREE * math.cos(math.radians(latitude))),
        )
        spots = await self._stats.repeat_spots(
            *period.bounds(self._zone), cell_degrees=cell, at_least=REPEAT_AT_LEAST, agency=agency
        )
        names = dict(self._area_names())
        return tuple(RepeatSpot(s.count, names.get(s.area_id, NO_AREA)) for s in spots)

    async def _breakdowns(
        self, period: Period, categories: Comparison, agency: str | None, hide: bool
    ) -> tuple[Breakdown, ...]:
        """For the sensitive categories that ask them, the perceived motivation and who
        reported, each option's count in the period. Who reported adds up to the categories'
        count, shown as the category table shows it (hidden there, hidden here)."""
        insight = self._config.insight
        threshold = self._config.disclosure.small_count_threshold
        found = []
        for question_id, title, adds_up in (
            (insight.motivation_question, "Perceived motivation", False),
            (insight.reporter_question, "Who reported", True),
        ):
            asking = [
                c
                for c in self._config.categories
                if c.sensitive and any(q.id == question_id for q in c.questions)
            ]
            if not asking:
                continue
            labels: dict[str, str] = {}
            for category in asking:
                for question in category.questions:
                    if question.id == question_id:
                        labels.update({o.id: o.label for o in question.options})
            counts = await self._stats.answer_counts(
                *period.bounds(self._zone),
                categories=[c.id for c in asking],
                question=question_id,
                agency=agency,
            )
            by_option = {c.option_id: c.count for c in counts}
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


def _sum_by(rows: Iterable[CountRow], key: _Key) -> dict[str | None, int]:
    totals: Counter[str | None] = Counter()
    for row in rows:
        totals[key(row)] += row.count
    return dict(totals)


def _only_sensitive(
    rows: Iterable[CountRow], key: _Key, sensitive: Callable[[str], bool]
) -> set[str | None]:
    """The places every one of whose reports is of a sensitive category."""
    mixed: dict[str | None, bool] = {}
    for row in rows:
        place = key(row)
        mixed[place] = mixed.get(place, True) and sensitive(row.category)
    return {place for place, only in mixed.items() if only}
