"""In or out of the district judged from the gazetteer alone, when no boundary file is given.

Each place stands for the land around it, out to a radius by kind (a town covers more ground
than a hamlet). A point is judged by how far it is from the nearest place inside the district
and the nearest place outside: clearly nearer the outside means outside (and that place's
council covers it), clearly nearer the inside means inside, and anything between is the edge,
which the bot accepts and marks for the agency to confirm. The rules are tuned so that no point
inside the real district is ever judged outside; see tests/geo and bench/geo_accuracy.py.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np

from bot.geo.gazetteer import Place
from bot.geo.metric import FloatArray, LocalProjection

logger = logging.getLogger(__name__)

Verdict = Literal["inside", "outside", "edge"]


@dataclass(frozen=True, slots=True)
class Rules:
    """The numbers the approximation is tuned by.

    Outside when ``d_in > outside_ratio * d_out + outside_margin_m``; inside when
    ``d_out > inside_ratio * d_in + inside_margin_m``; else edge. Distances are metres from the
    edge of each place's radius.
    """

    outside_ratio: float = 0.3
    outside_margin_m: float = 3800.0
    inside_ratio: float = 1.0
    inside_margin_m: float = 800.0
    radius_m: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"town": 0.0, "village": 0.0})
    )


DEFAULT_RULES = Rules()


@dataclass(frozen=True, slots=True)
class Judgement:
    """The approximation's answer for one point."""

    verdict: Verdict
    nearest_inside: Place
    nearest_outside: Place | None


class GazetteerJudge:
    """Judges points against the places of a gazetteer, in a local metric projection."""

    def __init__(
        self, places: Sequence[Place], projection: LocalProjection, rules: Rules | None = None
    ) -> None:
        self.rules = rules or DEFAULT_RULES
        self._projection = projection
        self._inside = [p for p in places if p.in_district]
        self._outside = [p for p in places if not p.in_district]
        if not self._inside:
            raise ValueError("the gazetteer has no place inside the district")
        self._inside_xy, self._inside_r = self._prepare(self._inside)
        self._outside_xy, self._outside_r = self._prepare(self._outside)

    def _prepare(self, places: Sequence[Place]) -> tuple[FloatArray, FloatArray]:
        lonlat = np.array([(p.longitude, p.latitude) for p in places], dtype=np.float64)
        radii = np.array([self.rules.radius_m.get(p.kind, 0.0) for p in places], dtype=np.float64)
        return self._projection.lonlat_array_to_metres(lonlat.reshape(-1, 2)), radii

    def judge(self, latitude: float, longitude: float) -> Judgement:
        """Inside, outside or edge, with the nearest place on each side."""
        here = np.array(self._projection.to_metres(latitude, longitude), dtype=np.float64)
        d_in = _reach(self._inside_xy, self._inside_r, here)
        best_in = int(np.argmin(d_in))
        if not self._outside:
            return Judgement("inside", self._inside[best_in], None)
        d_out = _reach(self._outside_xy, self._outside_r, here)
        best_out = int(np.argmin(d_out))
        near_in, near_out = float(d_in[best_in]), float(d_out[best_out])
        rules = self.rules
        verdict: Verdict = "edge"
        if near_in > rules.outside_ratio * near_out + rules.outside_margin_m:
            verdict = "outside"
        elif near_out > rules.inside_ratio * near_in + rules.inside_margin_m:
            verdict = "inside"
        return Judgement(verdict, self._inside[best_in], self._outside[best_out])


def _reach(xy: FloatArray, radii: FloatArray, here: FloatArray) -> FloatArray:
    """Metres from ``here`` to the edge of each place's radius (0 within it)."""
    distances: FloatArray = np.maximum(np.hypot(*(xy - here).T) - radii, 0.0)
    return distances
