"""In or out of the district judged from shipped points alone, when no boundary file is given.

The points are the postcode units of the district and of its neighbours (see postcodes.py), with
the gazetteer's named places beyond them, or the named places alone for a gazetteer without
postcodes. Each point is labelled with the council it
belongs to. A pin is judged by how far it is from the nearest point inside the district and the
nearest point outside:

- outside when it is clearly nearer the outside (``d_in > outside_ratio * d_out + margin``) and,
  where the rules ask for it, lies in a triangle of three outside points (a Delaunay triangle of
  all the points, no side longer than ``outside_triangle_m``): it is among the neighbour's homes,
  not in a field between two councils;
- inside when it is clearly nearer the inside, likewise;
- else at the edge, which the bot accepts and marks for the agency to confirm.

The rules are tuned so that no point inside the real district is ever judged outside; see
tests/geo and bench/geo_accuracy.py for the figures.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import shapely  # type: ignore[import-untyped]

from bot.geo.metric import FloatArray, LocalProjection

logger = logging.getLogger(__name__)

Verdict = Literal["inside", "outside", "edge"]


@dataclass(frozen=True, slots=True)
class Rules:
    """The numbers the approximation is tuned by (distances in metres)."""

    outside_ratio: float
    outside_margin_m: float
    inside_ratio: float
    inside_margin_m: float
    outside_triangle_m: float | None = None
    """When set, "outside" also needs a triangle of outside points with sides this short."""
    inside_triangle_m: float | None = None
    """When set, "inside" also needs a triangle of inside points with sides this short."""


POSTCODE_RULES = Rules(
    outside_ratio=0.3,
    outside_margin_m=900.0,
    inside_ratio=1.0,
    inside_margin_m=100.0,
    outside_triangle_m=2500.0,
    inside_triangle_m=3000.0,
)
"""For postcode units: hundreds of metres apart in the fields where district boundaries run."""

PLACE_RULES = Rules(
    outside_ratio=0.3, outside_margin_m=3800.0, inside_ratio=1.0, inside_margin_m=800.0
)
"""For named places alone: kilometres apart, so far wider margins."""


@dataclass(frozen=True, slots=True)
class Landmark:
    """A point the approximation knows the council of."""

    latitude: float
    longitude: float
    council: str
    in_district: bool


@dataclass(frozen=True, slots=True)
class Judgement:
    """The approximation's answer for one point."""

    verdict: Verdict
    outside_council: str | None
    """The council of the nearest landmark outside the district (None if there is none)."""
    outside_distance_m: float
    """How far that landmark is (infinite when there is none)."""


class Judge:
    """Judges points against labelled landmarks, in a local metric projection."""

    def __init__(
        self, landmarks: Sequence[Landmark], projection: LocalProjection, rules: Rules
    ) -> None:
        self.rules = rules
        self._projection = projection
        inside = np.fromiter((m.in_district for m in landmarks), dtype=bool, count=len(landmarks))
        if not inside.any():
            raise ValueError("the approximation has no point inside the district")
        lonlat = np.fromiter(
            (c for m in landmarks for c in (m.longitude, m.latitude)), dtype=np.float64
        )
        xy = projection.lonlat_array_to_metres(lonlat.reshape(-1, 2))
        self._inside_tree = shapely.STRtree(shapely.points(xy[inside]))
        self._outside_tree = shapely.STRtree(shapely.points(xy[~inside]))
        self._outside_councils = [m.council for m in landmarks if not m.in_district]
        self._outside_triangles = self._inside_triangles = None
        if rules.outside_triangle_m is not None or rules.inside_triangle_m is not None:
            triangulation = _Triangulation(xy, inside)
            self._outside_triangles = triangulation.tree(False, rules.outside_triangle_m)
            self._inside_triangles = triangulation.tree(True, rules.inside_triangle_m)

    def judge(self, latitude: float, longitude: float) -> Judgement:
        """Inside, outside or edge, with the council of the nearest landmark outside."""
        here = shapely.Point(self._projection.to_metres(latitude, longitude))
        near_in = _nearest(self._inside_tree, here)[1]
        if not self._outside_councils:
            return Judgement("inside", None, float("inf"))
        best_out, near_out = _nearest(self._outside_tree, here)
        rules = self.rules
        verdict: Verdict = "edge"
        if near_in > rules.outside_ratio * near_out + rules.outside_margin_m and _within(
            self._outside_triangles, here
        ):
            verdict = "outside"
        elif near_out > rules.inside_ratio * near_in + rules.inside_margin_m and _within(
            self._inside_triangles, here
        ):
            verdict = "inside"
        return Judgement(verdict, self._outside_councils[best_out], near_out)


class LayeredJudge:
    """A fine judge (postcode units) with a coarse one (named places) where it is unsure.

    The postcodes reach only a few kilometres past the district; further out, and wherever the
    fine judge answers "edge", the coarse judge's "outside" is taken. Both are tuned never to
    refuse a point inside the district, so the layering cannot either.
    """

    def __init__(self, fine: Judge, coarse: Judge) -> None:
        self.fine = fine
        self.coarse = coarse

    def judge(self, latitude: float, longitude: float) -> Judgement:
        """The fine judgement, unless it is "edge" and the coarse one is "outside"."""
        fine = self.fine.judge(latitude, longitude)
        if fine.verdict != "edge":
            return fine
        coarse = self.coarse.judge(latitude, longitude)
        return coarse if coarse.verdict == "outside" else fine


class _Triangulation:
    """The Delaunay triangles of all the landmarks, each with the side of its three corners."""

    def __init__(self, xy: FloatArray, inside: npt.NDArray[np.bool_]) -> None:
        # Landmarks at one position but on different sides make their triangles mixed.
        keys = xy[:, 0] + 1j * xy[:, 1]
        order = np.argsort(keys, kind="stable")
        sorted_keys, sorted_inside = keys[order], inside[order].astype(np.int8)
        unique, first = np.unique(sorted_keys, return_index=True)
        side = np.maximum.reduceat(sorted_inside, first)
        mixed = side != np.minimum.reduceat(sorted_inside, first)
        side[mixed] = -1
        self.triangles = shapely.get_parts(shapely.delaunay_triangles(shapely.multipoints(xy)))
        corners = shapely.get_coordinates(self.triangles).reshape(-1, 4, 2)[:, :3]
        found = np.searchsorted(unique, corners[:, :, 0] + 1j * corners[:, :, 1])
        found = np.minimum(found, len(unique) - 1)
        known = unique[found] == corners[:, :, 0] + 1j * corners[:, :, 1]
        corner_side = np.where(known, side[found], -1)
        self.side = np.where((corner_side == corner_side[:, :1]).all(axis=1), corner_side[:, 0], -1)
        self.longest = np.hypot(*(corners - np.roll(corners, 1, axis=1)).transpose(2, 0, 1)).max(
            axis=1
        )

    def tree(self, inside: bool, longest: float | None) -> Any:
        """The triangles all on one side with no side longer than ``longest``; None for any."""
        if longest is None:
            return None
        keep = (self.side == int(inside)) & (self.longest <= longest)
        logger.debug("%d of %d triangles qualify", int(keep.sum()), len(self.triangles))
        return shapely.STRtree(self.triangles[keep])


def _nearest(tree: Any, here: Any) -> tuple[int, float]:
    """The index of the tree's point nearest ``here``, and its distance."""
    indices, distances = tree.query_nearest(here, return_distance=True, all_matches=False)
    return int(indices[0]), float(distances[0])


def _within(triangles: Any, here: Any) -> bool:
    """Whether ``here`` lies in one of the triangles (always, when there are none to ask)."""
    if triangles is None:
        return True
    return len(triangles.query(here, predicate="intersects")) > 0
