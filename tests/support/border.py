"""Points either side of the district's border with each neighbour, computed from the boundary
files a configuration names: from points along the district's outline, a walk along the
outward normal into the neighbour, and the same walk inwards into the district.

A walk is kept only where its end is as far from the district as it walked (no bay of the
outline is crossed), well inside the neighbour's own outline (the two files are generalised
differently, so they do not meet exactly), and, inwards, as deep inside the district as it
walked. Of those, the one deepest inside the neighbour is taken.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape

from bot.config import Geography
from bot.geo.metric import METRES_PER_DEGREE

_STEP_M = 25.0
_NEIGHBOUR_MARGIN_M = 100.0
_TOLERANCE_M = 1.0

LatLon = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Crossing:
    """A point ``outside_m`` into a neighbour and one ``inside_m`` inside the district, either
    side of the same point of the border."""

    neighbour: str
    outside: LatLon
    inside: LatLon


class _Plane:
    """Longitude, latitude to metres east and north of the district's centre, and back."""

    def __init__(self, latitude: float, longitude: float) -> None:
        self._origin = (longitude, latitude)
        self._east = METRES_PER_DEGREE * math.cos(math.radians(latitude))

    def metres(self, geometry: Any) -> Any:
        west, south = self._origin
        return shapely.transform(
            geometry,
            lambda xy: np.column_stack(
                ((xy[:, 0] - west) * self._east, (xy[:, 1] - south) * METRES_PER_DEGREE)
            ),
        )

    def lat_lon(self, x: float, y: float) -> LatLon:
        west, south = self._origin
        return round(south + y / METRES_PER_DEGREE, 6), round(west + x / self._east, 6)


def _features(path: Path) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
    return features


def border_crossings(
    geography: Geography, outside_m: float, inside_m: float
) -> dict[str, Crossing]:
    """For each neighbour of the neighbours file that shares a border with the district file,
    a crossing of that border (neighbours are named by ``neighbour_name_property``)."""
    assert geography.district_boundary is not None, "the configuration names no district file"
    assert geography.neighbours_boundary is not None, "the configuration names no neighbours"
    district_lonlat = shapely.union_all(
        [shape(f["geometry"]) for f in _features(geography.district_boundary)]
    )
    centre = district_lonlat.centroid
    plane = _Plane(centre.y, centre.x)
    district = plane.metres(district_lonlat)
    shapely.prepare(district)
    outline = shapely.segmentize(
        max(getattr(district, "geoms", [district]), key=lambda p: p.area).exterior, _STEP_M
    )
    ring = np.asarray(outline.coords)
    found: dict[str, tuple[float, Crossing]] = {}
    for feature in _features(geography.neighbours_boundary):
        name = str(feature["properties"][geography.neighbour_name_property])
        neighbour = plane.metres(shape(feature["geometry"]))
        shapely.prepare(neighbour)
        west, south, east, north = neighbour.bounds
        for start, end in itertools.pairwise(ring):
            x, y = (start + end) / 2
            reach = outside_m + _STEP_M
            if not (west - reach <= x <= east + reach and south - reach <= y <= north + reach):
                continue  # too far from this neighbour for a walk to reach it
            crossing = _walk(plane, district, neighbour, name, start, end, outside_m, inside_m)
            if crossing is None:
                continue
            depth, found_here = crossing
            if name not in found or depth > found[name][0]:
                found[name] = (depth, found_here)
    return {name: crossing for name, (_, crossing) in found.items()}


def _walk(
    plane: _Plane,
    district: Any,
    neighbour: Any,
    name: str,
    start: Any,
    end: Any,
    outside_m: float,
    inside_m: float,
) -> tuple[float, Crossing] | None:
    """The crossing from the middle of one segment of the outline, with its depth inside the
    neighbour, or None when the walk does not qualify."""
    length = float(np.hypot(*(end - start)))
    if length == 0:
        return None
    middle = (start + end) / 2
    normal = np.array([end[1] - start[1], start[0] - end[0]]) / length
    if district.contains(shapely.Point(*(middle + normal))):
        normal = -normal  # the ring runs the other way round: this normal points inwards
    out = shapely.Point(*(middle + outside_m * normal))
    into = shapely.Point(*(middle - inside_m * normal))
    if abs(district.distance(out) - outside_m) > _TOLERANCE_M or not neighbour.contains(out):
        return None
    depth = float(neighbour.boundary.distance(out))
    if depth < _NEIGHBOUR_MARGIN_M:
        return None
    if not district.contains(into) or district.boundary.distance(into) < inside_m - _TOLERANCE_M:
        return None
    return depth, Crossing(name, plane.lat_lon(out.x, out.y), plane.lat_lon(into.x, into.y))
