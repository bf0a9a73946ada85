"""The detection alone: a category's reports of the window against its history (the
space-time permutation usual) or, with little history, the district's rate spread by area."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from bot.config.clusters import Clusters
from bot.geo.metric import METRES_PER_DEGREE, LocalProjection
from bot.insight.clusters.detect import Geography, poisson_tail, scan
from storage.clusters import ClusterPoint, NewCluster

NOW = datetime(2026, 6, 10, 12, tzinfo=UTC)
CENTRE = (51.7527, -0.3394)  # St Peter's Street, St Albans
PROJECTION = LocalProjection(51.75, -0.34)
GEOGRAPHY = Geography(PROJECTION, district_m2=161e6, area_m2={"city": 30e6, "harpenden": 20e6})
SETTINGS = Clusters()
LONG_AGO = NOW - timedelta(weeks=60)


def _near(
    rng: random.Random, metres: float, centre: tuple[float, float] = CENTRE
) -> tuple[float, float]:
    """A point within ``metres`` of the centre."""
    angle, distance = rng.uniform(0, 2 * math.pi), metres * math.sqrt(rng.random())
    north, east = distance * math.sin(angle), distance * math.cos(angle)
    scale = METRES_PER_DEGREE * math.cos(math.radians(centre[0]))
    return centre[0] + north / METRES_PER_DEGREE, centre[1] + east / scale


def _points(
    rng: random.Random, count: int, *, start: datetime, days: float, metres: float, first: int
) -> list[ClusterPoint]:
    found = []
    for i in range(count):
        latitude, longitude = _near(rng, metres)
        at = start + timedelta(seconds=rng.uniform(0, days * 86400))
        found.append(ClusterPoint(first + i, at, latitude, longitude, "city"))
    return sorted(found, key=lambda p: p.created_at)


def _background(rng: random.Random, *, weeks: int, per_week: int) -> list[ClusterPoint]:
    """A quiet district: reports spread over 12 km, the history before the window."""
    start = NOW - timedelta(weeks=weeks) - timedelta(days=7)
    return _points(rng, weeks * per_week, start=start, days=weeks * 7, metres=12_000, first=10_000)


def _scan(
    category: str,
    window: list[ClusterPoint],
    history: list[ClusterPoint],
    *,
    since: datetime = LONG_AGO,
) -> list[NewCluster]:
    """The detection at NOW with the default settings, history kept since ``since``."""
    return scan(
        category,
        window,
        history,
        now=NOW,
        history_since=since,
        settings=SETTINGS,
        geography=GEOGRAPHY,
    )


def test_the_poisson_tail_is_right() -> None:
    """P(X >= 1) = 1 - e^-mean; P(X >= 0) = 1; a far tail stays above zero."""
    assert math.isclose(poisson_tail(1, 3.0), 1 - math.exp(-3.0))
    assert poisson_tail(0, 2.0) == 1.0
    assert 0 < poisson_tail(40, 0.5) < 1e-40
    below = sum(math.exp(-2.0) * 2.0**k / math.factorial(k) for k in range(5))
    assert math.isclose(poisson_tail(5, 2.0), 1 - below)


def test_five_in_a_week_within_500_m_of_a_quiet_place_are_a_cluster() -> None:
    """Against a year of history spread over the district, five reports inside one 500 m circle
    in the window are found, all five, with the history as the basis."""
    rng = random.Random(1)
    history = _background(rng, weeks=52, per_week=20)
    window = _points(rng, 5, start=NOW - timedelta(days=6), days=6, metres=480, first=1)
    window += _points(rng, 15, start=NOW - timedelta(days=7), days=7, metres=12_000, first=100)
    found = _scan("fly-tipping", window, history)
    spots = [f for f in found if f.scope == "spot"]
    assert len(spots) == 1
    assert {1, 2, 3, 4, 5} <= set(spots[0].report_ids)
    assert spots[0].basis == "history"
    assert spots[0].expected < 1
    assert spots[0].p_value < SETTINGS.significance


def test_four_are_not_and_five_spread_out_are_not() -> None:
    """Below the minimum count, or no closer than 2 km apart: nothing."""
    rng = random.Random(2)
    history = _background(rng, weeks=52, per_week=20)
    four = _points(rng, 4, start=NOW - timedelta(days=6), days=6, metres=300, first=1)
    spread = [
        ClusterPoint(
            50 + i, NOW - timedelta(days=i), *_near(rng, 10, (51.70 + i * 0.02, -0.34)), None
        )
        for i in range(5)
    ]
    for window in (four, spread):
        found = _scan("fly-tipping", window, history)
        assert [f for f in found if f.scope == "spot"] == []


def test_a_place_that_always_has_many_is_not_news() -> None:
    """Five in a week where there are usually about five a week (the place's own share of the
    history): no cluster; the same five at a quiet place would be one."""
    rng = random.Random(3)
    busy = _points(
        rng, 52 * 5, start=NOW - timedelta(weeks=53), days=52 * 7, metres=300, first=5000
    )
    history = _background(rng, weeks=52, per_week=20) + busy
    window = _points(rng, 5, start=NOW - timedelta(days=6), days=6, metres=300, first=1)
    window += _points(rng, 20, start=NOW - timedelta(days=7), days=7, metres=12_000, first=100)
    found = _scan("fly-tipping", window, history)
    assert [f for f in found if f.scope == "spot"] == []


def test_a_new_deployment_judges_against_the_district_rate_with_a_floor() -> None:
    """A week of history only: five close together are still found (against the district's
    rate spread over the circle); a pair is never a cluster, however close."""
    rng = random.Random(4)
    start = NOW - timedelta(days=9)
    window = _points(rng, 5, start=NOW - timedelta(days=5), days=5, metres=400, first=1)
    window += _points(rng, 10, start=NOW - timedelta(days=7), days=7, metres=12_000, first=100)
    found = _scan("fly-tipping", window, [], since=start)
    spots = [f for f in found if f.scope == "spot"]
    assert len(spots) == 1
    assert spots[0].basis == "district"
    pair = _points(rng, 2, start=NOW - timedelta(days=1), days=1, metres=20, first=1)
    assert _scan("fly-tipping", pair, [], since=start) == []


def test_an_area_with_far_more_than_its_share_is_a_cluster() -> None:
    """Twenty reports in Harpenden in a week where it has a tenth of a quiet district's history:
    an area cluster (they are too spread out for a spot)."""
    random.Random(5)
    history = [
        ClusterPoint(
            9000 + i,
            NOW - timedelta(days=8 + i % 300),
            None,
            None,
            "harpenden" if i % 10 == 0 else "city",
        )
        for i in range(1000)
    ]
    window = [
        ClusterPoint(i, NOW - timedelta(hours=i * 7), None, None, "harpenden") for i in range(20)
    ]
    window += [
        ClusterPoint(100 + i, NOW - timedelta(hours=i * 8), None, None, "city") for i in range(18)
    ]
    found = _scan("asb", window, history)
    assert [(f.scope, f.area_id, f.count) for f in found] == [("area", "harpenden", 20)]
