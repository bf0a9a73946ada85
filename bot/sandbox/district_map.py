"""The district as a map the page draws in SVG and a person clicks to share a location.

What is drawn is the configured geography: the district's outline and its wards when boundary
files are configured (the St Albans default ships them), else the gazetteer's places and the
postcode units as a dot map. Either way the gazetteer's towns, villages and stations are marked
and named. Nothing is fetched from elsewhere: no tiles, no fonts.

Coordinates are projected to the page by a plain equirectangular projection of the district's
box, ``x = (longitude - west) * x_per_degree`` and ``y = (north - latitude) * y_per_degree``,
which the page inverts for a click; at a district's scale it is true to well under one per cent.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import shapely  # type: ignore[import-untyped]

from bot.config import Geography
from bot.geo import Gazetteer
from bot.geo.boundaries import Feature, read_features

WIDTH = 1000.0  # the map's width in its own units; its height follows the district's shape
PADDING = 0.04  # of the box, on every side
SIMPLIFY_DEGREES = 0.0002  # about 15 m: invisible at the page's scale, a fifth of the bytes
MARKED_KINDS = ("town", "village", "station")
LABELLED_KINDS = ("town",)


@dataclass(frozen=True, slots=True)
class Projection:
    """Longitude and latitude to the map's x (east) and y (down), and back."""

    west: float
    north: float
    x_per_degree: float
    y_per_degree: float

    def to_map(self, latitude: float, longitude: float) -> tuple[float, float]:
        """The map's (x, y) of a point."""
        return (
            (longitude - self.west) * self.x_per_degree,
            (self.north - latitude) * self.y_per_degree,
        )

    def to_lat_lon(self, x: float, y: float) -> tuple[float, float]:
        """The point (latitude, longitude) at the map's (x, y): what the page does on a click."""
        return self.north - y / self.y_per_degree, self.west + x / self.x_per_degree


@dataclass(frozen=True, slots=True)
class Region:
    """A named outline drawn on the map (an SVG path in the map's units)."""

    name: str
    path: str


@dataclass(frozen=True, slots=True)
class Mark:
    """A named place marked on the map."""

    name: str
    kind: str
    x: float
    y: float
    in_district: bool
    labelled: bool


@dataclass(frozen=True, slots=True)
class DistrictMap:
    """Everything the page needs to draw the map and read a click."""

    width: float
    height: float
    projection: Projection
    drawn_from: str  # "boundaries" or "gazetteer"
    district: str | None  # the outline's path, with boundary files
    wards: tuple[Region, ...]
    places: tuple[Mark, ...]
    postcodes: str | None  # the postcode units as one path of dots, without boundary files
    attribution: str

    def as_json(self) -> dict[str, Any]:
        """The map as the page's JSON route gives it."""
        return asdict(self)


def district_map(geography: Geography, gazetteer: Gazetteer) -> DistrictMap:
    """The map of the configured geography (see the module's doc)."""
    district = _features(geography.district_boundary)
    wards = _features(geography.wards_boundary, geography.ward_name_property)
    outline = district or wards
    inside = [p for p in gazetteer.places if p.in_district]
    units = [u for u in gazetteer.postcodes.units] if gazetteer.postcodes is not None else []
    if outline:
        west, south, east, north = shapely.union_all([f.geometry for f in outline]).bounds
    else:
        lats = [p.latitude for p in inside] + [u.latitude for u in units if _ours(u, gazetteer)]
        lons = [p.longitude for p in inside] + [u.longitude for u in units if _ours(u, gazetteer)]
        west, south, east, north = min(lons), min(lats), max(lons), max(lats)
    projection, height = _fit(west, south, east, north)
    marks = tuple(
        Mark(
            p.name,
            p.kind,
            *_rounded(projection.to_map(p.latitude, p.longitude)),
            p.in_district,
            p.kind in LABELLED_KINDS and p.in_district,
        )
        for p in gazetteer.places
        if p.kind in MARKED_KINDS and _within(projection, height, p.latitude, p.longitude)
    )
    dots = None
    if not outline and units:
        dots = " ".join(
            f"M{x:.1f} {y:.1f}h1.5"
            for x, y in (projection.to_map(u.latitude, u.longitude) for u in units)
            if 0 <= x <= WIDTH and 0 <= y <= height
        )
    return DistrictMap(
        width=WIDTH,
        height=round(height, 1),
        projection=projection,
        drawn_from="boundaries" if outline else "gazetteer",
        district=_path(projection, [f.geometry for f in outline]) if outline else None,
        wards=tuple(Region(f.name, _path(projection, [f.geometry])) for f in wards),
        places=marks,
        postcodes=dots,
        attribution=_attribution(geography),
    )


def map_point(spot: Any) -> tuple[float, float] | None:
    """The (latitude, longitude) of a point the page sends for a click, or None if it is not
    a point on the Earth."""
    try:
        latitude, longitude = float(spot["latitude"]), float(spot["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        return None
    if abs(latitude) > 90 or abs(longitude) > 180:
        return None
    return round(latitude, 6), round(longitude, 6)


def _ours(unit: Any, gazetteer: Gazetteer) -> bool:
    return bool(unit.council == gazetteer.district_council)


def _features(path: Any, name_property: str | None = None) -> list[Feature]:
    return [] if path is None else read_features(path, name_property)


def _fit(west: float, south: float, east: float, north: float) -> tuple[Projection, float]:
    """The projection of the padded box onto a map WIDTH wide, and the map's height."""
    pad_x, pad_y = (east - west) * PADDING, (north - south) * PADDING
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    squash = math.cos(math.radians((north + south) / 2))  # a degree east is shorter than north
    x_per_degree = WIDTH / (east - west)
    y_per_degree = x_per_degree / squash
    return (
        Projection(west, north, x_per_degree, y_per_degree),
        (north - south) * y_per_degree,
    )


def _within(projection: Projection, height: float, latitude: float, longitude: float) -> bool:
    x, y = projection.to_map(latitude, longitude)
    return 0 <= x <= WIDTH and 0 <= y <= height


def _rounded(xy: tuple[float, float]) -> tuple[float, float]:
    return round(xy[0], 1), round(xy[1], 1)


def _path(projection: Projection, geometries: Sequence[Any]) -> str:
    """An SVG path of polygons (their outer and inner rings) in the map's units."""
    parts: list[str] = []
    for geometry in geometries:
        simple = shapely.simplify(geometry, SIMPLIFY_DEGREES, preserve_topology=True)
        for polygon in getattr(simple, "geoms", [simple]):
            if polygon.geom_type != "Polygon":
                continue
            for ring in (polygon.exterior, *polygon.interiors):
                parts.append(_ring(projection, ring.coords))
    return " ".join(parts)


def _ring(projection: Projection, coords: Iterable[Sequence[float]]) -> str:
    points = [projection.to_map(lat, lon) for lon, lat, *_ in coords]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z"


def _attribution(geography: Geography) -> str:
    """The boundary files' own attribution (the Open Government Licence asks for it)."""
    found: list[str] = []
    for path in (geography.district_boundary, geography.wards_boundary):
        if path is None:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        words = data.get("attribution") if isinstance(data, dict) else None
        if isinstance(words, str) and words not in found:
            found.append(words)
    return " ".join(found)


__all__ = ["DistrictMap", "Mark", "Projection", "Region", "district_map", "map_point"]
