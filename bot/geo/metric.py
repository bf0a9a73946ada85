"""Distances in metres on the small patch of the Earth a district covers.

An equirectangular projection centred on the district is accurate to well under one per cent
over a few tens of kilometres, which is all the locator needs, and costs no dependency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180

FloatArray = npt.NDArray[np.float64]


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two points on the Earth's surface (haversine), for points anywhere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class Box:
    """A box of latitude and longitude, for reading an index of positions by range."""

    south: float
    north: float
    west: float
    east: float


def box_around(latitude: float, longitude: float, metres: float) -> Box:
    """The box that holds every point within ``metres`` of this one (and a little more at its
    corners: the exact distance is the caller's to check)."""
    dlat = metres / METRES_PER_DEGREE
    dlon = dlat / max(math.cos(math.radians(latitude)), 0.01)
    return Box(latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon)


@dataclass(frozen=True, slots=True)
class LocalProjection:
    """Longitude and latitude to metres east and north of an origin near the district."""

    origin_latitude: float
    origin_longitude: float

    @property
    def _east_scale(self) -> float:
        return METRES_PER_DEGREE * math.cos(math.radians(self.origin_latitude))

    def to_metres(self, latitude: float, longitude: float) -> tuple[float, float]:
        """The point as (east, north) metres from the origin."""
        return (
            (longitude - self.origin_longitude) * self._east_scale,
            (latitude - self.origin_latitude) * METRES_PER_DEGREE,
        )

    def to_degrees(self, east: float, north: float) -> tuple[float, float]:
        """The (latitude, longitude) of a point given in metres from the origin."""
        return (
            self.origin_latitude + north / METRES_PER_DEGREE,
            self.origin_longitude + east / self._east_scale,
        )

    def lonlat_array_to_metres(self, lonlat: FloatArray) -> FloatArray:
        """An (n, 2) array of longitude, latitude pairs as (east, north) metres."""
        out = np.empty_like(lonlat, dtype=np.float64)
        out[:, 0] = (lonlat[:, 0] - self.origin_longitude) * self._east_scale
        out[:, 1] = (lonlat[:, 1] - self.origin_latitude) * METRES_PER_DEGREE
        return out

    def distance_m(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        """Metres between two (latitude, longitude) points."""
        ax, ay = self.to_metres(*a)
        bx, by = self.to_metres(*b)
        return math.hypot(ax - bx, ay - by)
