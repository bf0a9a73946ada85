"""Finding clusters: a category's reports of the last days coming together, in one area or
within a spot's radius, more than that place's usual makes likely.

The usual is the space-time permutation model of Kulldorff et al. (M Kulldorff, R Heffernan,
J Hartman, R Assunção, F Mostashari, "A space-time permutation scan statistic for disease
outbreak detection", PLoS Medicine 2(3): e59, 2005): the reports expected in a place over the
window are the place's share of all the category's reports (history and window together) times
the window's count across the district, so a place that always has many is not news and the
season (the district's count now) is allowed for. Until the deployment has ``baseline_weeks`` of
history the shares cannot be trusted, and the usual is the district's rate so far spread over
the place by its size. Either way a cluster needs at least ``min_count`` reports, and a Poisson
chance under the usual below ``significance`` (SaTScan judges its scan by Monte Carlo
replication; the floor and a strict significance keep this prospective check as quiet).

Spots: every disk of ``spot_radius_m`` that could be a smallest circle around some of the
window's reports (centred on a report, on the midpoint of two, or on the circle through three:
the centre of any smallest enclosing circle is one of these), the most unusual first, each
report in one spot at most. The significance is shared among the places tested (Bonferroni):
among the window's reports as centres for spots, among the areas for areas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeAlias

import numpy as np

from bot.config.clusters import Clusters
from bot.geo.metric import FloatArray, LocalProjection
from storage.clusters import Basis, ClusterPoint, NewCluster


@dataclass(frozen=True, slots=True)
class Geography:
    """What the detection knows of the district: its projection, its area in square metres,
    and each configured area's."""

    projection: LocalProjection
    district_m2: float
    area_m2: Mapping[str, float]


def poisson_tail(count: int, expected: float) -> float:
    """P(X >= count) for X Poisson with this mean."""
    if count <= 0:
        return 1.0
    if expected <= 0:
        return 0.0
    term = math.exp(-expected)
    below = term
    for k in range(1, count):
        term *= expected / k
        below += term
    return max(0.0, 1.0 - below) if below < 0.999999 else _upper_sum(count, expected)


def _upper_sum(count: int, expected: float) -> float:
    """The upper tail summed directly (where 1 - P(X < count) would lose its digits)."""
    term = math.exp(count * math.log(expected) - expected - math.lgamma(count + 1))
    total, k = 0.0, count
    while term > total * 1e-16 and k < count + 10_000:
        total += term
        k += 1
        term *= expected / k
    return total


def scan(
    category: str,
    window: Sequence[ClusterPoint],
    history: Sequence[ClusterPoint],
    *,
    now: datetime,
    history_since: datetime | None,
    settings: Clusters,
    geography: Geography,
) -> list[NewCluster]:
    """The clusters of one category at ``now``: ``window`` holds its reports of the last
    ``window_days``, ``history`` those of the ``history_weeks`` before; ``history_since`` is
    when the deployment's first report came (how much history there really is)."""
    if len(window) < settings.min_count:
        return []
    span = now - history_since if history_since is not None else timedelta(0)
    own = span >= timedelta(weeks=settings.baseline_weeks)
    days = settings.window_days
    usual: _Usual
    if own:
        usual = _PermutationUsual(len(window), len(history))
    else:
        covered = max(span.total_seconds() / 86400, float(days))
        rate = (len(window) + len(history)) / covered * days  # the district's, per window
        usual = _DistrictUsual(rate, geography.district_m2)
    spots = _spots(category, window, history, usual, settings, geography)
    taken = {i for spot in spots for i in spot.report_ids}
    areas = _areas(category, window, history, usual, settings, geography, taken)
    return spots + areas


_Usual: TypeAlias = "_PermutationUsual | _DistrictUsual"


class _PermutationUsual:
    """The place's share of all the category's reports times the window's count."""

    basis: Basis = "history"

    def __init__(self, in_window: int, in_history: int) -> None:
        self._window = in_window
        self._all = in_window + in_history

    def expected(self, in_place_window: int, in_place_history: int, _place_m2: float) -> float:
        return (in_place_window + in_place_history) * self._window / self._all


class _DistrictUsual:
    """The district's rate so far, spread over the place by its size."""

    basis: Basis = "district"

    def __init__(self, rate: float, district_m2: float) -> None:
        self._rate = rate
        self._district = district_m2

    def expected(self, _in_place_window: int, _in_place_history: int, place_m2: float) -> float:
        return self._rate * min(1.0, place_m2 / self._district)


def _metres(points: Sequence[ClusterPoint], projection: LocalProjection) -> FloatArray:
    lonlat = np.array([[p.longitude, p.latitude] for p in points], dtype=np.float64)
    return projection.lonlat_array_to_metres(lonlat.reshape(-1, 2))


def _centres(xy: FloatArray, radius: float) -> FloatArray:
    """Every point, the midpoint of every two within two radii, and the centre of the circle
    through every three within two radii of one another."""
    found = [xy]
    n = len(xy)
    near = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2) <= 2 * radius
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if near[i, j]]
    if pairs:
        index = np.array(pairs)
        found.append((xy[index[:, 0]] + xy[index[:, 1]]) / 2)
    circumcentres = []
    for i, j in pairs:
        for k in range(j + 1, n):
            if near[i, k] and near[j, k]:
                centre = _circumcentre(xy[i], xy[j], xy[k])
                if centre is not None:
                    circumcentres.append(centre)
    if circumcentres:
        found.append(np.array(circumcentres))
    return np.vstack(found)


def _circumcentre(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray | None:
    d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]))
    if abs(d) < 1e-9:
        return None
    a2, b2, c2 = a @ a, b @ b, c @ c
    x = (a2 * (b[1] - c[1]) + b2 * (c[1] - a[1]) + c2 * (a[1] - b[1])) / d
    y = (a2 * (c[0] - b[0]) + b2 * (a[0] - c[0]) + c2 * (b[0] - a[0])) / d
    return np.array([x, y])


def _spots(
    category: str,
    window: Sequence[ClusterPoint],
    history: Sequence[ClusterPoint],
    usual: _Usual,
    settings: Clusters,
    geography: Geography,
) -> list[NewCluster]:
    placed = [p for p in window if p.latitude is not None and p.longitude is not None]
    if len(placed) < settings.min_count:
        return []
    radius = float(settings.spot_radius_m)
    slack = radius + 1.0  # a metre for rounding: a report on the circle is in it
    projection = geography.projection
    xy = _metres(placed, projection)
    centres = _centres(xy, radius)
    inside = np.linalg.norm(centres[:, None, :] - xy[None, :, :], axis=2) <= slack
    counts = inside.sum(axis=1)
    candidates = np.flatnonzero(counts >= settings.min_count)
    if not len(candidates):
        return []
    old = [p for p in history if p.latitude is not None and p.longitude is not None]
    old_xy = _metres(old, projection) if old else np.empty((0, 2))
    disk_m2 = math.pi * radius * radius
    judged = []
    for candidate in candidates:
        centre = centres[candidate]
        inner = int(inside[candidate].sum())
        before = int((np.linalg.norm(old_xy - centre, axis=1) <= slack).sum()) if old else 0
        expected = usual.expected(inner, before, disk_m2)
        judged.append((poisson_tail(inner, expected), -inner, int(candidate), expected, before))
    judged.sort()
    taken: set[int] = set()
    found = []
    # The window's reports are the centres of as many places tested: the significance is shared
    # among them (Bonferroni), so a busy category is not tested more loosely than a quiet one.
    threshold = settings.significance / len(placed)
    for p_value, negative, index, expected, before in judged:
        if p_value >= threshold:
            break
        members = [int(m) for m in np.flatnonzero(inside[index]) if int(m) not in taken]
        if len(members) < settings.min_count:
            continue
        if len(members) < -negative:  # a spot found already took some: judge what is left
            expected = usual.expected(len(members), before, disk_m2)
            p_value = poisson_tail(len(members), expected)
            if p_value >= threshold:
                continue
        centre = centres[index]
        taken.update(members)
        reports = [placed[m] for m in members]
        latitude, longitude = projection.to_degrees(float(centre[0]), float(centre[1]))
        found.append(
            NewCluster(
                category=category,
                scope="spot",
                area_id=_main_area(reports),
                report_ids=tuple(p.report_id for p in reports),
                expected=expected,
                p_value=p_value,
                basis=usual.basis,
                first_at=min(p.created_at for p in reports),
                latest_at=max(p.created_at for p in reports),
                latitude=latitude,
                longitude=longitude,
                radius_m=settings.spot_radius_m,
            )
        )
    return found


def _main_area(reports: Sequence[ClusterPoint]) -> str | None:
    """The area most of the reports are in."""
    counts: dict[str | None, int] = {}
    for report in reports:
        counts[report.area_id] = counts.get(report.area_id, 0) + 1
    return max(counts, key=lambda a: (counts[a], a is not None, a or ""))


def _areas(
    category: str,
    window: Sequence[ClusterPoint],
    history: Sequence[ClusterPoint],
    usual: _Usual,
    settings: Clusters,
    geography: Geography,
    taken: set[int],
) -> list[NewCluster]:
    """Areas with more of the window's reports than usual, unless most of them are already in
    a spot found (the spot says it more precisely)."""
    found = []
    old: dict[str, int] = {}
    for point in history:
        if point.area_id is not None:
            old[point.area_id] = old.get(point.area_id, 0) + 1
    threshold = settings.significance / max(1, len(geography.area_m2))  # shared, as for spots
    for area_id, area_m2 in geography.area_m2.items():
        reports = [p for p in window if p.area_id == area_id]
        if len(reports) < settings.min_count:
            continue
        if sum(p.report_id in taken for p in reports) * 2 >= len(reports):
            continue
        expected = usual.expected(len(reports), old.get(area_id, 0), area_m2)
        p_value = poisson_tail(len(reports), expected)
        if p_value >= threshold:
            continue
        found.append(
            NewCluster(
                category=category,
                scope="area",
                area_id=area_id,
                report_ids=tuple(p.report_id for p in reports),
                expected=expected,
                p_value=p_value,
                basis=usual.basis,
                latitude=None,
                longitude=None,
                radius_m=None,
                first_at=min(p.created_at for p in reports),
                latest_at=max(p.created_at for p in reports),
            )
        )
    return found
